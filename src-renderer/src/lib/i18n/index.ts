/**
 * The i18n entry point for components: `import { t, i18n } from '@renderer/lib/i18n'`. Plain
 * modules that must run without the Svelte compiler import `@renderer/lib/i18n/core`.
 */
export { explainError, fmtDateTime, fmtDuration, fmtError, fmtNumber, fmtRelative, i18n, t } from './i18n.svelte'
export * from './core'
