/**
 * The app's search, and the one door to it: everything outside lib/search imports from here.
 * - index/: the inverted index, kept in the same transactions as the messages (terms, codec,
 *   layout, diff, rows, store) and rebuilt by a schema upgrade (reindex);
 * - query/: answering a SearchRequest from it (prepare, plan, lookup, lists, ranked, runs, search),
 *   and the reference scan it is tested against (scan).
 * See query/types.ts for the contract the UI uses.
 */
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { indexSearch } from './query/search'
import type { SearchOutcome, SearchRequest } from './query/types'

export type { SearchHit, SearchOutcome, SearchRequest, SearchRun } from './query/types'

export function search(req: SearchRequest, db: AppDB = appDb): Promise<SearchOutcome> {
  return indexSearch(req, db)
}

// The query engine, the reference scan, and what benchmarks and tests pass in and read back.
export { indexSearch, type SearchOptions } from './query/search'
export type { SearchReadStats } from './query/lookup'
export { scanSearch } from './query/scan'
export { newestFirst, prepareSearch } from './query/prepare'

// The index: what the store's write path, its schema, a group's deletion and the App use.
export { bucketAt, defaultTuning, emptyIndexState, LEVELS, type IndexState, type PostingRow, type PostingsTuning } from './index/layout'
export { GroupIndexDiff } from './index/diff'
export { deleteGroupPostings, newIndexWriteStats, writePostings, type IndexWriteStats, type PostingsOptions, type PostingsStore } from './index/store'
export { indexArchive, reportReindex, subscribeReindex, type ReindexProgress } from './index/reindex'
// For tests that write rows of an old layout by hand.
export { offsetsText } from './index/codec'
export { termPosition } from './index/terms'
