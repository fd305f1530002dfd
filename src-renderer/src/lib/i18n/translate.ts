/**
 * Pure formatting behind t(): table lookup, `_one` plurals, `{name}` placeholders with numbers
 * formatted for the locale. No reactivity here, so it runs in unit tests as is.
 */
import { tables, type Locale, type MessageKey } from './messages'

export type Params = Record<string, string | number>

/** Formatters by locale and options: building an Intl.NumberFormat costs far more than using one. */
const numberFormats = new Map<string, Intl.NumberFormat>()

export function formatNumber(locale: Locale, n: number, options?: Intl.NumberFormatOptions): string {
  const key = options ? `${locale}\u0000${JSON.stringify(options)}` : locale
  let f = numberFormats.get(key)
  if (!f) {
    // The app uses a handful of option sets; the bound only guards against a caller that varies them.
    if (numberFormats.size >= 64) numberFormats.clear()
    numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)))
  }
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
