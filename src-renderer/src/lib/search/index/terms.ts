/**
 * What the inverted index stores for a message, and where each term lives in it. Pure, shared by
 * the index's writes and lookups (lib/search/index, lib/search/query) and their tests.
 *
 * A message's index terms are its text terms (shared/search/tokenize.ts) plus one **feature term** per field the
 * query language filters on, so `from:`, `has:` and `is:` are index lookups like words:
 * `\u0001f:alice` (sender, normalized), `\u0001h:image`, `\u0001i:recalled`. Text terms are letters
 * and digits only, so they can never collide with a feature term.
 *
 * Positions: every term has a 32-bit position, and each level of the index cuts the position
 * space into 2^bits buckets by its top bits (layout.ts), so a lookup reads one bucket per level
 * and a bucket's share of the index halves with every bit. The position is a well-mixed hash of
 * the whole term, except that a spaced-script word of 3 or more letters takes its top PREFIX_BITS
 * from its first 3 code units: every word starting with `rel` lies in one span of 1/256 of the
 * space, which a prefix lookup (`rel*`, `rele*`) reads at every level, while exact words sharing a
 * start (`the`, `they`, `them`) still spread over that span's finer buckets. CJK terms (bigrams
 * and unigrams, first code point ≥ U+2E80) and feature terms are never looked up by prefix
 * (tokenize.ts), so they hash whole; a Latin prefix shorter than 3 spans everything (prefixSpan
 * says so).
 */
import type { ArchivedMessage } from '@shared/archive-record'
import { messageView, type HasFeature, type IsFeature } from '@shared/search/extract-text'
import { normalize } from '@shared/search/normalize'
import { isCjkCodePoint, tokenizeWithPositions, type Positions } from '@shared/search/tokenize'

const feature = '\u0001'

/** A term never contains '\n' (the separator of a postings row's term list). */
function clean(s: string): string {
  return s.replace(/\n/g, ' ')
}

export function fromTerm(account: string): string {
  return `${feature}f:${clean(normalize(account))}`
}

export function hasTerm(value: HasFeature): string {
  return `${feature}h:${value}`
}

export function isTerm(value: IsFeature): string {
  return `${feature}i:${value}`
}

/** MsgTimeStamp as the index keeps it: whole Unix seconds, 0 when missing or unreadable. */
export function indexTime(m: ArchivedMessage): number {
  const ts = m.MsgTimeStamp
  return typeof ts === 'number' && Number.isFinite(ts) && ts > 0 && ts < 0x1_0000_0000 ? Math.floor(ts) : 0
}

/**
 * The deduplicated index terms of a message (its text terms, then its feature terms), and where
 * each one's spaced-script word parts stand (tokenize.ts tokenizeWithPositions, by the same index),
 * for quoted phrases.
 */
export function indexEntries(m: ArchivedMessage): { terms: string[]; positions: Positions[] } {
  const view = messageView(m)
  const { terms, positions } = tokenizeWithPositions(view.text)
  if (typeof m.From_Account === 'string' && normalize(m.From_Account)) terms.push(fromTerm(m.From_Account))
  for (const h of view.features.has) terms.push(hasTerm(h))
  for (const i of view.features.is) terms.push(isTerm(i))
  positions.length = terms.length
  return { terms, positions }
}

/** The deduplicated index terms of a message: its text terms, then its feature terms. */
export function indexTerms(m: ArchivedMessage): string[] {
  return indexEntries(m).terms
}

/**
 * Whether the index keeps positions with a term's postings: spaced-script words (every message's
 * entry for one has its positions, or none when only the run-together form of a chain made it).
 * CJK terms and feature terms have none.
 */
export function hasPositions(term: string): boolean {
  return term.charCodeAt(0) !== 1 && !isCjkCodePoint(term.codePointAt(0)!)
}

/** The top bits of a spaced-script word's position that come from its first 3 code units. */
export const PREFIX_BITS = 8
const SPACE = 2 ** 32

/** The 3-code-unit start that places a spaced-script word, or undefined for other terms. */
function prefixKey(term: string): string | undefined {
  const c = term.charCodeAt(0)
  if (c === 1 || c >= 0x2e80) return undefined
  return term.length >= 3 ? term.slice(0, 3) : undefined
}

/** FNV-1a over UTF-16 code units, then murmur3's finalizer, so that every bit is well mixed. */
function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const lowMask = 2 ** (32 - PREFIX_BITS) - 1

/** The position of an index term: an integer in [0, 2^32). */
export function termPosition(term: string): number {
  const key = prefixKey(term)
  if (key === undefined) return hash(term)
  return (hash(key) >>> (32 - PREFIX_BITS)) * (lowMask + 1) + (hash(term) & lowMask)
}

/**
 * The positions [lo, hi) of every term that can start with `prefix`: the span of its first 3 code
 * units, or the whole space for a shorter prefix or one in another script (which queries do not make).
 */
export function prefixSpan(prefix: string): { lo: number; hi: number } {
  const key = prefixKey(prefix)
  if (key === undefined) return { lo: 0, hi: SPACE }
  const lo = (hash(key) >>> (32 - PREFIX_BITS)) * (lowMask + 1)
  return { lo, hi: lo + lowMask + 1 }
}

/** Whether a prefix lookup must read the whole index (a Latin prefix shorter than 3). */
export function spansEverything(prefix: string): boolean {
  const { lo, hi } = prefixSpan(prefix)
  return lo === 0 && hi === SPACE
}
