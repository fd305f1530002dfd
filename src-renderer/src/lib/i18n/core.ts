/**
 * The i18n entry point for plain modules: translation and formatting with no reactivity, so the
 * code that uses it runs in unit tests on Node without the Svelte compiler. Components import
 * `@renderer/lib/i18n` instead, which adds the reactive `t()` and the current locale. ESLint
 * keeps every other file of this folder private to it.
 */
export { formatNumber, isLocale, localeFor, translate } from './translate'
export type { Params } from './translate'
export { locales } from './messages'
export type { Locale, MessageKey } from './messages'
export type { timelineEn } from './timeline-messages'
export { elementTypeName, groupTypeName } from './values'
export { describeError, errorKey } from './describe-error'
export type { DescribedError, ShownError, Translate } from './describe-error'
