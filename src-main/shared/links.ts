/**
 * Links found in message text, and which of them the app may open (issue 15 item 11). Message text
 * is untrusted: a link is opened only after the user has seen the exact address, and only with a
 * scheme that opens a browser or a mail client. Both sides use this: the renderer to decide what is
 * clickable and what the confirmation shows, the host (schemas.ts, windows/harden.ts) to check again.
 *
 * Pure module: no node:*, electron, dexie or svelte imports.
 */

/** The schemes the app opens: a web page or a new mail. javascript:, file:, ftp:, custom schemes never. */
export const openableSchemes: readonly string[] = ['http:', 'https:', 'mailto:']

/** The longest address the app opens (browsers cope with more, but no chat link needs it). */
export const maxLinkChars = 8192

/** What the confirmation shows about a link the app can open. */
export interface LinkTarget {
  /** The address opened, as the URL parser serializes it: ASCII only (punycode host, %-escapes). */
  href: string
  /** The host name, punycode for international names ('' for mailto:). */
  host: string
  /** The scheme without its colon: 'https', 'http' or 'mailto'. */
  scheme: string
  /** The text as written in the message, invisible and bidi control characters shown as ⟨U+202E⟩. */
  written: string
}

// C0/C1 controls, DEL, and invisible formatting characters (zero-width, direction marks and
// overrides, isolates, line/paragraph separators, BOM, …): the ones that can hide or reorder text.
const invisible = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g

/** `text` with every invisible or bidi control character replaced by a visible ⟨U+XXXX⟩. */
export function showInvisible(text: string): string {
  return text.replace(invisible, (ch) => `⟨U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`)
}

/** True when the address is one the app may hand to a browser or mail client. */
export function isOpenableUrl(url: string): boolean {
  if (url.length > maxLinkChars) return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  // Only the parser's own serialization (ASCII: punycode host, %-escaped path) is opened: a string
  // with raw controls, spaces or non-ASCII was not produced by linkTarget() and is refused, never
  // normalized on the way.
  if (u.href !== url) return false
  if (!openableSchemes.includes(u.protocol)) return false
  if (u.protocol === 'mailto:') return u.pathname.length > 0
  return u.hostname.length > 0
}

/**
 * The link a URL found in message text stands for, or null when the app does not open it (another
 * scheme, not a valid URL). A bare `www.` address opens as https.
 */
export function linkTarget(text: string): LinkTarget | null {
  const raw = /^www\./i.test(text) ? `https://${text}` : text
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return null
  }
  if (!openableSchemes.includes(u.protocol)) return null
  const href = u.href
  if (!isOpenableUrl(href)) return null
  return { href, host: u.hostname, scheme: u.protocol.slice(0, -1), written: showInvisible(text) }
}
