/**
 * Making untrusted message text safe and legible to show as text: invisible control characters made
 * visible (as escapes), URLs found (to be shown inert), long strings cut at a character boundary.
 *
 * Nothing here produces HTML. Components render the segments as text nodes.
 */

export interface TextSegment {
  text: string
  /** Set when `text` stands for an invisible character (shown styled, with `code` as its tooltip). */
  code?: string
}

export interface UrlSegment {
  text: string
  /** True when `text` is a URL. */
  url: boolean
}

export type ControlMode = 'text' | 'data'

// C0 controls, DEL and C1 controls.
const controlChar = /[\u0000-\u001f\u007f-\u009f]/
// Invisible formatting characters that can hide or reorder text: soft hyphen, Arabic letter mark,
// Mongolian vowel separator, zero-width and direction marks, line/paragraph separators, bidi
// embeddings/overrides/isolates, word joiner and invisible operators, BOM, interlinear annotations.
const formatChar = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/
const bidiControl = /[\u202a-\u202e\u2066-\u2069]/

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0')
}

/** `\u0001`-style escape of one UTF-16 code unit. */
export function unicodeEscape(ch: string): string {
  return `\\u${hex4(ch.charCodeAt(0)).toLowerCase()}`
}

const shortEscapes: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r'
}

/**
 * How one invisible character is shown: the JSON escapes \b \t \n \f \r where they exist, else a
 * `\u0001`-style escape. Escapes rather than the U+2400 control pictures because every font has
 * backslashes and hex digits; many have no control pictures and would show empty boxes.
 */
export function visibleEscape(ch: string): string {
  return shortEscapes[ch] ?? unicodeEscape(ch)
}

/**
 * Splits text into plain runs and invisible characters to show visibly.
 * - `text` (a chat message): C0/C1 controls and DEL become visible; tab and line breaks stay as they
 *   are; zero-width joiners, direction marks and the like stay functional (emoji sequences and
 *   right-to-left text need them); the text is shown bidi-isolated instead.
 * - `data` (custom element payloads, file names, ids): every control and invisible formatting
 *   character becomes visible; a line feed is shown as \n and still breaks the line.
 */
export function controlSegments(s: string, mode: ControlMode): TextSegment[] {
  const out: TextSegment[] = []
  let run = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    const isControl = controlChar.test(ch)
    const visible = mode === 'text' ? isControl && ch !== '\t' && ch !== '\n' && ch !== '\r' : isControl || formatChar.test(ch)
    if (!visible) {
      run += ch
      continue
    }
    if (run) out.push({ text: run })
    run = ''
    const code = `U+${hex4(ch.charCodeAt(0))}`
    // A line feed in data is shown and still breaks the line, so multi-line payloads stay legible.
    out.push({ text: mode === 'data' && ch === '\n' ? '\\n\n' : visibleEscape(ch), code })
  }
  if (run) out.push({ text: run })
  return out
}

/** The string controlSegments would show, as one string (for tooltips, labels and tests). */
export function showControls(s: string, mode: ControlMode): string {
  return controlSegments(s, mode)
    .map((seg) => seg.text)
    .join('')
}

/** True when the text carries explicit bidi embeddings, overrides or isolates. */
export function hasBidiControls(s: string): boolean {
  return bidiControl.test(s)
}

// A URL: a scheme we recognise (mailto: with an address), or a bare www. host. It stops at whitespace, controls, quotes, angle
// brackets and CJK punctuation, which in chat text almost always end the link.
const urlPattern =
  /\b(?:(?:https?|ftp):\/\/|www\.|mailto:(?=[^\s@]+@))[^\s\u0000-\u001f\u007f-\u009f<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+/giu
/** Trailing punctuation belongs to the sentence, except a `)` that closes a `(` inside the URL. */
function trimUrl(url: string): string {
  let u = url
  for (;;) {
    const last = u[u.length - 1]
    if (last === undefined) return u
    if ('.,;:!?]}*_~'.includes(last)) u = u.slice(0, -1)
    else if (last === ')' && count(u, '(') < count(u, ')')) u = u.slice(0, -1)
    else return u
  }
}

function count(s: string, ch: string): number {
  let n = 0
  for (const c of s) if (c === ch) n++
  return n
}

/** Splits text into plain runs and URLs. URLs are shown as inert text, never as working links. */
export function splitUrls(s: string): UrlSegment[] {
  const out: UrlSegment[] = []
  let last = 0
  urlPattern.lastIndex = 0
  for (let m = urlPattern.exec(s); m; m = urlPattern.exec(s)) {
    const url = trimUrl(m[0])
    if (url.length <= 4 || /^www\.$/i.test(url)) continue
    if (m.index > last) out.push({ text: s.slice(last, m.index), url: false })
    out.push({ text: url, url: true })
    last = m.index + url.length
    urlPattern.lastIndex = last
  }
  if (last < s.length) out.push({ text: s.slice(last), url: false })
  return out
}

/**
 * The start of `s`: at most `max` UTF-16 units and at most `maxLines` lines, never splitting a
 * surrogate pair. `truncated` tells whether anything was cut.
 */
export function truncate(s: string, max: number, maxLines = Infinity): { text: string; truncated: boolean } {
  let end = Math.min(s.length, Math.max(0, max))
  if (maxLines < Infinity) {
    let line = 1
    for (let i = 0; i < end; i++) {
      if (s.charCodeAt(i) === 10 && ++line > maxLines) {
        end = i
        break
      }
    }
  }
  if (end >= s.length) return { text: s, truncated: false }
  const c = s.charCodeAt(end - 1)
  if (c >= 0xd800 && c <= 0xdbff) end--
  return { text: s.slice(0, end), truncated: true }
}

/** Escapes invisible formatting characters in JSON text so a bidi override in a string cannot
 *  reorder the pretty-printed record. The result is still valid JSON with the same value. */
export function jsonForDisplay(value: unknown): string {
  const json = JSON.stringify(value, null, 2) ?? 'undefined'
  return json.replace(new RegExp(formatChar.source, 'g'), (ch) => unicodeEscape(ch))
}
