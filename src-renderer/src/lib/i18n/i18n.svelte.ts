/**
 * The current UI language, reactive. Any template or $derived that calls t() re-runs when the
 * language changes, because t() reads `i18n.locale`.
 */
import { getSetting, setSetting, settingKeys } from '@renderer/lib/db/settings'
import { describeError, type DescribedError, type ShownError } from './describe-error'
import type { Locale, MessageKey } from './messages'
import { formatNumber, isLocale, localeFor, translate, type Params } from './translate'

class I18n {
  /** Until init() has read the saved choice, the browser's language. */
  locale = $state<Locale>(localeFor(typeof navigator !== 'undefined' ? navigator.language : 'en'))

  /**
   * The saved choice first; else Chinese when the browser's language or the host's system language
   * (AppInfo.locale) is Chinese; else English.
   */
  async init(systemLocale?: string): Promise<void> {
    const saved = await getSetting<unknown>(settingKeys.locale, null).catch(() => null)
    if (isLocale(saved)) return this.apply(saved)
    const hints = [typeof navigator !== 'undefined' ? navigator.language : undefined, systemLocale]
    this.apply(hints.some((h) => localeFor(h) === 'zh-CN') ? 'zh-CN' : 'en')
  }

  async set(locale: Locale): Promise<void> {
    this.apply(locale)
    await setSetting(settingKeys.locale, locale)
  }

  private apply(locale: Locale): void {
    this.locale = locale
    if (typeof document !== 'undefined') document.documentElement.lang = locale
  }
}

export const i18n = new I18n()

export function t(key: MessageKey, params?: Params): string {
  return translate(i18n.locale, key, params)
}

export function fmtNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return formatNumber(i18n.locale, n, options)
}

/** "3 hours ago" / "3 小时前"; `now` lets a caller re-render on a clock. */
export function fmtRelative(ms: number, now = Date.now()): string {
  const diff = (ms - now) / 1000
  const abs = Math.abs(diff)
  const rtf = new Intl.RelativeTimeFormat(i18n.locale, { numeric: 'auto' })
  if (abs < 45) return t('time.justNow')
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute')
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour')
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day')
  if (abs < 86400 * 365) return rtf.format(Math.round(diff / (86400 * 30)), 'month')
  return rtf.format(Math.round(diff / (86400 * 365)), 'year')
}

/** A date and time in the UI language, e.g. for message timestamps (Unix seconds × 1000). */
export function fmtDateTime(ms: number, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(i18n.locale, options).format(ms)
}

/** A duration such as an ETA: "40 s", "12 min", "2 h 5 min". */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return t('time.seconds', { count: s })
  if (s < 3600) return t('time.minutes', { count: Math.round(s / 60) })
  return t('time.hours', { hours: Math.floor(s / 3600), minutes: Math.round((s % 3600) / 60) })
}

export type { Locale, MessageKey, Params }

/** An error from the host (or the page) in the UI language; see describe-error.ts. */
export function fmtError(e: ShownError): string {
  return describeError(e, t).text
}

/** The same, with the untranslated detail for a "Details" disclosure. */
export function explainError(e: ShownError): DescribedError {
  return describeError(e, t)
}
