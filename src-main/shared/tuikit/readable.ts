/**
 * App-defined data made readable: pretty JSON for JSON, text for text, and a hex dump for bytes.
 *
 * TIMCustomElem Data (and TIMFaceElem Data) is whatever the sending app put there. Tencent's own
 * history sample (docs/reference/tencent-im-api.md §1.4) carries protobuf bytes in it:
 * "\b\u0001\u0010\u0006\u001A\u0006MaoTong". Shown as text that is a string of escapes; shown as a
 * hex dump it is `08 01 10 06 1a 06 4d 61 6f 54 6f 6e 67  |......MaoTong|`, and the words stay
 * visible in the right-hand column.
 *
 * Untrusted input: sizes are bounded, nothing throws. Pure (both sides import it).
 */

/** Data longer than this (UTF-16 units) is not parsed as JSON; the caller shows it cut. */
export const maxJsonChars = 100_000
/** At most this many bytes go into a hex dump; the rest is counted, not shown. */
export const maxDumpBytes = 4096

export type Readable =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown; pretty: string }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: number; hex: string; dump: string; truncated: boolean }

// C0 controls other than tab, line feed and carriage return, DEL, C1 controls, U+FFFD (bytes that
// were not UTF-8) and lone surrogates: signs that the "string" is bytes.
const binaryChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether a string holds bytes rather than text. */
export function looksBinary(s: string): boolean {
  return binaryChar.test(s)
}

/**
 * The bytes a string stands for: code units below 256 are taken as bytes (that is how bytes arrive
 * through JSON: "\u0006" is the byte 06); anything else is encoded as UTF-8.
 */
export function toBytes(s: string, max = maxDumpBytes): { bytes: number[]; total: number } {
  const out: number[] = []
  let total = 0
  const allLatin1 = !/[^\u0000-\u00FF]/.test(s)
  if (allLatin1) {
    total = s.length
    for (let i = 0; i < s.length && out.length < max; i++) out.push(s.charCodeAt(i))
    return { bytes: out, total }
  }
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0xfffd
    const enc =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
    total += enc.length
    for (const b of enc) if (out.length < max) out.push(b)
  }
  return { bytes: out, total }
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0')
const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')

/** Space-separated hex of the bytes: `08 01 10 06`. */
export function hexString(bytes: readonly number[]): string {
  return bytes.map(hex2).join(' ')
}

/**
 * A classic hex dump, 16 bytes a line: offset, hex, and the printable ASCII column.
 * `00000000  08 01 10 06 1a 06 4d 61 6f 54 6f 6e 67           |......MaoTong|`
 */
export function hexDump(bytes: readonly number[]): string {
  const lines: string[] = []
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.slice(off, off + 16)
    const left = row.slice(0, 8).map(hex2).join(' ')
    const right = row.slice(8).map(hex2).join(' ')
    const hex = (right ? `${left}  ${right}` : left).padEnd(16 * 3, ' ')
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${row.map(printable).join('')}|`)
  }
  return lines.join('\n')
}

/** JSON text parsed, when it is a JSON object or array (not a bare number or word). */
export function parseJsonObject(s: string): unknown {
  const t = s.trim()
  if (t.length > maxJsonChars || !(t.startsWith('{') || t.startsWith('['))) return undefined
  try {
    const v: unknown = JSON.parse(t)
    return typeof v === 'object' && v !== null ? v : undefined
  } catch {
    return undefined
  }
}

/** JSON indented by two spaces; strings keep their content (JSON.stringify escapes only controls). */
export function prettyJson(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? ''
  } catch {
    return ''
  }
}

/** A value of app-defined data in the most readable of its forms. */
export function readable(v: unknown): Readable {
  if (v === undefined || v === null || v === '') return { kind: 'empty' }
  if (typeof v !== 'string') {
    // Not a string (a server or an import may put anything there): its JSON.
    return { kind: 'json', value: v, pretty: prettyJson(v) }
  }
  const json = parseJsonObject(v)
  if (json !== undefined) return { kind: 'json', value: json, pretty: prettyJson(json) }
  if (!looksBinary(v)) return { kind: 'text', text: v }
  const { bytes, total } = toBytes(v)
  return { kind: 'binary', bytes: total, hex: hexString(bytes), dump: hexDump(bytes), truncated: total > bytes.length }
}

/** The readable words inside binary data (runs of at least 3 letters, digits and common punctuation), as a hex dump's text column shows them. */
export function textRuns(v: string): string[] {
  return (v.match(/[\p{L}\p{N}][\p{L}\p{N} .,:;'!?@#&()+_/-]{2,}/gu) ?? []).map((r) => r.trim()).filter((r) => r.length >= 3)
}

/**
 * One line of plain text for exports and other text: the JSON compact, text as it is, bytes as
 * `hex: 08 01 … (13 bytes; text: MaoTong)`, with the words the bytes hold, so an export stays
 * searchable as the timeline's hex dump is.
 */
export function readableLine(v: unknown): string {
  const r = readable(v)
  switch (r.kind) {
    case 'empty':
      return ''
    case 'json':
      try {
        return JSON.stringify(r.value) ?? ''
      } catch {
        return ''
      }
    case 'text':
      return r.text
    case 'binary': {
      // Bounded: the words of the first 4 KB, at most 200 characters.
      const words = typeof v === 'string' ? textRuns(v.slice(0, 4096)).join(' ').slice(0, 200) : ''
      return `hex: ${r.hex}${r.truncated ? ' …' : ''} (${r.bytes} bytes${words ? `; text: ${words}` : ''})`
    }
  }
}
