/**
 * Index terms for an inverted index (one multiEntry `*terms` per message), and the terms a query
 * word or phrase looks up, made by the same scanner so the two always agree.
 *
 * Text is normalized first (see normalize.ts) and then read as segments:
 * - a **CJK run**: consecutive Han, Hiragana, Katakana or Hangul letters (`々`, `ー` and `〇`
 *   included). Those scripts are written without spaces, so a run is indexed as overlapping
 *   character bigrams, and every character also as a unigram: `数据同步` → `数据 据同 同步 数 据 同
 *   步`. The unigrams make a one-character query an exact lookup, so no CJK lookup is a prefix
 *   and the index can spread CJK terms evenly over its buckets (the renderer's lib/search/index/terms.ts).
 * - a **word chain**: letters, marks and digits of any other script (`release`, `v2`, `привет`,
 *   `2024`), possibly joined by single apostrophes, hyphens, underscores or dots (`don't`,
 *   `e-mail`, `snake_case`, `node.js`, `v1.2`). Each part is a term, and a chain of several parts
 *   also gives its parts run together (`don't` → `don t dont`; `e-mail` → `e mail email`), so a word
 *   typed without the punctuation still finds it. Anything else separates words: `@ / : ? = & #`,
 *   so an email or URL is indexed as its parts (`alice@example.com` → `alice example com`,
 *   `examplecom`).
 * Punctuation, symbols and emoji give no terms (a quoted phrase still finds them: phrases are
 * checked against the normalized text). Terms longer than MAX_TERM_LENGTH are cut to it (index
 * and queries alike), so base64-like blobs do not bloat the index. Thai, Lao, Khmer and Myanmar,
 * also written without spaces, are not segmented: a run of them is one word.
 */
import { normalize } from './normalize'

/** Terms are cut to this many UTF-16 code units (never inside a surrogate pair). */
export const MAX_TERM_LENGTH = 64

// A CJK letter: a letter, mark or letter-number whose script (extensions) is Han, Hiragana,
// Katakana or Hangul. Script_Extensions so that `ー` (Common, used by both kana) counts; the
// letter lookahead keeps out CJK punctuation such as `、。「」・`, whose extensions include Han.
const cjkChar = String.raw`(?:(?=[\p{L}\p{M}\p{Nl}])[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}])`
const wordChar = String.raw`(?:(?!${cjkChar})[\p{L}\p{M}\p{N}])`
// U+2019 is the typographic apostrophe; U+2010 the hyphen NFKC makes of U+2011.
const joiner = String.raw`['\u2019\u2010_.\-]`
const segmentPattern = new RegExp(`(${cjkChar}+)|(${wordChar}+(?:${joiner}${wordChar}+)*)`, 'gu')
const joinerPattern = new RegExp(joiner, 'u')

interface Part {
  text: string
  start: number
  end: number
}

interface Segment {
  cjk: boolean
  start: number
  end: number
  /** CJK: one part per character. Word chain: one part per word between joiners. */
  parts: Part[]
}

/** Cuts a term to MAX_TERM_LENGTH code units without splitting a surrogate pair. */
function clip(term: string): string {
  if (term.length <= MAX_TERM_LENGTH) return term
  const code = term.charCodeAt(MAX_TERM_LENGTH - 1)
  return term.slice(0, code >= 0xd800 && code <= 0xdbff ? MAX_TERM_LENGTH - 1 : MAX_TERM_LENGTH)
}

/** The segments of already-normalized text, with their offsets in it. */
function scan(text: string): Segment[] {
  const out: Segment[] = []
  for (const m of text.matchAll(segmentPattern)) {
    const start = m.index
    const cjk = m[1] !== undefined
    const parts: Part[] = []
    let at = start
    if (cjk) {
      for (const ch of m[0]) {
        parts.push({ text: ch, start: at, end: at + ch.length })
        at += ch.length
      }
    } else {
      for (const piece of m[0].split(joinerPattern)) {
        parts.push({ text: piece, start: at, end: at + piece.length })
        at += piece.length + 1
      }
    }
    out.push({ cjk, start, end: start + m[0].length, parts })
  }
  return out
}

const surrogate = /[\ud800-\udfff]/
/**
 * A run of letters, marks and digits of any script, joined as word chains are: every segment lies
 * inside one, and a run with no CJK letter is exactly one word chain. Much cheaper to match than
 * segmentPattern, whose every character tests the CJK scripts.
 */
const letterRun = new RegExp(`[\\p{L}\\p{M}\\p{N}]+(?:${joiner}[\\p{L}\\p{M}\\p{N}]+)*`, 'gu')
/**
 * The code units a CJK letter can contain: U+0305 and U+0323 (combining marks whose script
 * extensions include Han) and everything from U+1100 (Hangul Jamo) up, surrogates included.
 * tokenize.test.ts checks every code point against cjkChar.
 */
export const mayHoldCjk = /[\u0305\u0323\u1100-\uffff]/
/** A single CJK letter (the tokenizer's definition). */
export const cjkLetter = new RegExp(`^${cjkChar}$`, 'u')
/** letterRun's twin for the runs inside one (exec moves lastIndex). */
const innerLetterRun = new RegExp(letterRun.source, 'gu')

/** Per BMP code point: 0 not yet asked, 1 a CJK letter, 2 not. Filled as text is read. */
const cjkBmp = new Uint8Array(0x10000)

/** Whether a code point is a CJK letter (cjkChar), answered from a table after the first time. */
export function isCjkCodePoint(cp: number): boolean {
  if (cp < 0x1100) return cp === 0x305 || cp === 0x323
  if (cp > 0xffff) return cjkLetter.test(String.fromCodePoint(cp))
  let v = cjkBmp[cp]!
  if (v === 0) cjkBmp[cp] = v = cjkLetter.test(String.fromCharCode(cp)) ? 1 : 2
  return v === 1
}

/**
 * What tokenizing collects: the terms, and (when asked) where each word part stands. Positions
 * count the text's word parts, and each CJK run as one, so the parts of a quoted phrase stand at
 * the same distances from each other in every text that contains it. Only spaced-script parts get
 * positions (the run-together form of a chain has none of its own); CJK phrases are told apart by
 * their bigrams.
 */
class Tokens {
  /** Each term's ordinal in `list`. */
  private readonly seen = new Map<string, number>()
  /** The terms, in order of first appearance. */
  readonly list: string[] = []
  /** When asked: where each term's word parts stand, by ordinal. */
  readonly at: Positions[] | undefined
  pos = 0

  constructor(withPositions = false) {
    this.at = withPositions ? [] : undefined
  }

  add(term: string): void {
    if (this.seen.has(term)) return
    this.seen.set(term, this.list.length)
    this.list.push(term)
    this.at?.push(undefined)
  }

  part(term: string): void {
    const at = this.at
    const i = this.seen.get(term)
    if (i === undefined) {
      this.seen.set(term, this.list.length)
      this.list.push(term)
      at?.push(this.pos)
    } else if (at) {
      const p = at[i]
      if (p === undefined) at[i] = this.pos
      else if (typeof p === 'number') at[i] = [p, this.pos]
      else p.push(this.pos)
    }
    this.pos++
  }

  wordChain(word: string): void {
    if (!joinerPattern.test(word)) {
      this.part(clip(word))
      return
    }
    const parts = word.split(joinerPattern)
    for (const p of parts) this.part(clip(p))
    this.add(clip(parts.join('')))
  }

  /**
   * The terms of the segments of a run of letters (segmentPattern's reading of it): its stretches
   * of CJK letters are CJK runs; what lies between them holds word chains only.
   */
  segments(text: string): void {
    for (let i = 0; i < text.length;) {
      const start = i
      const cjk = isCjkCodePoint(text.codePointAt(i)!)
      do i += text.codePointAt(i)! > 0xffff ? 2 : 1
      while (i < text.length && isCjkCodePoint(text.codePointAt(i)!) === cjk)
      if (cjk) {
        this.cjkRun(text.slice(start, i))
      } else {
        const between = text.slice(start, i)
        innerLetterRun.lastIndex = 0
        for (let m = innerLetterRun.exec(between); m; m = innerLetterRun.exec(between)) this.wordChain(m[0])
      }
    }
  }

  /** A CJK run: its bigrams, then its unigrams; one position. */
  cjkRun(run: string): void {
    if (!surrogate.test(run)) {
      // One code unit per character (nearly all CJK text): slices, no concatenation.
      for (let i = 0; i + 1 < run.length; i++) this.add(run.slice(i, i + 2))
      for (let i = 0; i < run.length; i++) this.add(run[i]!)
    } else {
      let prev: string | undefined
      for (const ch of run) {
        if (prev !== undefined) this.add(prev + ch)
        prev = ch
      }
      for (const ch of run) this.add(ch)
    }
    this.pos++
  }

  /** Runs of letters are found first; only one that may hold a CJK letter is read for segments. */
  text(text: string): this {
    letterRun.lastIndex = 0
    for (let m = letterRun.exec(text); m; m = letterRun.exec(text)) {
      if (mayHoldCjk.test(m[0])) this.segments(m[0])
      else this.wordChain(m[0])
    }
    return this
  }
}

/**
 * Index terms of text that is already normalized (skips normalizing twice in hot paths): the terms
 * `scan` describes, made without its per-character objects, since every message written goes
 * through here. A CJK run gives its bigrams, then its unigrams; a word chain its parts, then (for
 * several) the parts run together.
 */
export function tokenizeNormalized(text: string): string[] {
  return new Tokens().text(text).list
}

/**
 * Where a term's word parts stand in a text: one position as a number (nearly always), several
 * in order, or undefined (no part of its own: a CJK term, or only the run-together form of a chain).
 */
export type Positions = number | number[] | undefined

/** The positions as a list. */
export function positionList(p: Positions): number[] {
  return p === undefined ? [] : typeof p === 'number' ? [p] : p
}

/** tokenizeNormalized's terms, and (by the same index) the positions of each one's word parts. */
export function tokenizeWithPositions(text: string): { terms: string[]; positions: Positions[] } {
  const t = new Tokens(true).text(text)
  return { terms: t.list, positions: t.at! }
}

/**
 * The word parts of a quoted phrase with their positions (tokenizeWithPositions of the normalized
 * phrase), in order: a text containing the phrase has them at the same distances from each other.
 */
export function phraseParts(phrase: string): { term: string; pos: number }[] {
  const parts: { term: string; pos: number }[] = []
  const { terms, positions } = tokenizeWithPositions(normalize(phrase))
  terms.forEach((term, i) => {
    for (const pos of positionList(positions[i])) parts.push({ term, pos })
  })
  return parts.sort((a, b) => a.pos - b.pos)
}

const wordCharOnly = new RegExp(`^${wordChar}$`, 'u')

/** Whether a code point is a letter, mark or digit of a spaced script (what a word chain is made of). */
function isWordCodePoint(cp: number | undefined): boolean {
  return cp !== undefined && wordCharOnly.test(String.fromCodePoint(cp))
}

function codePointBefore(text: string, i: number): number | undefined {
  if (i <= 0) return undefined
  const low = text.charCodeAt(i - 1)
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) return text.codePointAt(i - 2)
  return low
}

/**
 * Whether normalized `text` contains normalized `phrase` as a quoted phrase: a contiguous
 * substring whose ends are word boundaries where the phrase starts or ends with a letter or digit
 * of a spaced script. `"red fox"` is in `the red fox.` and `e-mail red fox` but not in `bored
 * foxes`; `"数据"` is anywhere in a CJK run, which has no word boundaries; `"v2.3"` is in `v2.3!`.
 */
export function containsPhrase(text: string, phrase: string): boolean {
  return phraseAt(text, phrase) >= 0
}

/** Where the first occurrence of a quoted phrase (see containsPhrase) at or after `from` starts, or -1. */
export function phraseAt(text: string, phrase: string, from = 0): number {
  if (!phrase) return from <= text.length ? from : -1
  const checkStart = isWordCodePoint(phrase.codePointAt(0))
  const checkEnd = isWordCodePoint(codePointBefore(phrase, phrase.length))
  for (let i = text.indexOf(phrase, from); i >= 0; i = text.indexOf(phrase, i + 1)) {
    const end = i + phrase.length
    if (checkStart && isWordCodePoint(codePointBefore(text, i))) continue
    if (checkEnd && end < text.length && isWordCodePoint(text.codePointAt(end))) continue
    return i
  }
  return -1
}

/** The deduplicated index terms of any text (normalized first), in order of first appearance. */
export function tokenize(text: string): string[] {
  return tokenizeNormalized(normalize(text))
}

/**
 * What a query word or phrase looks up. A match must hold every `terms` entry exactly, and for each
 * `prefixes` entry at least one term starting with it (an index range lookup `[p, p + '\uffff')`).
 * Both empty: the text has no word characters (`:)`, `😀`); callers then match it as a substring.
 */
export interface QueryTerms {
  terms: string[]
  prefixes: string[]
}

export interface QueryTermsOptions {
  /** The word ended with `*`: its last word part is a prefix. */
  prefix?: boolean
  /**
   * The text is a quoted phrase (see containsPhrase). Only terms any containing message must have
   * are returned: every word of a spaced script is whole (`"big red fox"` → big, red, fox); a CJK
   * run gives its bigrams, a lone CJK character its unigram.
   */
  phrase?: boolean
}

/**
 * The lookups for one query word (or phrase, see the option), tokenized as the index is:
 * - a Latin (or other spaced-script) word is its parts, all required: `e-mail` → `e` AND `mail`
 *   (the run-together form is not required, so `e-mail` also finds `e - mail`; `email` finds `e-mail`
 *   through the indexed `email`). With `prefix`, the last part is a prefix: `rel*` → prefix `rel`.
 * - a CJK word of two or more characters is its bigrams, all required: `数据同步` → `数据`, `据同`,
 *   `同步`. So it matches text where those bigrams occur, which is the word itself except in rare
 *   coincidences; `数据已经同步` has no `据同` and does not match. A trailing `*` adds nothing
 *   (bigrams already match inside longer runs).
 * - a single CJK character is its unigram: every CJK character of a text is indexed as one.
 * `text` is normalized here; the returned terms are normalized.
 */
export function queryTerms(text: string, options: QueryTermsOptions = {}): QueryTerms {
  const norm = normalize(text)
  const terms = new Set<string>()
  const prefixes = new Set<string>()
  const segments = scan(norm)
  segments.forEach((seg, i) => {
    const parts = seg.parts
    if (seg.cjk) {
      if (parts.length === 1) {
        terms.add(parts[0]!.text)
      } else {
        for (let j = 0; j + 1 < parts.length; j++) terms.add(parts[j]!.text + parts[j + 1]!.text)
      }
      return
    }
    const lastSegment = i === segments.length - 1
    parts.forEach((p, j) => {
      // A phrase's Latin words are whole words (containsPhrase checks its ends), so all exact.
      if (options.phrase) {
        terms.add(clip(p.text))
        return
      }
      if (options.prefix && lastSegment && j === parts.length - 1) prefixes.add(clip(p.text))
      else terms.add(clip(p.text))
    })
  })
  return { terms: [...terms], prefixes: [...prefixes] }
}
