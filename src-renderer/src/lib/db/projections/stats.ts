/**
 * The group statistics (GroupRow.stats, app-db.ts): messages archived, placeholders, messages the
 * server removed later, system messages, and the time span. They live in the group row, so the
 * sidebar and the health report read them without touching the messages.
 */
import type { Transaction } from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { emptyStats, type GroupRow, type GroupStats, type MessageRow } from '../app-db'
import { pages } from '../pager'
import type { Projection } from './projection'

/** Messages read per step of a rebuild. */
const PAGE = 2000

interface Contribution {
  deleted: number
  recalled: number
  removedLater: number
  system: number
}

function contribution(m: ArchivedMessage): Contribution {
  return {
    deleted: m.IsPlaceMsg === 1 ? 1 : 0,
    recalled: m.IsPlaceMsg === 2 ? 1 : 0,
    removedLater: m._archive?.server ? 1 : 0,
    system: m.IsSystemMsg === 1 ? 1 : 0
  }
}

function applyToStats(stats: GroupStats, before: ArchivedMessage | undefined, after: ArchivedMessage): void {
  if (before) {
    const c = contribution(before)
    stats.deleted -= c.deleted
    stats.recalled -= c.recalled
    stats.removedLater -= c.removedLater
    stats.system -= c.system
  } else {
    stats.messages += 1
  }
  const c = contribution(after)
  stats.deleted += c.deleted
  stats.recalled += c.recalled
  stats.removedLater += c.removedLater
  stats.system += c.system
  const time = Number(after.MsgTimeStamp)
  if (Number.isFinite(time) && time > 0) {
    stats.firstTime = stats.firstTime === 0 ? time : Math.min(stats.firstTime, time)
    stats.lastTime = Math.max(stats.lastTime, time)
  }
}

export const statsProjection: Projection = {
  name: 'stats',
  tables: [],

  // Merge by merge, as they happened: a seq merged twice in one write counts both steps' times.
  async apply(_tx, changes) {
    for (const g of changes) for (const step of g.steps) applyToStats(g.group.stats, step.before, step.after)
  },

  async rebuild(tx: Transaction) {
    const groups = tx.table<GroupRow, string>('groups')
    const messages = tx.table<MessageRow, [string, number]>('messages')
    for (const gk of (await groups.toCollection().primaryKeys()) as string[]) {
      const stats = emptyStats()
      for await (const page of pages(messages, gk, { size: PAGE })) for (const row of page) applyToStats(stats, undefined, row.raw)
      await groups.update(gk, { stats })
    }
  },

  // The statistics go with the group row.
  async forget() {}
}
