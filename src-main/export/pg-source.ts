/**
 * Reading the team archive in PostgreSQL for export (`tim-archive export --db`, issue 20 §3): the
 * twin of jsonl-source.ts, answering the same ScanResult, so every format, split and media option
 * goes through the one exporter (exporter.ts) whichever the source.
 *
 * The same order as jsonl-source: the split's period first (when there is one), then group
 * (--group's order, then the others by id; a file's "order of appearance" has no equivalent in a
 * database), then the group's own messages before its topics' (by topic id), then seq. In bounded
 * memory:
 * 1. the filter's SQL (pg-search/compile.ts: groups, dates, words through the full-text index)
 *    selects the keys of the matching rows, with the reference predicate confirming each record
 *    when the SQL only narrows (quoted phrases, symbols) or when the caller's predicate asks more;
 * 2. the keys (about 40 bytes a message) are sorted in memory;
 * 3. the records are read back in that order, a chunk of keys per query.
 */
import type pg from 'pg'
import type { ArchivedMessage } from '../shared/archive-record'
import type { Query } from '../shared/search/query'
import { compileSearch, type SearchGroup } from '../pg-search/compile'
import { MESSAGES } from '../pg-search/search'
import type { ScanResult } from './jsonl-source'
import { inTransaction } from '../db/connect'

export interface PgScanOptions {
  /** The filter as parsed clauses: compiled to SQL to narrow the rows read. */
  query: Query
  /** The exact filter (the same predicate export --in applies): every row read is checked with it. */
  keep: (m: ArchivedMessage) => boolean
  /** Only these groups, in this order (--group). */
  groupOrder?: readonly string[]
  timeZoneOffsetMinutes?: number
  /** Sort by this key first (the split's period), then group, then seq. Reads MsgTimeStamp only. */
  primaryKey?: (m: ArchivedMessage) => number
  /** The URL without its password, as ScanResult.path. */
  label: string
  onProgress?: (rowsRead: number, totalRows: number) => void
}

interface KeyRow {
  group_id: string
  topic_id: string
  msg_seq: string
  record: ArchivedMessage
}

export async function scanPg(pool: pg.Pool, opts: PgScanOptions): Promise<ScanResult> {
  const all = await pool.query<{ group_id: string }>(
    `SELECT g.group_id FROM tim_archive.groups g WHERE EXISTS (SELECT 1 FROM ${MESSAGES} m WHERE m.group_id = g.group_id) ORDER BY g.group_id`
  )
  const allGroups = all.rows.map((r) => r.group_id)
  const groups: SearchGroup[] = allGroups.map((id) => ({ id }))
  const only = opts.groupOrder?.length ? [...new Set(opts.groupOrder)] : undefined
  const compiled = compileSearch(opts.query, { groups, timeZoneOffsetMinutes: opts.timeZoneOffsetMinutes, ...(only ? { onlyGroups: only } : {}) })
  const total = Number((await pool.query<{ n: string }>(`SELECT count(*)::bigint AS n FROM ${MESSAGES}`)).rows[0]!.n)

  const groupIndex = new Map<string, number>()
  for (const g of [...(only ?? []), ...allGroups]) if (!groupIndex.has(g)) groupIndex.set(g, groupIndex.size)
  const topicIndex = new Map<string, number>()
  const keys: number[] = []
  const units: number[] = []
  const seqs: number[] = []
  const groupOf: number[] = []
  const topicOf: number[] = []
  const topicNames: string[] = ['']
  topicIndex.set('', 0)
  const present = new Set<number>()

  // Pass 1: the keys of the matching rows, the records streamed through a cursor (the predicate
  // and the period read them; a million records never sit in memory at once).
  let read = 0
  await inTransaction(
    pool,
    async (c) => {
      await c.query({
        text: `DECLARE keys NO SCROLL CURSOR FOR SELECT group_id, topic_id, msg_seq, record FROM ${MESSAGES} WHERE ${compiled.where}`,
        values: compiled.values
      })
      for (;;) {
        const r = await c.query<KeyRow>('FETCH 2000 FROM keys')
        for (const row of r.rows) {
          read++
          if (!opts.keep(row.record)) continue
          const g = groupIndex.get(row.group_id)!
          let t = topicIndex.get(row.topic_id)
          if (t === undefined) {
            topicIndex.set(row.topic_id, (t = topicIndex.size))
            topicNames.push(row.topic_id)
          }
          present.add(g)
          keys.push(opts.primaryKey ? opts.primaryKey(row.record) : 0)
          groupOf.push(g)
          topicOf.push(t)
          units.push(0)
          seqs.push(Number(row.msg_seq))
        }
        opts.onProgress?.(read, total)
        if (r.rows.length < 2000) break
      }
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
  )
  // A group's own messages first, then its topics by id.
  const topicRank = new Map([...topicNames].sort().map((t, i) => [t, i]))
  for (let i = 0; i < units.length; i++) units[i] = topicRank.get(topicNames[topicOf[i]!]!)!
  const order = Array.from({ length: keys.length }, (_, i) => i)
  order.sort((a, b) => keys[a]! - keys[b]! || groupOf[a]! - groupOf[b]! || units[a]! - units[b]! || seqs[a]! - seqs[b]!)
  const byIndex = [...groupIndex.keys()]
  const names = byIndex.filter((_, i) => present.has(i))

  return {
    path: opts.label,
    count: order.length,
    records: total,
    badLines: [],
    badLineCount: 0,
    groups: names,
    allGroups,
    async *read(chunk = 1000) {
      for (let i = 0; i < order.length; i += chunk) {
        const part = order.slice(i, i + chunk)
        const r = await pool.query<{ record: ArchivedMessage }>(
          `SELECT m.record FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS k(g, t, s, i)
             JOIN ${MESSAGES} m ON m.group_id = k.g AND m.topic_id = k.t AND m.msg_seq = k.s ORDER BY k.i`,
          [part.map((j) => byIndex[groupOf[j]!]!), part.map((j) => topicNames[topicOf[j]!]!), part.map((j) => seqs[j]!)]
        )
        // A row deleted between the passes (an archive is only added to, so never by tim-archive).
        if (r.rows.length !== part.length) throw new Error(`${opts.label} changed while it was being exported; run the export again.`)
        yield r.rows.map((x) => x.record)
      }
    }
  }
}
