/**
 * Sizes, durations, counts and coordinates, formatted with Intl.NumberFormat in the UI locale.
 * Formatters are cached per locale and style, as in date-time.ts.
 */

const cache = new Map<string, Intl.NumberFormat>()

function formatter(
  locale: string,
  options: Intl.NumberFormatOptions,
  name: string
): Intl.NumberFormat {
  const key = `${locale}\u0000${name}`
  let f = cache.get(key)
  if (!f) {
    f = new Intl.NumberFormat(locale, options)
    cache.set(key, f)
  }
  return f
}

/** A plain count with grouping: 12,345. */
export function formatCount(n: number, locale: string): string {
  return formatter(locale, { maximumFractionDigits: 0 }, 'count').format(n)
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

/**
 * A byte count in SI units (1 kB = 1000 bytes, the units Intl names): "2.4 MB". Values that are not
 * finite non-negative numbers (a malformed element) come back as they are, as text.
 */
export function formatBytes(bytes: number, locale: string): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return String(bytes)
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000
    unit++
  }
  const name = byteUnits[unit]!
  return formatter(
    locale,
    {
      style: 'unit',
      unit: name,
      unitDisplay: 'short',
      maximumFractionDigits: unit === 0 ? 0 : value < 10 ? 1 : 0
    },
    `bytes-${name}-${unit === 0 ? 0 : value < 10 ? 1 : 0}`
  ).format(value)
}

/**
 * A duration in seconds as a clock reading, "0:07", "12:30" or "1:02:03", with the locale's digits.
 * Non-numbers come back as text.
 */
export function formatDuration(seconds: number, locale: string): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
    return String(seconds)
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = formatter(locale, { minimumIntegerDigits: 2, useGrouping: false }, 'two')
  const one = formatter(locale, { useGrouping: false }, 'one')
  return h > 0
    ? `${one.format(h)}:${two.format(m)}:${two.format(s)}`
    : `${one.format(m)}:${two.format(s)}`
}

/** A latitude or longitude in decimal degrees with up to six decimals: "22.540503". */
export function formatDegrees(value: number, locale: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value)
  return formatter(locale, { maximumFractionDigits: 6, minimumFractionDigits: 0 }, 'deg').format(
    value
  )
}
