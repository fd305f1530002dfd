/**
 * The listener's sink in the team archive's PostgreSQL (schema: src-main/db/migrations.ts; the
 * listener's two tables are migration 3). One transaction per callback:
 * 1. the callback's key (sha256 of its command and body) into `callback_events`: already there means
 *    a replay or a repeat, and nothing else is done;
 * 2. each message it names read with FOR UPDATE, changed by the merge rule (apply.ts applyEvent),
 *    written back into `messages` (the same row `pull --db` writes: record, and the columns read
 *    from it); a modify or recall for a message not archived yet goes to `callback_waiting`, and is
 *    applied when the message's send arrives;
 * 3. COMMIT, and only then does the listener answer OK.
 * It never writes coverage (`units.ranges`): only group_msg_get_simple proves a range complete, so
 * the scheduled `pull --db` still fills whatever the listener missed. A row the listener writes gets
 * its quick-check fingerprints cleared (fp recomputed, sfp / ifp null), so the next pull merges
 * instead of trusting a stale check.
 */
import { searchVector } from '../pg-search/document'
import { inTransaction } from '../db/connect'
import type pg from 'pg'
import { contentFingerprint, isEdited, type ArchivedMessage } from '../shared/archive-record'
import { applyEvent, type ApplyStore, type PendingChange } from './apply'
import type { ApplyInput, ApplyOutcome, CallbackSink } from './sink'

/**
 * Worth one more try: a unique violation (a pull inserted the same new message at the same
 * instant), a deadlock or a serialization failure (PostgreSQL aborted this transaction in favour of
 * another). The retry reads what the other committed and merges it.
 */
const retryable = new Set(['23505', '40P01', '40001'])

export class PgCallbackSink implements CallbackSink {
  constructor(private readonly pool: pg.Pool) {}

  async apply(input: ApplyInput): Promise<ApplyOutcome> {
    // A pull inserting the same new message at the same instant makes our INSERT collide: the
    // transaction is retried, and then reads and merges the pulled row.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyOnce(input)
      } catch (e) {
        if (!retryable.has((e as { code?: string }).code ?? '') || attempt >= 3) throw e
      }
    }
  }

  private async applyOnce({ event, key, receivedAt }: ApplyInput): Promise<ApplyOutcome> {
    return inTransaction(this.pool, async (c) => {
      const topic = event.topicId ?? ''
      const seqs = event.command === 'Group.CallbackAfterRecallMsg' ? event.seqs : [event.seq]
      const seen = await c.query(
        `INSERT INTO tim_archive.callback_events (group_id, event_key, command, topic_id, msg_seqs, event_time, received_at)
         VALUES ($1, $2, $3, $4, $5::bigint[], $6, $7) ON CONFLICT (group_id, event_key) DO NOTHING`,
        [event.groupId, key, event.command, topic, seqs, new Date(event.eventTimeMs), receivedAt]
      )
      if (seen.rowCount === 0) {
        return { duplicate: true, written: 0, waiting: 0 }
      }
      await c.query(`INSERT INTO tim_archive.groups (group_id) VALUES ($1) ON CONFLICT (group_id) DO NOTHING`, [event.groupId])
      await c.query(`INSERT INTO tim_archive.units (group_id, topic_id) VALUES ($1, $2) ON CONFLICT (group_id, topic_id) DO NOTHING`, [event.groupId, topic])
      const stored = new Set<number>()
      const store: ApplyStore = {
        get: async (g, t, s) => {
          const r = await c.query<{ record: ArchivedMessage }>(
            `SELECT record FROM tim_archive.messages WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3 FOR UPDATE`,
            [g, t ?? '', s]
          )
          const rec = r.rows[0]?.record
          if (rec) stored.add(s)
          return rec
        },
        put: async (rec) => {
          const row = columns(rec)
          if (stored.has(rec.MsgSeq)) {
            await c.query(
              `UPDATE tim_archive.messages SET msg_time = $4, from_account = $5, is_place_msg = $6, edited = $7, record = $8::json, fp = $9, sfp = NULL, ifp = NULL, changed_at = $10, search = $11::tsvector
                WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3`,
              [rec.GroupId, rec.TopicId ?? '', rec.MsgSeq, row.time, row.from, row.place, row.edited, row.record, row.fp, receivedAt, searchVector(rec)]
            )
          } else {
            await c.query(
              `INSERT INTO tim_archive.messages (group_id, topic_id, msg_seq, msg_time, from_account, is_place_msg, edited, record, fp, first_pulled_at, search)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json, $9, $10, $11::tsvector)`,
              [rec.GroupId, rec.TopicId ?? '', rec.MsgSeq, row.time, row.from, row.place, row.edited, row.record, row.fp, receivedAt, searchVector(rec)]
            )
            stored.add(rec.MsgSeq)
          }
        },
        waiting: async (g, t, s) => {
          const r = await c.query<{ change: PendingChange }>(
            `SELECT change FROM tim_archive.callback_waiting WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3 ORDER BY event_key`,
            [g, t ?? '', s]
          )
          return r.rows.map((x) => x.change)
        },
        wait: async (g, t, s, change) => {
          await c.query(
            `INSERT INTO tim_archive.callback_waiting (group_id, topic_id, msg_seq, event_key, change) VALUES ($1, $2, $3, $4, $5::json)
             ON CONFLICT (group_id, topic_id, msg_seq, event_key) DO NOTHING`,
            [g, t ?? '', s, key, JSON.stringify(change)]
          )
        },
        applied: async (g, t, s) => {
          await c.query(`DELETE FROM tim_archive.callback_waiting WHERE group_id = $1 AND topic_id = $2 AND msg_seq = $3`, [g, t ?? '', s])
        }
      }
      const r = await applyEvent(store, event, receivedAt)
      return { duplicate: false, ...r }
    })
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {})
  }
}

/** The columns `messages` keeps beside the record (as pg-archive.ts fills them). */
function columns(rec: ArchivedMessage): { time: string | null; from: string | null; place: number; edited: boolean; record: string; fp: string } {
  const ts = rec.MsgTimeStamp
  return {
    time: typeof ts === 'number' && ts >= 0 && ts <= 253402300799 ? new Date(ts * 1000).toISOString() : null,
    from: typeof rec.From_Account === 'string' ? rec.From_Account : null,
    place: typeof rec.IsPlaceMsg === 'number' ? rec.IsPlaceMsg : 0,
    edited: isEdited(rec),
    record: JSON.stringify(rec),
    fp: contentFingerprint(rec)
  }
}
