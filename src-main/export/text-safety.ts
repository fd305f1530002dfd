/**
 * Making untrusted text inert in each output format. Message content is data, never markup.
 */

// C0 controls except tab and line feed, DEL, C1 controls, and the bidi embeddings, overrides and
// isolates that can reorder what a reader sees (`invoice_\u202Efdp.exe` shows as `invoice_exe.pdf`).
const hiddenChars = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const shortEscapes: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\r': '\\r', '\u000b': '\\v' }

/**
 * Shows invisible and reordering characters as escapes (`\u202e`, `\r`), as the timeline does; tab
 * and line feed stay, a CRLF becomes a line feed. For the human-readable formats (HTML, TXT, MD);
 * JSON, JSON Lines and CSV keep the text exactly.
 */
export function visibleControls(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(hiddenChars, (ch) => shortEscapes[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => htmlEntities[ch]!)
}

/**
 * A CSV cell that no spreadsheet will run as a formula: a cell starting with = + - @, tab or CR
 * gets a leading single quote (OWASP "CSV Injection"). Spreadsheets also trim leading spaces
 * before deciding, so leading whitespace does not hide a prefix. The quote shows, which is the
 * price of the guarantee: `-1+2` reads `'-1+2`.
 */
export function inertCell(s: string): string {
  // \s* backtracks, so a leading tab or CR alone matches too.
  return /^\s*[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

/**
 * Untrusted text as a Markdown code span. Nothing in a code span is markup in any renderer:
 * no link, image, HTML or autolink (GFM's www./https:// linkify does not reach into code). The
 * fence is one backtick longer than the longest run inside, as CommonMark requires; line breaks
 * become spaces inside a span, so multi-line text goes through `mdBlock`.
 */
export function mdCode(s: string): string {
  const text = visibleControls(s).replace(/\n/g, ' ')
  if (text === '') return '` `'
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  // A space on both sides when the text starts or ends with a backtick (or is all spaces).
  const pad = /^`|`$/.test(text) || /^ +$/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Untrusted multi-line text as a fenced code block (a fence longer than any run inside). */
export function mdBlock(s: string): string {
  const text = visibleControls(s)
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}text\n${text}\n${fence}`
}
