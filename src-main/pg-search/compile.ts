/**
 * The search box's query language (shared/search/query.ts) compiled to parameterised SQL over the
 * team archive's full-text column (issue 20 §3). Pure: no database, no I/O; tests check the SQL.
 *
 * The column (`search` on the messages table, see document.ts) is a tsvector of pre-tokenized
 * lexemes, built in Node by the project's own tokenizer (tokenize.ts: words, CJK bigrams and
 * unigrams) plus one feature lexeme per field the language filters on (`\u0001f:alice`,
 * `\u0001h:image`, `\u0001i:recalled`, as the app's own index, lib/search/index/terms.ts). It is
 * written as quoted tsvector text and queried with a tsquery cast from text, so PostgreSQL never
 * parses or stems a word: Chinese works with no extension, and a lexeme is exactly a term.
 *
 * A query becomes:
 * - one tsquery: every term of a word or phrase ANDed (`'release' & '数据' & '据同'`), a prefix as
 *   `'rel':*`, repeated `from:` as an OR of feature lexemes, `has:`/`is:` as feature lexemes, and a
 *   negated word, `from:`, `has:` or `is:` as `!( … )`;
 * - `in:` resolved to group ids first (by id or name, normalized, from the groups the caller
 *   lists), then `group_id = ANY($n)` (negated: `<> ALL`); `--group` the same;
 * - dates as a range on `msg_time` (MsgTimeStamp); a negated date holds when the time is
 *   missing, as in the reference evaluator;
 * - quoted phrases and words with no letters or digits (`:)`) narrow by their terms only, and the
 *   rows are then confirmed with the reference predicate (`verify`): their exact rule (a contiguous
 *   substring whose ends are word boundaries) is the app's, not SQL's.
 * Results are newest first: `ORDER BY msg_time DESC, group_id, topic_id, msg_seq DESC`.
 */
import { normalize } from '../shared/search/normalize'
import { dateSpan, type Clause, type Query } from '../shared/search/query'

/** The feature lexemes (the same scheme as the app's index, lib/search/index/terms.ts). */
const feature = '\u0001'
/** Longest lexeme kept: PostgreSQL refuses lexemes over 2047 bytes; a longer sender is cut. */
export const MAX_LEXEME_CHARS = 256

export function clipLexeme(s: string): string {
  if (s.length <= MAX_LEXEME_CHARS) return s
  const code = s.charCodeAt(MAX_LEXEME_CHARS - 1)
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? MAX_LEXEME_CHARS - 1 : MAX_LEXEME_CHARS)
}

export function fromLexeme(account: string): string {
  return clipLexeme(`${feature}f:${normalize(account)}`)
}
export function hasLexeme(value: string): string {
  return `${feature}h:${value}`
}
export function isLexeme(value: string): string {
  return `${feature}i:${value}`
}

/** A lexeme as tsquery text reads it: quoted, `'` doubled and `\` escaped. */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

export interface SearchGroup {
  id: string
  name?: string | null
}

export interface CompileOptions {
  /** Every group of the archive (id and name), to resolve `in:` by id or name. */
  groups: SearchGroup[]
  /** Only these groups (`--group`): ids as stored. */
  onlyGroups?: string[]
  /** Minutes east of UTC for reading dates (MatchContext.timeZoneOffsetMinutes). */
  timeZoneOffsetMinutes?: number
}

export interface CompiledSearch {
  /** A boolean SQL expression over the messages table (unqualified columns), or 'false'. */
  where: string
  values: unknown[]
  /** The tsquery text, or undefined when the query has no text, sender or feature condition. */
  tsquery?: string
  /** Rows must be confirmed with the reference predicate (shared/search/query.ts compileQuery). */
  verify: boolean
}

export interface SqlText {
  text: string
  values: unknown[]
}

/** `in:` values → the ids of the groups whose id or name equals one (normalized). */
function resolveGroups(values: string[], groups: SearchGroup[]): string[] {
  const ids: string[] = []
  for (const g of groups) {
    const id = normalize(g.id)
    const name = typeof g.name === 'string' ? normalize(g.name) : undefined
    if (values.some((v) => v === id || (name !== undefined && v === name))) ids.push(g.id)
  }
  return ids
}

function wordQuery(terms: string[], prefixes: string[]): string {
  return [...terms.map(quoteLexeme), ...prefixes.map((p) => `${quoteLexeme(p)}:*`)].join(' & ')
}

/** A Unix-seconds parameter as a timestamptz. */
function ts(p: string): string {
  return `to_timestamp(${p}::bigint)`
}

/** The [from, to) range of a date clause in Unix seconds (either end open). */
function secondsRange(c: Clause & { kind: 'before' | 'after' | 'on' }, offset: number): { from?: number; to?: number } {
  const span = dateSpan(c.date, offset)
  // Spans are whole minutes, so whole seconds: `MsgTimeStamp * 1000 >= ms` ⇔ `time >= ms / 1000`.
  const from = Math.ceil(span.start / 1000)
  const to = Math.ceil(span.end / 1000)
  if (c.kind === 'before') return { to: from }
  if (c.kind === 'after') return { from: to }
  return { from, to }
}

/** Compiles a parsed query to a WHERE expression (see the module comment). */
export function compileSearch(q: Query, opts: CompileOptions): CompiledSearch {
  const offset = opts.timeZoneOffsetMinutes ?? 0
  const tsq: string[] = []
  let verify = false

  const from = q.clauses.filter((c) => c.kind === 'from' && !c.negated) as (Clause & { kind: 'from' })[]
  if (from.length) {
    // A sender longer than a lexeme holds is cut: the cut lexeme narrows, the predicate decides.
    if (from.some((c) => fromLexeme(c.value) !== `${feature}f:${c.value}`)) verify = true
    const alts = [...new Set(from.map((c) => quoteLexeme(fromLexeme(c.value))))]
    tsq.push(alts.length === 1 ? alts[0]! : `(${alts.join(' | ')})`)
  }
  const inValues = q.clauses.filter((c) => c.kind === 'in' && !c.negated).map((c) => (c as { value: string }).value)
  let groupIds: string[] | undefined
  if (inValues.length) groupIds = resolveGroups(inValues, opts.groups)
  if (opts.onlyGroups) groupIds = groupIds ? groupIds.filter((id) => opts.onlyGroups!.includes(id)) : [...opts.onlyGroups]
  const notIn = q.clauses.filter((c) => c.kind === 'in' && c.negated).map((c) => (c as { value: string }).value)
  const notGroupIds = notIn.length ? resolveGroups(notIn, opts.groups) : []

  let lower: number | undefined
  let upper: number | undefined
  const notDates: { from?: number; to?: number }[] = []
  for (const c of q.clauses) {
    switch (c.kind) {
      case 'word':
      case 'phrase': {
        const empty = c.terms.length === 0 && c.prefixes.length === 0
        if (c.kind === 'phrase' || empty) verify = true
        if (empty) break // a symbol-only word: the predicate decides
        if (!c.negated) tsq.push(wordQuery(c.terms, c.prefixes))
        else if (c.kind === 'word') tsq.push(`!(${wordQuery(c.terms, c.prefixes)})`)
        // A negated phrase: excluding its terms would exclude too much; the predicate decides.
        break
      }
      case 'from':
        if (c.negated) {
          if (fromLexeme(c.value) !== `${feature}f:${c.value}`) verify = true
          else tsq.push(`!${quoteLexeme(fromLexeme(c.value))}`)
        }
        break
      case 'has':
        tsq.push(`${c.negated ? '!' : ''}${quoteLexeme(hasLexeme(c.value))}`)
        break
      case 'is':
        tsq.push(`${c.negated ? '!' : ''}${quoteLexeme(isLexeme(c.value))}`)
        break
      case 'before':
      case 'after':
      case 'on': {
        const r = secondsRange(c, offset)
        if (c.negated) notDates.push(r)
        else {
          if (r.from !== undefined) lower = Math.max(lower ?? r.from, r.from)
          if (r.to !== undefined) upper = Math.min(upper ?? r.to, r.to)
        }
        break
      }
      case 'in':
        break // above
    }
  }
  if ((lower !== undefined && upper !== undefined && lower >= upper) || groupIds?.length === 0) return { where: 'false', values: [], verify: false }

  const values: unknown[] = []
  const param = (v: unknown): string => {
    values.push(v)
    return `$${values.length}`
  }
  const where: string[] = []
  const tsquery = tsq.length ? tsq.join(' & ') : undefined
  if (tsquery) where.push(`search @@ ${param(tsquery)}::tsquery`)
  if (lower !== undefined) where.push(`msg_time >= ${ts(param(lower))}`)
  if (upper !== undefined) where.push(`msg_time < ${ts(param(upper))}`)
  if (groupIds) where.push(`group_id = ANY(${param(groupIds)}::text[])`)
  if (notGroupIds.length) where.push(`group_id <> ALL(${param(notGroupIds)}::text[])`)
  for (const r of notDates) {
    const parts: string[] = []
    if (r.from !== undefined) parts.push(`msg_time >= ${ts(param(r.from))}`)
    if (r.to !== undefined) parts.push(`msg_time < ${ts(param(r.to))}`)
    // A message with no time is outside every range, so a negated date holds for it.
    where.push(`NOT COALESCE(${parts.join(' AND ')}, false)`)
  }
  return { where: where.length ? where.join(' AND ') : 'true', values, tsquery, verify }
}

/** Where a page continues: the last row of the previous page (keyset pagination, newest first). */
export interface PageCursor {
  /** msg_time in Unix seconds, or null for a message with no time. */
  time: number | null
  groupId: string
  topicId: string
  seq: number
}

/** Newest first; rows with no time last. */
export const ORDER = 'msg_time DESC NULLS LAST, group_id, topic_id, msg_seq DESC'

/**
 * One page of matching rows, newest first, after `cursor` when given. `columns` is the select list.
 * With `verify`, the caller keeps only the rows the predicate confirms and asks again from the
 * last row read until the page is full. `order` replaces ORDER (an index's own order operator).
 */
export function pageSql(c: CompiledSearch, opts: { table: string; columns: string; limit: number; cursor?: PageCursor; order?: string }): SqlText {
  const values = [...c.values]
  const param = (v: unknown): string => {
    values.push(v)
    return `$${values.length}`
  }
  let where = c.where
  if (opts.cursor) {
    const { time, groupId, topicId, seq } = opts.cursor
    // The row order is (msg_time DESC NULLS LAST, group_id, topic_id, msg_seq DESC).
    const g = param(groupId)
    const tp = param(topicId)
    const s = param(seq)
    const after = `(group_id, topic_id, -msg_seq) > (${g}, ${tp}, -${s}::bigint)`
    if (time === null) where = `(${where}) AND msg_time IS NULL AND ${after}`
    else {
      // The row's own msg_time (epoch with its milliseconds), so the cursor's equality holds.
      const t = `to_timestamp(${param(time)}::float8)`
      where = `(${where}) AND (msg_time < ${t} OR msg_time IS NULL OR (msg_time = ${t} AND ${after}))`
    }
  }
  return {
    text: `SELECT ${opts.columns} FROM ${opts.table} WHERE ${where} ORDER BY ${opts.order ?? ORDER} LIMIT ${param(opts.limit)}::int`,
    values
  }
}

/** The number of matching rows (exact when `verify` is false; otherwise the candidates). */
export function countSql(c: CompiledSearch, opts: { table: string }): SqlText {
  return { text: `SELECT count(*)::bigint AS n FROM ${opts.table} WHERE ${c.where}`, values: [...c.values] }
}
