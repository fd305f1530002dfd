/**
 * A search result's snippet: a short piece of a message's searchable text around the first hit,
 * as plain segments `{ text, hit }`. Never markup: the UI renders each segment as a text node and
 * wraps hits in <mark>.
 *
 * What is highlighted (the positive word and phrase clauses of the parsed query; negated clauses
 * and fields match nothing in the text):
 * - a word: each occurrence of its terms as a whole word part (`release`, not `releases`); with
 *   `word*`, every word part starting with the prefix, highlighted whole (`rel*` → `release`); a
 *   word found through its run-together form (`email` in `e-mail`) highlights the whole chain;
 * - a CJK word: each occurrence of the word's run (`数据同步`); when the run itself is not in the
 *   text (the bigrams occur apart), each of its bigrams;
 * - a phrase: each occurrence where it matches (whole words at its ends); a word without letters
 *   or digits (`:)`, `😀`): each substring occurrence.
 * Comparison is as search compares (normalize(): case, full-/half-width, invisible characters,
 * whitespace runs), and hits are mapped back to the original text.
 *
 * Approximation: the text is normalized one code point at a time (to keep a map from normalized
 * offsets back to the original). NFKC composition across code points is therefore not applied: a
 * decomposed `e` + U+0301 or a half-width `ｶ` + `ﾞ` stays two characters, so a query `café` or `ガ`
 * finds the message but no highlight shows in such text. Everything else (case, width, ligatures,
 * circled digits, invisible characters) maps exactly.
 */
import { normalize } from '@shared/search/normalize'
import type { Clause, Query } from '@shared/search/query'
import { MAX_TERM_LENGTH, phraseAt } from '@shared/search/tokenize'

export interface SnippetSegment {
  text: string
  hit: boolean
}

export interface SnippetOptions {
  /** Most characters (UTF-16 code units) of the message shown, ellipses aside. Default 160. */
  maxLength?: number
  /** Characters of context kept before the first hit. Default 40. */
  before?: number
}

/** Shown where the snippet cuts text off. */
export const ellipsis = '…'

// The tokenizer's segmentation (tokenize.ts, which does not export it): CJK runs and word chains.
const cjkChar = String.raw`(?:(?=[\p{L}\p{M}\p{Nl}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}])`
const wordChar = String.raw`(?:(?!${cjkChar})[\p{L}\p{M}\p{N}])`
const joiner = String.raw`['\u2019\u2010_.\-]`
const segmentPattern = new RegExp(`(${cjkChar}+)|(${wordChar}+(?:${joiner}${wordChar}+)*)`, 'gu')
const joinerPattern = new RegExp(joiner, 'u')
// Whitespace as normalize() sees it (it folds NBSP and wide spaces into U+0020 through NFKC).
const spaceChar = /^[\s\u001c-\u001f\u0085]$/u

interface Part {
  text: string
  start: number
  end: number
}
interface Segment {
  cjk: boolean
  text: string
  start: number
  end: number
  parts: Part[]
}

function scan(text: string): Segment[] {
  const out: Segment[] = []
  for (const m of text.matchAll(segmentPattern)) {
    const start = m.index
    const cjk = m[1] !== undefined
    const parts: Part[] = []
    if (!cjk) {
      let at = start
      for (const piece of m[0].split(joinerPattern)) {
        parts.push({ text: piece, start: at, end: at + piece.length })
        at += piece.length + 1
      }
    }
    out.push({ cjk, text: m[0], start, end: start + m[0].length, parts })
  }
  return out
}

function clip(term: string): string {
  if (term.length <= MAX_TERM_LENGTH) return term
  const code = term.charCodeAt(MAX_TERM_LENGTH - 1)
  return term.slice(0, code >= 0xd800 && code <= 0xdbff ? MAX_TERM_LENGTH - 1 : MAX_TERM_LENGTH)
}

/** Normalized text, and for each of its code units the original range it came from. */
interface Mapped {
  norm: string
  from: number[]
  to: number[]
}

function mapNormalized(text: string): Mapped {
  let norm = ''
  const from: number[] = []
  const to: number[] = []
  let at = 0
  for (const ch of text) {
    const end = at + ch.length
    if (spaceChar.test(ch)) {
      // Runs of whitespace are one space, as in normalize(); leading whitespace is dropped.
      if (norm !== '' && !norm.endsWith(' ')) {
        norm += ' '
        from.push(at)
        to.push(end)
      } else if (norm !== '') to[to.length - 1] = end
    } else {
      const n = normalize(ch)
      for (let k = 0; k < n.length; k++) {
        from.push(at)
        to.push(end)
      }
      norm += n
    }
    at = end
  }
  return { norm, from, to }
}

type Range = [start: number, end: number]

function occurrences(haystack: string, needle: string, out: Range[]): boolean {
  if (!needle) return false
  let found = false
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) {
    out.push([i, i + needle.length])
    found = true
  }
  return found
}

/** Ranges (in normalized offsets) that one word or phrase clause highlights. */
function clauseRanges(c: Clause, norm: string, segments: Segment[], out: Range[]): void {
  if (c.negated) return
  if (c.kind === 'phrase') {
    // Only where it matches: whole words at its ends (tokenize.ts containsPhrase).
    for (let i = phraseAt(norm, c.text); i >= 0; i = phraseAt(norm, c.text, i + c.text.length)) out.push([i, i + c.text.length])
    return
  }
  if (c.kind !== 'word') return
  if (c.terms.length === 0 && c.prefixes.length === 0) {
    occurrences(norm, c.text, out)
    return
  }
  const own = scan(c.text)
  own.forEach((seg, i) => {
    if (seg.cjk) {
      if (occurrences(norm, seg.text, out)) return
      const chars = Array.from(seg.text)
      for (let j = 0; j + 1 < chars.length; j++) occurrences(norm, chars[j]! + chars[j + 1]!, out)
      return
    }
    const last = i === own.length - 1
    seg.parts.forEach((p, j) => {
      const isPrefix = c.prefix && last && j === seg.parts.length - 1
      const want = clip(p.text)
      for (const s of segments) {
        if (s.cjk) continue
        for (const q of s.parts) {
          const t = clip(q.text)
          if (isPrefix ? t.startsWith(want) : t === want) out.push([q.start, q.end])
        }
        if (s.parts.length > 1) {
          const joined = clip(s.parts.map((q) => q.text).join(''))
          if (isPrefix ? joined.startsWith(want) : joined === want) out.push([s.start, s.end])
        }
      }
    })
  })
}

function merge(ranges: Range[]): Range[] {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const out: Range[] = []
  for (const r of ranges) {
    const prev = out[out.length - 1]
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1])
    else out.push([r[0], r[1]])
  }
  return out
}

/** Every hit of the query in `text`, as sorted, disjoint [start, end) offsets in `text`. */
export function highlightRanges(text: string, query: Query): Range[] {
  const clauses = query.clauses.filter((c) => !c.negated && (c.kind === 'word' || c.kind === 'phrase'))
  if (!clauses.length || !text) return []
  const m = mapNormalized(text)
  const segments = scan(m.norm)
  const found: Range[] = []
  for (const c of clauses) clauseRanges(c, m.norm, segments, found)
  return merge(found.map(([s, e]) => [m.from[s]!, m.to[e - 1]!]))
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** Moves an offset off the second half of a surrogate pair (never cut an emoji in two). */
function safeStart(text: string, i: number): number {
  return i > 0 && i < text.length && isLowSurrogate(text.charCodeAt(i)) ? i - 1 : i
}
function safeEnd(text: string, i: number): number {
  return i > 0 && i < text.length && isLowSurrogate(text.charCodeAt(i)) ? i + 1 : i
}

/** Whitespace (line breaks between the message's pieces included) shown as single spaces. */
function flatten(s: string): string {
  return s.replace(/[\s\u001c-\u001f\u0085]+/gu, ' ')
}

/**
 * A snippet of `text` (a message's searchableText) around the first hit of `query`, every hit in
 * it marked. Without a hit, the start of the text. Cut text is marked with an ellipsis segment.
 */
export function snippet(text: string, query: Query, options: SnippetOptions = {}): SnippetSegment[] {
  const maxLength = Math.max(8, options.maxLength ?? 160)
  const before = Math.max(0, Math.min(options.before ?? 40, maxLength - 8))
  const ranges = highlightRanges(text, query)
  // Leading whitespace is not worth showing.
  const lead = text.length - text.trimStart().length
  let start = lead
  const first = ranges[0]
  if (first && first[0] - before > lead) {
    start = first[0] - before
    // Start at a word boundary when there is one close by.
    const space = text.slice(start, first[0]).search(/\s/u)
    if (space >= 0 && space < before / 2) start += space + 1
  }
  // Show the end of the text rather than a short tail after the hit.
  start = safeStart(text, Math.max(lead, Math.min(start, text.trimEnd().length - maxLength)))
  const end = safeEnd(text, Math.min(text.trimEnd().length, start + maxLength))

  const out: SnippetSegment[] = []
  const push = (s: string, hit: boolean): void => {
    if (!s) return
    const prev = out[out.length - 1]
    if (prev && prev.hit === hit) prev.text += s
    else out.push({ text: s, hit })
  }
  if (start > lead) push(ellipsis, false)
  let at = start
  for (const [s, e] of ranges) {
    if (e <= start || s >= end) continue
    const hs = Math.max(s, start)
    const he = Math.min(e, end)
    push(flatten(text.slice(at, hs)), false)
    push(flatten(text.slice(hs, he)), true)
    at = he
  }
  push(flatten(text.slice(at, end)), false)
  if (end < text.trimEnd().length) push(ellipsis, false)
  return out
}
