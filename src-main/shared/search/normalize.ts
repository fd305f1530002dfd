/**
 * The one text normalization every search path shares: the indexer, the query parser and the
 * reference evaluator all compare text only after `normalize`, so they cannot disagree.
 *
 * Pure: no Intl data beyond `String.prototype.normalize`; the same in Node and Chromium.
 */

// Invisible characters removed outright, so `a\u200bb` is the word `ab`:
// - \p{Cf}: zero-width space/joiners, direction marks and bidi embeddings/isolates, soft hyphen,
//   word joiner, BOM, tag characters of flag emoji;
// - C0/C1 controls other than the whitespace ones (which become a space below);
// - variation selectors and the combining grapheme joiner (`❤️` and `❤` are the same heart, a Han
//   ideographic variation sequence is its base character);
// - Hangul fillers, invisible letters often used as blank nicknames.
const invisible =
  // eslint-disable-next-line no-misleading-character-class -- combining marks listed on purpose, one by one
  /[\p{Cf}\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f\u034f\ufe00-\ufe0f\u{e0100}-\u{e01ef}\u115f\u1160\u3164\uffa0]/gu
// Whitespace, including the separators U+001C–U+001F and NEL that JavaScript's \s does not cover.
// NFKC has already turned no-break, ideographic and other wide spaces into U+0020.
const spaces = /[\s\u001c-\u001f\u0085]+/gu
const plainAscii = /^[\x20-\x7e]*$/

/**
 * Text as search compares it:
 * 1. invisible characters (zero-width, format, control, variation selectors) removed;
 * 2. NFKC: full-width Latin and digits become ASCII (`ＡＢＣ１` → `ABC1`), half-width katakana
 *    become full-width (`ｶﾞ` → `ガ`), ligatures and circled digits unfold (`ﬁ` → `fi`, `①` → `1`);
 * 3. lowercase with `toLowerCase`, which is locale-independent (no Turkish dotless-i surprises);
 * 4. every run of whitespace (line breaks included) becomes one space, and the ends are trimmed, so
 *    a quoted phrase matches across a line break.
 * Chinese, Japanese and Korean text stays as characters. Diacritics are kept (`café` ≠ `cafe`).
 * Idempotent: normalize(normalize(s)) === normalize(s).
 */
export function normalize(s: string): string {
  if (typeof s !== 'string' || s === '') return ''
  if (plainAscii.test(s)) return collapse(s.toLowerCase())
  return collapse(s.replace(invisible, '').normalize('NFKC').toLowerCase())
}

function collapse(s: string): string {
  return s.replace(spaces, ' ').trim()
}
