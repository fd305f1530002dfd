/**
 * Indexing what is already archived: the schema upgrade to v6 (app-db.ts) runs this inside its
 * upgrade transaction, so an archive synced or imported before search existed (or indexed in an
 * older layout) becomes searchable on the first launch of the new version, all or nothing: if the
 * upgrade fails, IndexedDB keeps the database as it was.
 */
import type { Table, Transaction } from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { pages } from '@renderer/lib/db/pager'
import { GroupIndexDiff } from './diff'
import { emptyIndexState, type IndexState, type PostingRow } from './layout'
import { writePostings, type PostingsOptions, type PostingsStore } from './store'

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

/** How far the indexing of an upgrade has come (messages). */
export interface ReindexProgress {
  done: number
  total: number
}

export interface ReindexOptions extends PostingsOptions {
  /** Drop every postings row and each group's index state first, and index from scratch. */
  rebuild?: boolean
  /** Hears the progress at the start and after each step, then null when the indexing ends. */
  onProgress?: (progress: ReindexProgress | null) => void
}

export async function indexArchive(tx: Transaction, options: ReindexOptions = {}): Promise<void> {
  const groups = tx.table<StoredGroup, string>('groups')
  const messages = tx.table<StoredMessage, [string, number]>('messages')
  const store = { postings: tx.table<PostingRow, [number, string, number]>('postings'), tx }
  const progress = { done: 0, total: await messages.count() }
  options.onProgress?.({ ...progress })
  try {
    await indexAll(groups, messages, store, options, progress)
  } finally {
    options.onProgress?.(null)
  }
}

async function indexAll(
  groups: Table<StoredGroup, string>,
  messages: Table<StoredMessage, [string, number]>,
  store: PostingsStore,
  options: ReindexOptions,
  progress: ReindexProgress
): Promise<void> {
  if (options.rebuild) await store.postings.clear()
  for (const group of await groups.toArray()) {
    let state = (!options.rebuild && group.index) || emptyIndexState()
    for await (const page of pages(messages, group.gk, { size: PAGE })) {
      if (page.length === 0) break
      const diff = new GroupIndexDiff(options.stats)
      for (const row of page) diff.record(row.seq, undefined, row.raw)
      state = await writePostings(store, group.gk, state, diff, options)
      progress.done += page.length
      options.onProgress?.({ ...progress })
    }
    await groups.update(group.gk, { index: state })
  }
}

/**
 * The indexing of a schema upgrade, for the screen shown while the archive opens (an upgrade of a
 * large archive takes minutes, inside IndexedDB's open, which nothing else in the page can follow).
 * AppDB's upgrade hands reportReindex to indexArchive as its onProgress; the App subscribes.
 */
let reindexing: ReindexProgress | null = null
const listeners = new Set<(progress: ReindexProgress | null) => void>()

/** Hears an upgrade's indexing: at once (null when none runs), at each step, and null at the end. Returns the unsubscribe. */
export function subscribeReindex(listener: (progress: ReindexProgress | null) => void): () => void {
  listeners.add(listener)
  listener(reindexing)
  return () => listeners.delete(listener)
}

/** Passes an upgrade's progress on to the subscribers. */
export function reportReindex(progress: ReindexProgress | null): void {
  reindexing = progress
  for (const listener of listeners) listener(progress)
}
