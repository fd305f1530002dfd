/**
 * Searching the team archive (`tim-archive search --db`, issue 20 §3): a parsed query compiled to
 * SQL (compile.ts), run against `tim_archive.messages`, newest first, with the reference predicate
 * (shared/search/query.ts) confirming the rows of forms SQL only narrows (quoted phrases, words
 * with no letters or digits). What it answers equals a scan of every record with that predicate;
 * test/integration/pg-search.test.ts checks it for every query form.
 */
import type pg from 'pg'
import type { ArchivedMessage } from '../shared/archive-record'
import { applyContextLine, emptyContext, type ArchiveContext } from '../shared/context-lines'
import { compileQuery, type MatchContext, type Query } from '../shared/search/query'
import { compileSearch, countSql, pageSql, type CompiledSearch, type PageCursor, type SearchGroup } from './compile'

export const MESSAGES = 'tim_archive.messages'

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>

export interface SearchOptions {
  /** Only these groups (`--group`). */
  onlyGroups?: string[]
  /** Minutes east of UTC for dates (default 0). */
  timeZoneOffsetMinutes?: number
  /** The archive's context (group names for `in:`): loadContext, once per command. */
  context: ArchiveContext
}

export interface SearchRow {
  groupId: string
  topicId: string
  seq: number
  /** Unix seconds, or null. */
  time: number | null
  record: ArchivedMessage
}

interface RawRow {
  group_id: string
  topic_id: string
  msg_seq: string | number
  t: string | number | null
  record: ArchivedMessage
}

const COLUMNS = 'group_id, topic_id, msg_seq, extract(epoch from msg_time)::float8 AS t, record'

/** The archive's context, folded from its context lines in order (group names, topics, people). */
export async function loadContext(db: Queryable): Promise<ArchiveContext> {
  const ctx = emptyContext()
  const r = await db.query<{ line: unknown }>('SELECT line FROM tim_archive.context_lines ORDER BY group_id, line_no')
  for (const row of r.rows) if (!applyContextLine(ctx, row.line)) ctx.skipped++
  return ctx
}

/** Every group id the archive holds, with its name when known. */
export async function searchGroups(db: Queryable, ctx: ArchiveContext): Promise<SearchGroup[]> {
  const r = await db.query<{ group_id: string }>('SELECT group_id FROM tim_archive.groups')
  return r.rows.map((g) => ({ id: g.group_id, name: ctx.groups.get(g.group_id)?.name ?? null }))
}

function toRow(r: RawRow): SearchRow {
  return { groupId: r.group_id, topicId: r.topic_id, seq: Number(r.msg_seq), time: r.t === null ? null : Number(r.t), record: r.record }
}

function cursorOf(r: SearchRow): PageCursor {
  return { time: r.time, groupId: r.groupId, topicId: r.topicId, seq: r.seq }
}

/** A prepared search: compiled once, then paged or counted. */
export class Search {
  readonly compiled: CompiledSearch
  private readonly predicate: (m: ArchivedMessage) => boolean

  private constructor(
    private readonly db: Queryable,
    query: Query,
    groups: SearchGroup[],
    opts: SearchOptions
  ) {
    this.compiled = compileSearch(query, { groups, onlyGroups: opts.onlyGroups, timeZoneOffsetMinutes: opts.timeZoneOffsetMinutes })
    const names = new Map(groups.map((g) => [g.id, g.name ?? undefined]))
    const ctx: MatchContext = { groupName: (id) => names.get(id), timeZoneOffsetMinutes: opts.timeZoneOffsetMinutes }
    this.predicate = compileQuery(query, ctx)
  }

  static async prepare(db: Queryable, query: Query, opts: SearchOptions): Promise<Search> {
    return new Search(db, query, await searchGroups(db, opts.context), opts)
  }

  /** Candidate rows from the database, in order, after `cursor`. */
  private async read(limit: number, cursor?: PageCursor, order?: string): Promise<SearchRow[]> {
    const sql = pageSql(this.compiled, { table: MESSAGES, columns: COLUMNS, limit, cursor, order })
    const r = await this.db.query<RawRow>(sql.text, sql.values)
    return r.rows.map(toRow)
  }

  /**
   * Up to `limit` matches, newest first, after `cursor`; `next` continues after the last row read
   * (undefined when there is nothing more).
   */
  async page(limit: number, cursor?: PageCursor): Promise<{ rows: SearchRow[]; next?: PageCursor }> {
    if (!this.compiled.verify) {
      const rows = await this.read(limit, cursor)
      return { rows, next: rows.length === limit ? cursorOf(rows[rows.length - 1]!) : undefined }
    }
    const out: SearchRow[] = []
    let at = cursor
    // Read more than asked: the predicate drops some candidates.
    const batch = Math.max(200, limit * 4)
    for (;;) {
      const rows = await this.read(batch, at)
      for (const r of rows) {
        if (!this.predicate(r.record)) continue
        out.push(r)
        if (out.length === limit) return { rows: out, next: cursorOf(r) }
      }
      if (rows.length < batch) return { rows: out }
      at = cursorOf(rows[rows.length - 1]!)
    }
  }

  /** Every match, newest first, in pages (for export). */
  async *all(batch = 2000): AsyncGenerator<SearchRow> {
    let cursor: PageCursor | undefined
    for (;;) {
      const { rows, next } = await this.page(batch, cursor)
      yield* rows
      if (!next) return
      cursor = next
    }
  }

  /**
   * How many messages match. A count with no phrase to confirm is one `count(*)`: PostgreSQL reads
   * the index's matches into a bitmap of heap pages, then visits every page once (a 15.x server
   * cannot skip all-visible pages: that optimisation is disabled in the back branches). It runs
   * with `work_mem` raised to what an exact bitmap of this table takes (COUNT_WORK_MEM_SQL): with
   * a server's default 4 MB the planner expects a lossy bitmap, whose pages are rechecked row by
   * row, and scans the whole table instead. The answer is exact either way.
   */
  async count(): Promise<number> {
    if (!this.compiled.verify) {
      const sql = countSql(this.compiled, { table: MESSAGES })
      const n = await withWorkMem(this.db, COUNT_WORK_MEM_SQL, (c) => c.query<{ n: string }>(sql.text, sql.values))
      return Number(n.rows[0]!.n)
    }
    let n = 0
    for await (const _ of this.all(5000)) n++
    return n
  }
}

/**
 * `work_mem` for a count: an exact TID bitmap holds one entry of about 64 bytes per heap page that
 * has a match (PostgreSQL's tidbitmap.c); 96 bytes a page of the table leaves room for the hash
 * table. Never lowered below the server's setting, and at most 256 MB (beyond it, at about 2.7M
 * pages or 20 GB of heap, the bitmap turns lossy for the commonest words and stays exact).
 */
export const COUNT_WORK_MEM_SQL = `SELECT (greatest(pg_size_bytes(current_setting('work_mem')), least(relpages::bigint * 96, 268435456)) / 1024)::bigint || 'kB' AS v
  FROM pg_class WHERE oid = '${MESSAGES}'::regclass`

/**
 * Runs `fn` on one connection with work_mem set by `sizeSql`, then puts the setting back: a pool's
 * connection goes back to the pool as it came; a caller's connection (in a transaction or not)
 * keeps its own setting.
 */
async function withWorkMem<T>(db: Queryable, sizeSql: string, fn: (c: Pick<pg.PoolClient, 'query'>) => Promise<T>): Promise<T> {
  const own = !('release' in db) && 'connect' in db
  const c: Pick<pg.PoolClient, 'query'> & { release?: (e?: Error | boolean) => void } = own ? await (db as pg.Pool).connect() : db
  let broken = false
  try {
    const before = (await c.query<{ v: string }>(`SELECT current_setting('work_mem') AS v`)).rows[0]!.v
    const size = (await c.query<{ v: string }>(sizeSql)).rows[0]?.v
    if (size) await c.query(`SELECT set_config('work_mem', $1, false)`, [size])
    let out: T
    try {
      out = await fn(c)
    } catch (e) {
      // In a caller's transaction the failure aborted it, and with it the setting.
      if (size) await c.query(`SELECT set_config('work_mem', $1, false)`, [before]).catch(() => {})
      throw e
    }
    if (size) await c.query(`SELECT set_config('work_mem', $1, false)`, [before])
    return out
  } catch (e) {
    broken = true
    throw e
  } finally {
    if (own) c.release?.(broken ? true : undefined)
  }
}
