/**
 * The app's search: `search(request)` answers from the inverted index (index-search.ts), kept in
 * the same transactions as the messages (postings.ts). See types.ts for the contract; scan.ts is
 * the reference it is tested against.
 */
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { indexSearch } from './index-search'
import type { SearchOutcome, SearchRequest } from './types'

export type { SearchHit, SearchOutcome, SearchRequest, SearchRun } from './types'

export function search(req: SearchRequest, db: AppDB = appDb): Promise<SearchOutcome> {
  return indexSearch(req, db)
}
