/**
 * What the inverted index stores for a message, and in which bucket each term lives. Pure, shared by
 * the store (src-renderer/src/lib/search/postings.ts) and its tests.
 *
 * A message's index terms are its text terms (tokenize.ts) plus one **feature term** per field the
 * query language filters on, so `from:`, `has:` and `is:` are index lookups like words:
 * `\u0001f:alice` (sender, normalized), `\u0001h:image`, `\u0001i:recalled`. Text terms are letters
 * and digits only, so they can never collide with a feature term.
 *
 * Buckets: a lookup reads every row of its term's bucket, so terms are spread over BUCKETS buckets
 * as evenly as the prefix lookups the query language makes allow:
 * - CJK terms (bigrams and unigrams, first code point ≥ U+2E80) and feature terms: a hash of the
 *   whole term. They are never looked up by prefix (tokenize.ts);
 * - any other text term: a hash of its first 3 code units picks a group of SPREAD buckets, a hash of
 *   the whole term one bucket in it. `rel*` reads the SPREAD buckets of `rel`; an exact word reads
 *   one bucket, so words sharing a common start (`the`, `they`, `them`) do not all land in one;
 *   a Latin prefix shorter than 3 (`re*`) must read every bucket (prefixBuckets says so).
 */
import type { ArchivedMessage } from '../archive-record'
import { messageView, type HasFeature, type IsFeature } from './extract-text'
import { normalize } from './normalize'
import { tokenizeNormalized } from './tokenize'

export const BUCKETS = 256

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

/** The deduplicated index terms of a message: its text terms, then its feature terms. */
export function indexTerms(m: ArchivedMessage): string[] {
  const view = messageView(m)
  const terms = tokenizeNormalized(view.text)
  if (typeof m.From_Account === 'string' && normalize(m.From_Account)) terms.push(fromTerm(m.From_Account))
  for (const h of view.features.has) terms.push(hasTerm(h))
  for (const i of view.features.is) terms.push(isTerm(i))
  return terms
}

/** Buckets per 3-letter start of a spaced-script word. */
const SPREAD = 4

/** The 3-code-unit start that places a spaced-script word, or undefined for other terms. */
function prefixKey(term: string): string | undefined {
  const c = term.charCodeAt(0)
  if (c === 1 || c >= 0x2e80) return undefined
  return term.length >= 3 ? term.slice(0, 3) : undefined
}

/** FNV-1a over UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The bucket of an index term. */
export function bucketOf(term: string): number {
  const key = prefixKey(term)
  if (key === undefined) return hash(term) % BUCKETS
  return ((hash(key) % (BUCKETS / SPREAD)) * SPREAD + (hash(term) % SPREAD)) % BUCKETS
}

/**
 * The buckets that can hold terms starting with `prefix`: the SPREAD buckets of its first 3 code
 * units, or every bucket for a shorter prefix or one in another script (which queries do not make).
 */
export function prefixBuckets(prefix: string): number[] {
  const key = prefixKey(prefix)
  if (key === undefined) return Array.from({ length: BUCKETS }, (_, b) => b)
  const first = (hash(key) % (BUCKETS / SPREAD)) * SPREAD
  return Array.from({ length: SPREAD }, (_, i) => first + i)
}
