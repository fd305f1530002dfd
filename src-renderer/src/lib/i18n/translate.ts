/**
 * Pure formatting behind t(): table lookup, `_one` plurals, `{name}` placeholders with numbers
 * formatted for the locale. No reactivity here, so it runs in unit tests as is.
 */
import { tables, type Locale, type MessageKey } from './messages'

export type Params = Record<string, string | number>

const numberFormats = new Map<Locale, Intl.NumberFormat>()

export function formatNumber(locale: Locale, n: number, options?: Intl.NumberFormatOptions): string {
  if (options) return new Intl.NumberFormat(locale, options).format(n)
  let f = numberFormats.get(locale)
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)))
  return f.format(n)
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const table = tables[locale]
  let text: string | undefined
  if (params?.count === 1) text = (table as Record<string, string>)[`${key}_one`]
  text ??= table[key] ?? tables.en[key] ?? key
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name]
    if (v === undefined) return whole
    return typeof v === 'number' ? formatNumber(locale, v) : v
  })
}

/** 'zh…' → Simplified Chinese, anything else → English. */
export function localeFor(language: string | undefined | null): Locale {
  return language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

export function isLocale(v: unknown): v is Locale {
  return v === 'en' || v === 'zh-CN'
}
