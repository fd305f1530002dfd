/**
 * The search index (lib/search/index/: its layout, merges and costs), kept in step with the
 * messages as they are written. Each group's index bookkeeping lives in its group row (`index`).
 */
import type { Transaction } from 'dexie'
import { deleteGroupPostings, emptyIndexState, GroupIndexDiff, indexArchive, writePostings, type PostingRow, type PostingsStore } from '@renderer/lib/search'
import type { Projection } from './projection'

function store(tx: Transaction): PostingsStore {
  return { postings: tx.table<PostingRow, [number, string, number]>('postings'), tx }
}

export const searchProjection: Projection = {
  name: 'search',
  tables: ['postings'],

  async apply(tx, changes, options = {}) {
    for (const g of changes) {
      // What the index holds changes from the record stored before this write to the final one.
      const diff = new GroupIndexDiff(options.search?.stats)
      for (const m of g.messages) diff.record(m.seq, m.before, m.after)
      g.group.index = await writePostings(store(tx), g.gk, g.group.index ?? emptyIndexState(), diff, options.search)
    }
  },

  /** Drops every postings row and each group's index state, and indexes every archived message (lib/search/index/reindex.ts). */
  rebuild(tx, options = {}) {
    return indexArchive(tx, { ...options.search, rebuild: true, onProgress: options.onProgress })
  },

  async forget(tx, gk) {
    await deleteGroupPostings(store(tx), gk)
  }
}
