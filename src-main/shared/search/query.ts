/**
 * The search box's query language: parser, reference evaluator and a summary for index planners.
 *
 * Grammar (clauses separated by whitespace; all of them must hold):
 *   query   := clause*
 *   clause  := '-'? ( phrase | key ':' value | word )
 *   phrase  := '"' anything but '"' '"'          (also full-width ＂ and curly “ ”)
 *   key     := from | in | before | after | on | has | is   (any case)
 *   value   := phrase | non-space characters
 *   word    := non-space characters, a trailing '*' making it a prefix
 * A `key:` this language does not know is a plain word (`http://x`, `12:30`). A lone `-` and an
 * empty phrase are ignored. Full-width `：`, `－`, `＊` work as their ASCII forms (IME input).
 *
 * Meaning (every comparison after normalize(): case, full-/half-width and invisible characters
 * do not matter):
 * - `word` — the message's index terms (tokenize.ts) include all of the word's terms: `release`
 *   matches the word release (not releases); `rel*` any word starting with rel; a CJK word matches
 *   when all its bigrams occur (`数据同步` matches 数据同步 but not 数据已经同步); one CJK
 *   character matches wherever it occurs. A word with no letters or digits (`:)`, `😀`) matches as
 *   a substring.
 * - `"a phrase"` — the words in this order, contiguous, in the normalized message text (whitespace
 *   runs count as one space): `"red fox"` is in `The red   fox` and `red fox!` but not in `bored
 *   foxes` (its ends are word boundaries, tokenize.ts containsPhrase). Use it for exact wording or
 *   punctuation; in Chinese a phrase is simply contiguous text.
 * - `from:alice` — From_Account equals the value (case-insensitive). `in:g1` — GroupId equals the
 *   value, or the group's name does (via the context); or a Community topic's TopicId or name does. Repeating `from:` (or `in:`) means any of
 *   them: `from:alice from:bob` is messages from either; all clauses combined with AND would make
 *   it match nothing, never useful.
 * - dates: `YYYY-MM-DD`, `YYYY/MM/DD` (one-digit month and day allowed) name a day, `YYYY-MM`
 *   a month, in the local time of the context's offset. `on:D` is within D; `before:D` is before D
 *   begins; `after:D` is after D ends (as in Slack and Discord: `after:2024-05-01` starts at
 *   2024-05-02 00:00, `after:2024-05` at June 1). So `after:D before:E` is strictly between.
 * - `has:image|file|sound|video|location|custom|link|face|relay` and
 *   `is:deleted|recalled|system|removed` — see MessageFeatures in extract-text.ts.
 * - `-clause` — the clause does not hold (`-from:bob`, `-"exact phrase"`, `-spam`, `-has:image`).
 *   A negated date or field that cannot be read (no MsgTimeStamp) holds.
 */
import type { ArchivedMessage } from '../archive-record'
import { hasValues, isValues, messageStates, messageView, type HasFeature, type IsFeature, type MessageView } from './extract-text'
import { normalize } from './normalize'
import { containsPhrase, queryTerms, tokenizeNormalized } from './tokenize'

export interface CalendarDate {
  year: number
  /** 1–12. */
  month: number
  /** 1–31; absent for a whole month. */
  day?: number
}

interface ClauseBase {
  negated: boolean
  /** Offset of the clause (its `-` included) in the query string. */
  at: number
}

export interface WordClause extends ClauseBase {
  kind: 'word'
  /** The word normalized, without its trailing `*`. */
  text: string
  prefix: boolean
  terms: string[]
  prefixes: string[]
}
export interface PhraseClause extends ClauseBase {
  kind: 'phrase'
  /** The phrase normalized. */
  text: string
  /** Terms and prefixes any message containing the phrase has (to narrow with an index). */
  terms: string[]
  prefixes: string[]
}
export interface FieldClause extends ClauseBase {
  kind: 'from' | 'in'
  /** Normalized. */
  value: string
}
export interface DateClause extends ClauseBase {
  kind: 'before' | 'after' | 'on'
  date: CalendarDate
}
export interface HasClause extends ClauseBase {
  kind: 'has'
  value: HasFeature
}
export interface IsClause extends ClauseBase {
  kind: 'is'
  value: IsFeature
}
export type Clause = WordClause | PhraseClause | FieldClause | DateClause | HasClause | IsClause

/** A parsed query: plain data (JSON-serializable), so it can cross IPC or go into a CLI option. */
export interface Query {
  clauses: Clause[]
}

export interface QueryError {
  /** One English sentence for the user. */
  error: string
  /** Offset in the query string where the problem is. */
  at: number
  /** What is wrong, for a UI that says it in another language; `params` fill its message. */
  code: 'unclosed-quote' | 'empty-value' | 'bad-date' | 'bad-has' | 'bad-is'
  params: Record<string, string>
}

export function isQueryError(r: Query | QueryError): r is QueryError {
  return 'error' in r
}

export interface MatchContext {
  /** The name of a group (or of a Community topic, by its ID), for `in:` by name. */
  groupName?: (groupId: string) => string | undefined
  /**
   * Minutes east of UTC for reading dates: 480 for China (UTC+8), -300 for New York in winter.
   * That is minus Date#getTimezoneOffset(). Default 0 (UTC). One fixed offset: in zones with
   * daylight saving time, a day on the other side of the change is off by an hour at its edges.
   */
  timeZoneOffsetMinutes?: number
}

// ---------------------------------------------------------------------------------------------
// Parsing

const keys = new Set(['from', 'in', 'before', 'after', 'on', 'has', 'is'])
// Curly quotes either way round: IMEs and phones type them, and a user does not see which is which.
const quotes = new Set(['"', '\u201c', '\u201d'])
// IME full-width forms read as their ASCII forms. One code unit each, so offsets stay the same.
const fullWidth: Record<string, string> = {
  '\uff02': '"',
  '\uff1a': ':',
  '\uff0d': '-',
  '\uff0a': '*'
}
const keyPattern = /([A-Za-z]+):/y
const datePattern = /^(\d{4})([-/])(\d{1,2})(?:\2(\d{1,2}))?$/

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/u.test(ch)
}

function listOf(values: readonly string[]): string {
  return values.join(', ')
}

/** Parses a query. An empty query (no clauses) matches every message. */
export function parseQuery(q: string): Query | QueryError {
  const s = q.replace(/[\uff02\uff1a\uff0d\uff0a]/g, (ch) => fullWidth[ch] ?? ch)
  const clauses: Clause[] = []
  let i = 0

  /** Reads a quoted string whose opening quote is at `i`: [content, offset after the close]. */
  const quoted = (open: number): [string, number] | QueryError => {
    for (let j = open + 1; j < s.length; j++) {
      if (quotes.has(s[j]!)) return [s.slice(open + 1, j), j + 1]
    }
    return { error: 'This quote is never closed: add a closing " to end the phrase.', at: open, code: 'unclosed-quote', params: {} }
  }
  const wordEnd = (from: number): number => {
    let j = from
    while (j < s.length && !isSpace(s[j])) j++
    return j
  }

  while (i < s.length) {
    if (isSpace(s[i])) {
      i++
      continue
    }
    const at = i
    let negated = false
    if (s[i] === '-') {
      if (i + 1 >= s.length || isSpace(s[i + 1])) {
        i++ // a lone '-': nothing to negate
        continue
      }
      negated = true
      i++
    }
    if (quotes.has(s[i]!)) {
      const r = quoted(i)
      if (!Array.isArray(r)) return r
      i = r[1]
      const text = normalize(r[0])
      if (text) clauses.push({ kind: 'phrase', negated, at, text, ...queryTerms(text, { phrase: true }) })
      continue
    }
    keyPattern.lastIndex = i
    const key = keyPattern.exec(s)
    const keyName = key?.[1]?.toLowerCase()
    if (key && keyName && keys.has(keyName)) {
      const valueAt = i + key[0].length
      let raw: string
      if (quotes.has(s[valueAt] ?? '')) {
        const r = quoted(valueAt)
        if (!Array.isArray(r)) return r
        raw = r[0]
        i = r[1]
      } else {
        i = wordEnd(valueAt)
        raw = s.slice(valueAt, i)
      }
      const clause = keyed(keyName, raw, negated, at, valueAt)
      if ('error' in clause) return clause
      clauses.push(clause)
      continue
    }
    i = wordEnd(i)
    const token = s.slice(negated ? at + 1 : at, i)
    const prefix = token.length > 1 && token.endsWith('*')
    const text = normalize(prefix ? token.slice(0, -1) : token)
    if (text) clauses.push({ kind: 'word', negated, at, text, prefix, ...queryTerms(text, { prefix }) })
  }
  return { clauses }
}

function keyed(key: string, raw: string, negated: boolean, at: number, valueAt: number): Clause | QueryError {
  const value = normalize(raw)
  if (!value) return { error: `${key}: needs a value right after the colon.`, at, code: 'empty-value', params: { key } }
  switch (key) {
    case 'from':
    case 'in':
      return { kind: key, negated, at, value }
    case 'before':
    case 'after':
    case 'on': {
      const date = parseDate(value)
      if (!date) {
        return {
          error: `"${raw}" is not a date: write it as YYYY-MM-DD, YYYY/MM/DD or YYYY-MM, for example ${key}:2024-05-01.`,
          at: valueAt,
          code: 'bad-date',
          params: { key, value: raw }
        }
      }
      return { kind: key, negated, at, date }
    }
    case 'has':
      if (!(hasValues as readonly string[]).includes(value)) {
        return {
          error: `has:${raw} is not something a message can have; use one of ${listOf(hasValues)}.`,
          at: valueAt,
          code: 'bad-has',
          params: { value: raw, values: listOf(hasValues) }
        }
      }
      return { kind: 'has', negated, at, value: value as HasFeature }
    default:
      if (!(isValues as readonly string[]).includes(value)) {
        return {
          error: `is:${raw} is not a message state; use one of ${listOf(isValues)}.`,
          at: valueAt,
          code: 'bad-is',
          params: { value: raw, values: listOf(isValues) }
        }
      }
      return { kind: 'is', negated, at, value: value as IsFeature }
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 1) - 86_400_000).getUTCDate()
}

/** Milliseconds of 00:00 UTC on a calendar day; month and day may overflow (month 13 = January). */
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  d.setUTCFullYear(year, month - 1, day)
  return d.getTime()
}

function parseDate(value: string): CalendarDate | undefined {
  const m = datePattern.exec(value)
  if (!m) return undefined
  const year = Number(m[1])
  const month = Number(m[3])
  if (month < 1 || month > 12) return undefined
  if (m[4] === undefined) return { year, month }
  const day = Number(m[4])
  if (day < 1 || day > daysInMonth(year, month)) return undefined
  return { year, month, day }
}

/** The span of a calendar date in epoch milliseconds, [start, end), at a UTC offset. */
export function dateSpan(date: CalendarDate, offsetMinutes = 0): { start: number; end: number } {
  const shift = offsetMinutes * 60_000
  if (date.day === undefined) {
    return {
      start: utcMidnight(date.year, date.month, 1) - shift,
      end: utcMidnight(date.year, date.month + 1, 1) - shift
    }
  }
  return {
    start: utcMidnight(date.year, date.month, date.day) - shift,
    end: utcMidnight(date.year, date.month, date.day + 1) - shift
  }
}

/** The times a date clause admits, [from, to) in epoch ms (either end open when absent). */
function dateRange(c: DateClause, offsetMinutes: number): { from?: number; to?: number } {
  const span = dateSpan(c.date, offsetMinutes)
  if (c.kind === 'before') return { to: span.start }
  if (c.kind === 'after') return { from: span.end }
  return { from: span.start, to: span.end }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** What the evaluator reads of a message, computed on first use. */
class Lazy {
  private v?: MessageView
  private t?: Set<string>
  private s?: Set<IsFeature>
  constructor(readonly m: ArchivedMessage) {}
  get view(): MessageView {
    return (this.v ??= messageView(this.m))
  }
  get states(): Set<IsFeature> {
    return (this.s ??= messageStates(this.m))
  }
  get terms(): Set<string> {
    return (this.t ??= new Set(tokenizeNormalized(this.view.text)))
  }
}

function hasTerms(l: Lazy, c: WordClause | PhraseClause): boolean {
  const terms = l.terms
  for (const t of c.terms) if (!terms.has(t)) return false
  for (const p of c.prefixes) {
    let found = false
    for (const t of terms) {
      if (t.startsWith(p)) {
        found = true
        break
      }
    }
    if (!found) return false
  }
  return true
}

/** Whether a clause holds, ignoring its negation. */
function holds(c: Clause, l: Lazy, ctx: MatchContext, offset: number): boolean {
  switch (c.kind) {
    case 'word':
      if (c.terms.length === 0 && c.prefixes.length === 0) return l.view.text.includes(c.text)
      return hasTerms(l, c)
    case 'phrase':
      // Its terms follow from the phrase: they only serve an index to narrow candidates.
      return containsPhrase(l.view.text, c.text)
    case 'from':
      return typeof l.m.From_Account === 'string' && normalize(l.m.From_Account) === c.value
    case 'in': {
      // A Community topic's message is in its group and in its topic (TopicId: the topic's ID,
      // which the context names like a group).
      const named = (id: unknown) => {
        if (typeof id !== 'string' || id === '') return false
        if (normalize(id) === c.value) return true
        const name = ctx.groupName?.(id)
        return typeof name === 'string' && normalize(name) === c.value
      }
      return named(l.m.GroupId) || named(l.m.TopicId)
    }
    case 'before':
    case 'after':
    case 'on': {
      const ts = l.m.MsgTimeStamp
      if (typeof ts !== 'number' || !Number.isFinite(ts)) return false
      const ms = ts * 1000
      const r = dateRange(c, offset)
      return (r.from === undefined || ms >= r.from) && (r.to === undefined || ms < r.to)
    }
    case 'has':
      return l.view.features.has.has(c.value)
    case 'is':
      return l.states.has(c.value)
  }
}

/**
 * A predicate for a parsed query, for scanning many messages (exports, full scans): the work that
 * depends only on the query is done once.
 */
export function compileQuery(q: Query, ctx: MatchContext = {}): (m: ArchivedMessage) => boolean {
  const offset = ctx.timeZoneOffsetMinutes ?? 0
  const from = q.clauses.filter((c) => c.kind === 'from' && !c.negated)
  const inGroup = q.clauses.filter((c) => c.kind === 'in' && !c.negated)
  // Cheap clauses first: fields and dates never need the message's text.
  const rank = (c: Clause): number => (c.kind === 'word' || c.kind === 'phrase' || c.kind === 'has' ? 1 : 0)
  const rest = q.clauses.filter((c) => c.negated || (c.kind !== 'from' && c.kind !== 'in')).sort((a, b) => rank(a) - rank(b))
  return (m) => {
    const l = new Lazy(m)
    if (from.length && !from.some((c) => holds(c, l, ctx, offset))) return false
    if (inGroup.length && !inGroup.some((c) => holds(c, l, ctx, offset))) return false
    for (const c of rest) if (holds(c, l, ctx, offset) === c.negated) return false
    return true
  }
}

/** Whether a message matches a parsed query (the reference semantics; see the module comment). */
export function matches(m: ArchivedMessage, q: Query, ctx: MatchContext = {}): boolean {
  return compileQuery(q, ctx)(m)
}

// ---------------------------------------------------------------------------------------------
// Summary for an index planner

/**
 * A query taken apart for an index: a message matches exactly when
 * - its index terms include every `terms` entry and, for every `prefixes` entry, one starting with it;
 * - its normalized text contains every `phrases` entry (containsPhrase for phrases, a plain
 *   substring for symbol-only words);
 * - From_Account (normalized) is one of `from` when `from` is not empty; likewise GroupId or group
 *   name for `in` (resolve names to ids with the group list);
 * - MsgTimeStamp × 1000 is in [range.from, range.to) (range.from ≥ range.to: no message can match);
 * - its features include every `has` and `is` entry;
 * - and none of the `negated` clauses holds (check them with `matches` on a one-clause query).
 * The phrases' terms and prefixes are already in `terms` and `prefixes`; words with no terms (`😀`)
 * are in `phrases`.
 */
export interface QuerySummary {
  terms: string[]
  prefixes: string[]
  phrases: string[]
  from: string[]
  in: string[]
  range: { from?: number; to?: number }
  has: HasFeature[]
  is: IsFeature[]
  negated: Clause[]
}

export function querySummary(q: Query, ctx: Pick<MatchContext, 'timeZoneOffsetMinutes'> = {}): QuerySummary {
  const offset = ctx.timeZoneOffsetMinutes ?? 0
  const terms = new Set<string>()
  const prefixes = new Set<string>()
  const phrases = new Set<string>()
  const from = new Set<string>()
  const inGroup = new Set<string>()
  const has = new Set<HasFeature>()
  const is = new Set<IsFeature>()
  const range: { from?: number; to?: number } = {}
  const negated: Clause[] = []
  for (const c of q.clauses) {
    if (c.negated) {
      negated.push(c)
      continue
    }
    switch (c.kind) {
      case 'word':
      case 'phrase':
        for (const t of c.terms) terms.add(t)
        for (const p of c.prefixes) prefixes.add(p)
        if (c.kind === 'phrase' || (c.terms.length === 0 && c.prefixes.length === 0)) phrases.add(c.text)
        break
      case 'from':
        from.add(c.value)
        break
      case 'in':
        inGroup.add(c.value)
        break
      case 'before':
      case 'after':
      case 'on': {
        const r = dateRange(c, offset)
        if (r.from !== undefined) range.from = Math.max(range.from ?? r.from, r.from)
        if (r.to !== undefined) range.to = Math.min(range.to ?? r.to, r.to)
        break
      }
      case 'has':
        has.add(c.value)
        break
      case 'is':
        is.add(c.value)
        break
    }
  }
  return {
    terms: [...terms],
    prefixes: [...prefixes],
    phrases: [...phrases],
    from: [...from],
    in: [...inGroup],
    range,
    has: [...has],
    is: [...is],
    negated
  }
}
