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

// ASCII punctuation that can start or close inline markup in CommonMark or GFM: escapes and code
// (\ `), emphasis and strikethrough (* _ ~), links and images ([ ] !), raw HTML and autolinks (< >),
// entity references (&) and table cells (|). CommonMark lets a backslash escape any ASCII
// punctuation (spec 2.4), so a backslash before each makes it plain text in every renderer.
const mdInline = /[\\`*_~[\]!<>&|]/g

/**
 * One line of untrusted text as Markdown that renders as exactly that text: inline markup
 * characters backslash-escaped, and what would start a block at a line start made literal
 * (headings #, block quotes >, bullets - + *, setext and thematic lines = -, ordered lists `1.`
 * `1)`, indented code from leading spaces or tabs, which become character references).
 */
function mdLine(s: string): string {
  let line = s.replace(mdInline, '\\$&')
  const indent = /^[ \t]*/.exec(line)![0]
  line = line.slice(indent.length)
  line = line.replace(/^[#+=-]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2')
  return indent.replace(/ /g, '&#32;').replace(/\t/g, '&#9;') + line
}

// http(s) URLs written in text, stopping at whitespace, controls, quotes, angle brackets and the
// backtick (the same rule as the HTML export's links).
const textUrl = /\bhttps?:\/\/[^\s\u0000-\u001f\u007f-\u009f<>"'`\\]+/gi

/** An http(s) URL as a CommonMark autolink, or undefined when it is not one that may be a link. */
export function mdAutolink(url: string, isSafe: (u: string) => boolean): string | undefined {
  // An autolink holds no spaces, controls, < or > (spec 6.5); its text is taken literally.
  if (!isSafe(url) || /[\s\u0000-\u001f\u007f<>]/.test(url)) return undefined
  return `<${url}>`
}

/** One line of untrusted text with its http(s) URLs as autolinks and everything else escaped. */
function mdLineWithLinks(s: string, isSafe: (u: string) => boolean): string {
  let out = ''
  let last = 0
  textUrl.lastIndex = 0
  for (let m = textUrl.exec(s); m; m = textUrl.exec(s)) {
    let url = m[0]
    // Sentence punctuation after a URL is not part of it.
    const trail = /[.,;:!?)\]}，。！？）]+$/.exec(url)
    if (trail) url = url.slice(0, -trail[0].length)
    const link = mdAutolink(url, isSafe)
    if (!link) continue
    // The text before a link is never at the line start when something precedes it, so only the
    // first piece gets the line-start rules.
    const before = s.slice(last, m.index)
    out += last === 0 ? mdLine(before) : before.replace(mdInline, '\\$&')
    out += link
    last = m.index + url.length
    textUrl.lastIndex = last
  }
  const rest = s.slice(last)
  return out + (last === 0 ? mdLine(rest) : rest.replace(mdInline, '\\$&'))
}

/**
 * Untrusted text as inline Markdown on one line (names, titles, labels): line breaks become
 * spaces, invisible characters are shown as escapes, nothing in it is markup.
 */
export function mdText(s: string): string {
  return mdLine(visibleControls(s).replace(/\n/g, ' '))
}

/**
 * Untrusted (maybe multi-line) message text as a Markdown paragraph: plain text with its http(s)
 * URLs as links (`isSafe` decides which URLs may be links) and nothing else that is markup. Lines
 * are kept by hard line breaks (a backslash at the end of a line); an empty line stays a paragraph
 * break, as a hard break there would show as a stray backslash.
 */
export function mdParagraph(s: string, isSafe: (u: string) => boolean): string {
  const lines = visibleControls(s)
    .split('\n')
    .map((l) => (/^[ \t]*$/.test(l) ? '' : mdLineWithLinks(l, isSafe)))
  let out = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    out += line
    if (i < lines.length - 1) out += line !== '' && lines[i + 1] !== '' ? '\\\n' : '\n'
  }
  return out
}
