/**
 * The team archive's sink for the sync engine (issue 20 §1): PostgreSQL, schema in
 * src-main/db/migrations.ts. The JSON Lines sink (jsonl-archive.ts) is its twin; the guarantees are
 * the same and come from one transaction instead of append + fsync + rename:
 *
 * - Every commit writes its new messages, its merged ones and the unit's coverage in ONE
 *   transaction: a kill at any instant leaves either all of it or none, so a resume pulls exactly
 *   what is missing, with no gap and no duplicate (the primary key (group_id, topic_id, msg_seq)
 *   would refuse one anyway).
 * - The merge rule is shared/archive-record.ts mergeMessage, applied to the stored record: nothing
 *   archived is replaced by less, and the server's later verdicts (deleted, recalled, edited) are
 *   recorded in `_archive`. The quick check before it (fingerprints fp / sfp / ifp) is the one the
 *   JSONL sink keeps in memory, here in columns.
 * - A unit's queued commits are written together (one transaction per flush), in the order they
 *   came, so the engine's pipelined commits keep their order; different units flush in parallel.
 *
 * One process per group: the caller holds the group's advisory lock (db/group-locks.ts) while it
 * commits to it.
 */
import type pg from 'pg'
import { contentFingerprint, hasContent, isEdited, mergeArchivedCopies, mergeMessage, unitKey, type ArchivedMessage } from '../shared/archive-record'
import { applyBatchCoverage, emptyCoverage, type Coverage, type SeqRange } from '../shared/coverage'
import type { RawMessage } from '../shared/tim-types'
import type { ArchiveSink, SyncBatch } from './engine'
import { searchVector } from '../pg-search/document'
import { inTransaction } from '../db/connect'

export interface PgArchiveHooks {
  /** Records of messages new to the archive, once their transaction committed. */
  onAppend?: (recs: ArchivedMessage[]) => void
  /** The first failed transaction: nothing more is committed by this sink. */
  onFailure?: (e: unknown) => void
}

/** The same key jsonl-archive.ts notes a server verdict by. */
function serverNoteKey(p: number, body: unknown): string {
  return JSON.stringify([p, body ?? null])
}

/** Coverage ranges (inclusive) as an int8multirange literal ([lo, hi+1) each). */
export function toMultirange(ranges: SeqRange[]): string {
  return `{${ranges.map(([lo, hi]) => `[${lo},${hi + 1})`).join(',')}}`
}

/** An int8multirange's text back to inclusive ranges. */
export function fromMultirange(text: string): SeqRange[] {
  const out: SeqRange[] = []
  for (const m of text.matchAll(/\[(-?\d+),(-?\d+)\)/g)) out.push([Number(m[1]), Number(m[2]) - 1])
  return out
}

interface Seen {
  fp: string
  sfp?: string | null
  ifp?: string | null
  /** Added in this flush: the record to insert. */
  fresh?: ArchivedMessage
}

interface Update {
  record: ArchivedMessage
  fp: string
  sfp: string | null
  ifp: string | null
}

type QueueItem = ({ batch: SyncBatch; records?: undefined } | { batch?: undefined; records: ArchivedMessage[] }) & {
  resolve: () => void
  reject: (e: unknown) => void
}

export class PgArchive implements ArchiveSink {
  /**
   * A unit's waiting commits go into one transaction per flush (its queue is taken whole), so
   * batches waiting cost memory, not round trips: as the JSON Lines sink, 256 rather than the
   * engine's 32, which stalled the walk whenever a flush waited on the server (pull --db against
   * --out, docs/dev/benchmarks.md).
   */
  readonly maxPendingCommits = 256
  private readonly units = new Map<string, Coverage>()
  /** Per unit: its commits and notes waiting, and its flush loop while one runs. */
  private readonly queues = new Map<string, QueueItem[]>()
  private readonly flushing = new Map<string, Promise<void>>()
  private failed: unknown = null
  /** Units whose last flush met seqs already stored (a recheck): they skip the one-statement try. */
  private readonly merging = new Set<string>()
  /** Messages inserted by this process. */
  appended = 0
  /** Archived messages changed by merges (server-side deletions, recalls, edits, upgrades). */
  changed = 0

  constructor(
    private readonly pool: pg.Pool,
    private readonly hooks: PgArchiveHooks = {}
  ) {}

  /** Notes a group (listed or discovered); idempotent. */
  async addGroups(groupIds: string[]): Promise<void> {
    if (groupIds.length === 0) return
    await this.pool.query(`INSERT INTO tim_archive.groups (group_id) SELECT unnest($1::text[]) ON CONFLICT (group_id) DO NOTHING`, [groupIds])
  }

  /**
   * A unit's coverage as last committed (empty when new), and its row made so commits can update it.
   * Call before syncing the unit.
   */
  async openUnit(groupId: string, topicId?: string): Promise<Coverage> {
    await this.addGroups([groupId])
    await this.pool.query(`INSERT INTO tim_archive.units (group_id, topic_id) VALUES ($1, $2) ON CONFLICT (group_id, topic_id) DO NOTHING`, [
      groupId,
      topicId ?? ''
    ])
    const r = await this.pool.query<{ ranges: string; floor: string | null; top: string }>(
      `SELECT ranges::text AS ranges, floor, top FROM tim_archive.units WHERE group_id = $1 AND topic_id = $2`,
      [groupId, topicId ?? '']
    )
    const row = r.rows[0]
    const cov: Coverage = row
      ? { ranges: fromMultirange(row.ranges), floor: row.floor === null ? null : Number(row.floor), top: Number(row.top) }
      : emptyCoverage()
    this.units.set(unitKey(groupId, topicId), cov)
    return { ranges: cov.ranges.map((x) => [x[0], x[1]]), floor: cov.floor, top: cov.top }
  }

  /** Messages archived: of a group outside its topics, of one topic, or (neither) of all. */
  async messageCount(groupId?: string, topicId?: string): Promise<number> {
    const r = groupId
      ? await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2`, [groupId, topicId ?? ''])
      : await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM tim_archive.messages`)
    return Number(r.rows[0]?.n ?? 0)
  }

  /** The accounts that sent messages in a group (for its people), at most `limit`. */
  async senders(groupId: string, limit: number): Promise<Set<string>> {
    const r = await this.pool.query<{ a: string }>(
      `SELECT DISTINCT from_account AS a FROM tim_archive.messages WHERE group_id = $1 AND from_account IS NOT NULL AND from_account <> '' LIMIT $2`,
      [groupId, limit]
    )
    return new Set(r.rows.map((x) => x.a))
  }

  commit(batch: SyncBatch): Promise<void> {
    if (this.failed) return Promise.reject(this.failed)
    if (!this.units.has(unitKey(batch.groupId, batch.topicId)))
      return Promise.reject(new Error(`commit: ${unitKey(batch.groupId, batch.topicId)} was not opened`))
    return new Promise((resolve, reject) => this.enqueue(unitKey(batch.groupId, batch.topicId), { batch, resolve, reject }))
  }

  /**
   * Records media outcomes (pull --media): each record is the archived one plus `_archive.media`;
   * it is merged into the stored record by the rule two lines of one seq follow
   * (mergeArchivedCopies: no outcome either holds is lost), and each object's outcome is kept in
   * tim_archive.media. In order with commits. A record whose seq is not archived is refused.
   */
  annotate(records: ArchivedMessage[]): Promise<void> {
    if (this.failed) return Promise.reject(this.failed)
    const byUnit = new Map<string, ArchivedMessage[]>()
    for (const r of records) {
      const k = unitKey(r.GroupId, r.TopicId)
      byUnit.set(k, [...(byUnit.get(k) ?? []), r])
    }
    return Promise.all([...byUnit].map(([k, recs]) => new Promise<void>((resolve, reject) => this.enqueue(k, { records: recs, resolve, reject })))).then(
      () => undefined
    )
  }

  /** Every stored record of these groups (their topics included), in key order, read in pages. */
  async forEachRecord(groupIds: string[], fn: (rec: ArchivedMessage) => void): Promise<void> {
    for (const g of groupIds) {
      let topic = ''
      let seq = -1
      for (;;) {
        const r = await this.pool.query<{ topic_id: string; msg_seq: string; record: ArchivedMessage }>(
          `SELECT topic_id, msg_seq, record FROM tim_archive.messages WHERE group_id = $1 AND (topic_id, msg_seq) > ($2, $3)
            ORDER BY topic_id, msg_seq LIMIT 2000`,
          [g, topic, seq]
        )
        for (const row of r.rows) fn(row.record)
        if (r.rows.length < 2000) break
        const last = r.rows[r.rows.length - 1]!
        topic = last.topic_id
        seq = Number(last.msg_seq)
      }
    }
  }

  /** Notes when a group's pull last completed. */
  async markPulled(groupId: string): Promise<void> {
    await this.pool.query(`UPDATE tim_archive.groups SET last_pull_at = now() WHERE group_id = $1`, [groupId])
  }

  /**
   * Each unit has its own queue and flush loop: a unit's commits are written in the order they
   * came (its coverage depends on it), several per transaction when they queue up, while other
   * units' transactions run beside it on the pool's other connections. A transaction touches one
   * unit, so under Citus it stays on one shard.
   */
  private enqueue(key: string, item: QueueItem): void {
    let q = this.queues.get(key)
    if (!q) this.queues.set(key, (q = []))
    q.push(item)
    if (!this.flushing.has(key)) this.flushing.set(key, this.flushLoop(key, q))
  }

  private async flushLoop(key: string, q: QueueItem[]): Promise<void> {
    try {
      while (q.length > 0) {
        const items = q.splice(0)
        try {
          if (this.failed) throw this.failed
          const added = await this.flush(items)
          for (const i of items) i.resolve()
          if (added.length > 0) this.hooks.onAppend?.(added)
        } catch (e) {
          // The transaction rolled back: the in-memory coverage may be ahead of the database, so
          // nothing more is committed by this process (a rerun resumes from what is stored).
          if (!this.failed) {
            this.failed = e
            this.hooks.onFailure?.(e)
          }
          for (const i of items) i.reject(e)
        }
      }
    } finally {
      // In the same turn as the last queue check: a commit queued as soon as the previous one
      // resolves starts a new loop rather than joining one that has ended.
      this.flushing.delete(key)
      if (q.length === 0) this.queues.delete(key)
    }
  }

  /** One transaction: the batches' messages merged in, their units' coverage, and media notes. */
  private async flush(items: QueueItem[]): Promise<ArchivedMessage[]> {
    const now = new Date()
    const batches = items.flatMap((i) => (i.batch ? [i.batch] : []))
    const notes = items.flatMap((i) => i.records ?? [])
    const byUnit = new Map<string, { groupId: string; topicId?: string; batches: SyncBatch[] }>()
    for (const b of batches) {
      const k = unitKey(b.groupId, b.topicId)
      let u = byUnit.get(k)
      if (!u) byUnit.set(k, (u = { groupId: b.groupId, ...(b.topicId ? { topicId: b.topicId } : {}), batches: [] }))
      u.batches.push(b)
    }
    if (notes.length === 0 && byUnit.size === 1) {
      const [key, u] = [...byUnit][0]!
      if (!this.merging.has(key)) {
        const added = await this.flushNew(key, u)
        if (added) return added
        this.merging.add(key)
      }
    }
    const added: ArchivedMessage[] = []
    let changed = 0
    const nextCov = new Map<string, Coverage>()
    await inTransaction(this.pool, async (c) => {
      for (const [key, u] of byUnit) {
        const topic = u.topicId ?? ''
        const msgs: RawMessage[] = u.batches.flatMap((b) => b.messages)
        let cov = nextCov.get(key) ?? this.units.get(key)!
        for (const b of u.batches) cov = applyBatchCoverage(cov, b)
        nextCov.set(key, cov)
        // 1. Every seq as if new: its copies in this flush folded in memory.
        const assumed = new Map<number, Seen>()
        const updates = new Map<number, Update>()
        await this.fold(c, u.groupId, u.topicId, msgs, assumed, updates, now)
        const fresh = [...assumed.values()].filter((x): x is Seen & { fresh: ArchivedMessage } => x.fresh !== undefined)
        // 2. One statement: the new ones inserted (a seq already stored is left alone), the unit's
        //    coverage set, the seqs that were already stored answered (the statement's snapshot is
        //    from before its insert), and the seqs it inserted. All of it is in the flush's transaction.
        const col = rowsToColumns(fresh.map((x) => ({ record: x.fresh, fp: x.fp, sfp: x.sfp ?? null, ifp: x.ifp ?? null })))
        const r = await c.query<{ msg_seq: string; fp: string; sfp: string | null; ifp: string | null; inserted: boolean }>(
          `WITH ins AS (
             INSERT INTO tim_archive.messages (group_id, topic_id, msg_seq, msg_time, from_account, is_place_msg, edited, record, fp, sfp, ifp, first_pulled_at, search)
             SELECT $1, $2, s, t, f, p, e, r::json, fp, sfp, ifp, $12, v
               FROM unnest($3::bigint[], $4::timestamptz[], $5::text[], $6::smallint[], $7::boolean[], $8::text[], $9::text[], $10::text[], $11::text[], $16::tsvector[])
                    AS x(s, t, f, p, e, r, fp, sfp, ifp, v)
             ON CONFLICT (group_id, topic_id, msg_seq) DO NOTHING
             RETURNING msg_seq
           ), cov AS (
             UPDATE tim_archive.units SET ranges = $13::int8multirange, floor = $14, top = $15, last_sync_at = $12 WHERE group_id = $1 AND topic_id = $2
           )
           SELECT msg_seq, fp, sfp, ifp, false AS inserted FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2 AND msg_seq = ANY($3::bigint[])
           UNION ALL SELECT msg_seq, NULL, NULL, NULL, true FROM ins`,
          insertParams(u.groupId, topic, col, now, cov)
        )
        const inserted = new Set<number>()
        const stored = r.rows.filter((row) => (row.inserted ? (inserted.add(Number(row.msg_seq)), false) : true))
        // A seq neither stored before the statement nor inserted by it: another writer (the callback
        // listener, which takes no group lock) committed it meanwhile. Read now (this statement
        // sees that commit), locked, and merged like a stored one, so the pulled copy is not lost.
        const raced = fresh.map((x) => x.fresh.MsgSeq).filter((seq) => !inserted.has(seq) && !stored.some((row) => Number(row.msg_seq) === seq))
        if (raced.length > 0) {
          const again = await c.query<{ msg_seq: string; fp: string; sfp: string | null; ifp: string | null }>(
            `SELECT msg_seq, fp, sfp, ifp FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2 AND msg_seq = ANY($3::bigint[]) FOR UPDATE`,
            [u.groupId, topic, raced]
          )
          stored.push(...again.rows.map((row) => ({ ...row, inserted: false })))
        }
        // While a unit's flushes meet stored seqs (a recheck), they come here straight away.
        if (stored.length === 0) this.merging.delete(key)
        else this.merging.add(key)
        if (stored.length === 0) {
          for (const x of fresh) added.push(x.fresh)
          continue
        }
        // 3. The seqs already stored: their copies merged into the stored records (the shared rule).
        const seen = new Map<number, Seen>()
        for (const row of stored) seen.set(Number(row.msg_seq), { fp: row.fp, sfp: row.sfp, ifp: row.ifp })
        for (const x of fresh) if (!seen.has(x.fresh.MsgSeq)) added.push(x.fresh)
        changed += await this.fold(
          c,
          u.groupId,
          u.topicId,
          msgs.filter((m) => seen.has(m.MsgSeq)),
          seen,
          updates,
          now
        )
        if (updates.size > 0) {
          const col = rowsToColumns([...updates.values()])
          await c.query(
            `UPDATE tim_archive.messages m
                SET msg_time = x.t, from_account = x.f, is_place_msg = x.p, edited = x.e, record = x.r::json, fp = x.fp, sfp = x.sfp, ifp = x.ifp, changed_at = $12, search = x.v
               FROM unnest($3::bigint[], $4::timestamptz[], $5::text[], $6::smallint[], $7::boolean[], $8::text[], $9::text[], $10::text[], $11::text[], $13::tsvector[])
                    AS x(s, t, f, p, e, r, fp, sfp, ifp, v)
              WHERE m.group_id = $1 AND m.topic_id = $2 AND m.msg_seq = x.s`,
            [u.groupId, topic, col.seq, col.time, col.from, col.place, col.edited, col.record, col.fp, col.sfp, col.ifp, now, col.search]
          )
        }
      }
      if (notes.length > 0) await this.writeNotes(c, notes, now)
    })
    for (const [k, cov] of nextCov) this.units.set(k, cov)
    this.appended += added.length
    this.changed += changed
    return added
  }

  /**
   * The common case in one round trip: a flush of one unit whose seqs are all new. One statement,
   * in its own transaction (autocommit), inserts the rows and sets the unit's coverage, but only
   * when none of the seqs is stored yet; otherwise it writes nothing and answers undefined, and
   * the caller runs the full transaction (BEGIN, insert, merges, COMMIT: three round trips). So
   * the rows and the coverage they prove are still committed together, and a kill leaves all of
   * it or none. One pull writes a unit at a time (the group's advisory lock), but the callback
   * listener takes no lock: should it store one of these seqs between the check and the insert,
   * the primary key refuses the insert (nothing of the statement is kept) and the full
   * transaction runs instead, merging the pulled copy into the listener's row.
   */
  private async flushNew(key: string, u: { groupId: string; topicId?: string; batches: SyncBatch[] }): Promise<ArchivedMessage[] | undefined> {
    const now = new Date()
    const msgs: RawMessage[] = u.batches.flatMap((b) => b.messages)
    let cov = this.units.get(key)!
    for (const b of u.batches) cov = applyBatchCoverage(cov, b)
    const assumed = new Map<number, Seen>()
    // No query happens here: every seq is assumed new, so fold only folds copies in memory.
    await this.fold(null, u.groupId, u.topicId, msgs, assumed, new Map(), now)
    const fresh = [...assumed.values()].flatMap((x) => (x.fresh ? [{ record: x.fresh, fp: x.fp, sfp: x.sfp ?? null, ifp: x.ifp ?? null }] : []))
    const col = rowsToColumns(fresh)
    const r = await this.pool
      .query<{ n: string }>(
        `WITH stored AS (
         SELECT 1 FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2 AND msg_seq = ANY($3::bigint[]) LIMIT 1
       ), ins AS (
         INSERT INTO tim_archive.messages (group_id, topic_id, msg_seq, msg_time, from_account, is_place_msg, edited, record, fp, sfp, ifp, first_pulled_at, search)
         SELECT $1, $2, s, t, f, p, e, r::json, fp, sfp, ifp, $12, v
           FROM unnest($3::bigint[], $4::timestamptz[], $5::text[], $6::smallint[], $7::boolean[], $8::text[], $9::text[], $10::text[], $11::text[], $16::tsvector[])
                AS x(s, t, f, p, e, r, fp, sfp, ifp, v)
          WHERE NOT EXISTS (SELECT 1 FROM stored)
       ), cov AS (
         UPDATE tim_archive.units SET ranges = $13::int8multirange, floor = $14, top = $15, last_sync_at = $12
          WHERE group_id = $1 AND topic_id = $2 AND NOT EXISTS (SELECT 1 FROM stored)
       )
       SELECT count(*) AS n FROM stored`,
        insertParams(u.groupId, u.topicId ?? '', col, now, cov)
      )
      .catch((e: unknown) => {
        if ((e as { code?: string }).code === '23505') return null // unique_violation: see above
        throw e
      })
    if (r === null || Number(r.rows[0]!.n) > 0) return undefined
    this.units.set(key, cov)
    const added = fresh.map((x) => x.record)
    this.appended += added.length
    return added
  }

  /**
   * Merges copies of messages, in order, into `seen` (what is stored, or was folded before): a
   * seq not in it is new (its record noted as `fresh`); a copy the quick check cannot rule out goes
   * through mergeMessage with the stored record, and a changed stored row goes to `updates`.
   * Answers how many stored messages changed.
   */
  private async fold(
    c: pg.PoolClient | null,
    groupId: string,
    topicId: string | undefined,
    msgs: RawMessage[],
    seen: Map<number, Seen>,
    updates: Map<number, Update>,
    now: Date
  ): Promise<number> {
    let changed = 0
    for (const m of msgs) {
      const have = seen.get(m.MsgSeq)
      if (!have) {
        const rec = mergeMessage(undefined, m, groupId, now, topicId).record
        seen.set(m.MsgSeq, { fp: contentFingerprint(rec), fresh: rec })
        continue
      }
      const fp = contentFingerprint(m)
      if (fp === have.fp || fp === have.ifp) continue
      if (have.sfp != null && have.sfp === serverNoteKey(m.IsPlaceMsg ?? 0, hasContent(m) ? m.MsgBody : undefined)) continue
      // A different copy of an archived message: the shared merge rule decides.
      let stored = have.fresh ?? updates.get(m.MsgSeq)?.record
      if (!stored) {
        if (!c) throw new Error(`fold: seq ${m.MsgSeq} of ${groupId} is stored, but no transaction is open to read it`)
        // Locked: a callback committed between this read and the update would otherwise be overwritten.
        const r = await c.query<{ record: ArchivedMessage }>(
          `SELECT record FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3 FOR UPDATE`,
          [groupId, topicId ?? '', m.MsgSeq]
        )
        stored = r.rows[0]!.record
      }
      const merged = mergeMessage(stored, m, stored.GroupId, now)
      const server = merged.record._archive?.server
      const next: Seen = { fp: contentFingerprint(merged.record), sfp: server ? serverNoteKey(server.IsPlaceMsg, server.MsgBody) : null }
      const ifp = contentFingerprint(m)
      next.ifp = ifp !== next.fp ? ifp : null
      if (have.fresh) {
        seen.set(m.MsgSeq, { ...next, fresh: merged.record })
        continue
      }
      if (merged.outcome !== 'unchanged') changed++
      if (merged.outcome !== 'unchanged' || next.fp !== have.fp || next.sfp !== (have.sfp ?? null) || next.ifp !== (have.ifp ?? null)) {
        updates.set(m.MsgSeq, { record: merged.record, fp: next.fp, sfp: next.sfp ?? null, ifp: next.ifp ?? null })
      }
      seen.set(m.MsgSeq, next)
    }
    return changed
  }

  /** Media notes into the stored records and tim_archive.media, inside the flush's transaction. */
  private async writeNotes(c: pg.PoolClient, notes: ArchivedMessage[], now: Date): Promise<void> {
    for (const rec of notes) {
      const topic = rec.TopicId ?? ''
      const r = await c.query<{ record: ArchivedMessage }>(
        `SELECT record FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3 FOR UPDATE`,
        [rec.GroupId, topic, rec.MsgSeq]
      )
      const stored = r.rows[0]?.record
      if (!stored) throw new Error(`annotate: ${rec.GroupId} seq ${rec.MsgSeq} is not archived`)
      const merged = mergeArchivedCopies(stored, rec, now)
      await c.query(`UPDATE tim_archive.messages SET record = $4::json WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3`, [
        rec.GroupId,
        topic,
        rec.MsgSeq,
        JSON.stringify(merged)
      ])
      const media = merged._archive?.media ?? {}
      const keys = Object.keys(media)
      if (keys.length === 0) continue
      await c.query(
        `INSERT INTO tim_archive.media (group_id, topic_id, msg_seq, object_key, status, sha256, outcome, recorded_at)
         SELECT $1, $2, $3, k, s, h, o::json, $8 FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS x(k, s, h, o)
         ON CONFLICT (group_id, topic_id, msg_seq, object_key)
         DO UPDATE SET status = excluded.status, sha256 = excluded.sha256, outcome = excluded.outcome, recorded_at = excluded.recorded_at`,
        [
          rec.GroupId,
          topic,
          rec.MsgSeq,
          keys,
          keys.map((k) => String(media[k]!.status)),
          keys.map((k) => (typeof media[k]!.sha256 === 'string' ? (media[k]!.sha256 as string) : null)),
          keys.map((k) => JSON.stringify(media[k])),
          now
        ]
      )
    }
  }

  /** Waits for every queued commit. Throws the first failure. */
  async drain(): Promise<void> {
    while (this.flushing.size > 0) await Promise.all([...this.flushing.values()])
    if (this.failed) throw this.failed
  }
}

/** The columns of rows to insert or update, as arrays for unnest. */
/**
 * The parameters of the flush statements' insert: $1 group, $2 topic, $3–$11 the rows' columns
 * (rowsToColumns), $12 now, $13–$15 the unit's coverage, $16 the search column.
 */
function insertParams(groupId: string, topic: string, col: ReturnType<typeof rowsToColumns>, now: Date, cov: Coverage): unknown[] {
  return [
    groupId,
    topic,
    col.seq,
    col.time,
    col.from,
    col.place,
    col.edited,
    col.record,
    col.fp,
    col.sfp,
    col.ifp,
    now,
    toMultirange(cov.ranges),
    cov.floor,
    cov.top,
    col.search
  ]
}

function rowsToColumns(rows: { record: ArchivedMessage; fp: string; sfp: string | null; ifp: string | null }[]) {
  const col = {
    seq: [] as number[],
    time: [] as (string | null)[],
    from: [] as (string | null)[],
    place: [] as number[],
    edited: [] as boolean[],
    record: [] as string[],
    fp: [] as string[],
    sfp: [] as (string | null)[],
    ifp: [] as (string | null)[],
    /** The search column (pg-search/document.ts), as tsvector text. */
    search: [] as string[]
  }
  for (const r of rows) {
    const rec = r.record
    col.seq.push(rec.MsgSeq)
    const ts = rec.MsgTimeStamp
    col.time.push(typeof ts === 'number' && ts >= 0 && ts <= 253402300799 ? new Date(ts * 1000).toISOString() : null)
    col.from.push(typeof rec.From_Account === 'string' ? rec.From_Account : null)
    col.place.push(typeof rec.IsPlaceMsg === 'number' ? rec.IsPlaceMsg : 0)
    col.edited.push(isEdited(rec))
    col.record.push(JSON.stringify(rec))
    col.fp.push(r.fp)
    col.sfp.push(r.sfp)
    col.ifp.push(r.ifp)
    col.search.push(searchVector(rec))
  }
  return col
}
