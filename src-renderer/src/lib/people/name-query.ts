/** `from:` by name: shared with the CLI's `export --query` (src-main/shared/search/name-query.ts). */
export { accountsNamedBy, expandNames, namesPerson } from '@shared/search/name-query'
