/**
 * Indexing what is already archived: the schema upgrade to v6 (app-db.ts) runs this inside its
 * upgrade transaction, so an archive synced or imported before search existed (or indexed in an
 * older layout) becomes searchable on the first launch of the new version, all or nothing: if the
 * upgrade fails, IndexedDB keeps the database as it was.
 */
import Dexie, { type Table, type Transaction } from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { emptyIndexState, GroupIndexDiff, writePostings, type IndexState, type PostingRow, type PostingsStore } from './postings'

/** Messages read and indexed per step (one fold into bucket rows each). */
const PAGE = 2000

interface StoredGroup {
  gk: string
  index?: IndexState
}
interface StoredMessage {
  gk: string
  seq: number
  raw: ArchivedMessage
}

/**
 * How far the indexing of an upgrade has come (messages), for the screen shown while the archive
 * opens: an upgrade of a large archive takes minutes.
 */
export const reindexProgress = { active: false, done: 0, total: 0 }

/** `rebuild`: drop every postings row and each group's index state first, and index from scratch. */
export async function indexArchive(tx: Transaction, options: { rebuild?: boolean } = {}): Promise<void> {
  const groups = tx.table<StoredGroup, string>('groups')
  const messages = tx.table<StoredMessage, [string, number]>('messages')
  const store = { postings: tx.table<PostingRow, [number, string, number]>('postings'), tx }
  Object.assign(reindexProgress, { active: true, done: 0, total: await messages.count() })
  try {
    await indexAll(groups, messages, store, options)
  } finally {
    reindexProgress.active = false
  }
}

async function indexAll(
  groups: Table<StoredGroup, string>,
  messages: Table<StoredMessage, [string, number]>,
  store: PostingsStore,
  options: { rebuild?: boolean }
): Promise<void> {
  if (options.rebuild) await store.postings.clear()
  for (const group of await groups.toArray()) {
    let state = (!options.rebuild && group.index) || emptyIndexState()
    let after: number | typeof Dexie.minKey = Dexie.minKey
    for (;;) {
      const page = await messages.where('[gk+seq]').between([group.gk, after], [group.gk, Dexie.maxKey], false, true).limit(PAGE).toArray()
      if (page.length === 0) break
      const diff = new GroupIndexDiff()
      for (const row of page) diff.record(row.seq, undefined, row.raw)
      state = await writePostings(store, group.gk, state, diff)
      reindexProgress.done += page.length
      after = page[page.length - 1]!.seq
    }
    await groups.update(group.gk, { index: state })
  }
}
