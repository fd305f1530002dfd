/** The i18n entry point for components: `import { t, i18n } from '@renderer/lib/i18n'`. */
export { fmtDateTime, fmtDuration, fmtError, fmtNumber, fmtRelative, i18n, t } from './i18n.svelte'
export type { Locale, MessageKey, Params } from './i18n.svelte'
export { formatNumber, localeFor, translate } from './translate'
export { locales } from './messages'
