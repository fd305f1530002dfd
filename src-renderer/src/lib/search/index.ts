/**
 * The app's search: `search(request)` answers from the inverted index (placeholder: the scan until
 * the index lands). See types.ts for the contract.
 */
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { scanSearch } from './scan'
import type { SearchOutcome, SearchRequest } from './types'

export type { SearchHit, SearchOutcome, SearchRequest, SearchRun } from './types'

export function search(req: SearchRequest, db: AppDB = appDb): Promise<SearchOutcome> {
  return scanSearch(req, db)
}
