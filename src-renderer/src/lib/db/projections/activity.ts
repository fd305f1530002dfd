/**
 * The charts' activity counts (db/activity.ts: the rows, what counts, and how the charts read them),
 * kept in step with the messages as they are written.
 */
import type { Transaction } from 'dexie'
import Dexie from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { ActivityDiff, countable, writeActivity, type ActivityKey, type ActivityRow, type ActivityStore } from '../activity'
import { deleteRange } from '../delete-range'
import { pages } from '../pager'
import type { Projection } from './projection'

/** Messages read per step when building the aggregates from the stored messages. */
const PAGE = 2000

function store(tx: Transaction): ActivityStore {
  return { activity: tx.table<ActivityRow, ActivityKey>('activity') }
}

export const activityProjection: Projection = {
  name: 'activity',
  tables: ['activity'],

  // Cost at ingest: one bulkGet + one bulkPut per group (db/activity.ts).
  async apply(tx, changes) {
    for (const g of changes) {
      // A seq counts once, when it is first stored with content: from the record stored before
      // this write to the final one.
      const diff = new ActivityDiff()
      for (const m of g.messages) diff.record(m.before, m.after)
      await writeActivity(store(tx), g.gk, diff)
    }
  },

  /**
   * Builds every group's aggregates from the messages already archived (the schema upgrade to v3,
   * app-db.ts, runs it inside its upgrade transaction: an archive from before the charts gets them
   * on the first launch of the new version, all or nothing).
   */
  async rebuild(tx) {
    const groups = tx.table<{ gk: string }, string>('groups')
    const messages = tx.table<{ gk: string; seq: number; raw: ArchivedMessage }, [string, number]>('messages')
    await store(tx).activity.clear()
    for (const gk of (await groups.toCollection().primaryKeys()) as string[]) {
      const diff = new ActivityDiff()
      for await (const page of pages(messages, gk, { size: PAGE })) for (const row of page) if (countable(row.raw)) diff.add(row.raw)
      // The increments of a whole group stay small (one entry per hour and sender), so one write.
      await writeActivity(store(tx), gk, diff)
    }
  },

  // Every [gk, kind, key]: [gk] sorts before them all, [gk, maxKey] after (maxKey twice in one key
  // would be the same object twice, which IndexedDB refuses).
  forget(tx, gk) {
    return deleteRange(tx, 'activity', [gk], [gk, Dexie.maxKey])
  }
}
