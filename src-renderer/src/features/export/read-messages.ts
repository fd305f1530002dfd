/**
 * Reads the messages of an export from the store, in order (each group by seq), filtered by the
 * search language, in chunks small enough for one export:write (under ~700 KB of JSON, the web
 * transport's 1 MB body limit with room to spare). One Dexie read per page and no transaction is
 * held across the IPC round trip: the caller awaits the host between chunks.
 */
import { compileQuery, isQueryError, parseQuery, type Clause, type QueryError } from '@shared/search/query'
import type { ArchivedMessage } from '@shared/archive-record'
import { db } from '@renderer/lib/db/app-db'
import { pages } from '@renderer/lib/db/pager'

export interface ExportSelection {
  /** Group keys (`${workspaceId}|${groupId}`), in export order. */
  gks: string[]
  /** The search language ('' for all). */
  query: string
  /** Inclusive first and last day, YYYY-MM-DD, in local time. */
  from?: string
  to?: string
}

const pageRows = 1000
const maxChunkChars = 700_000

/**
 * The selection's query: the user's text plus the date range as clauses. "From D" is `-before:D`
 * and "to D" is `-after:D` (both days included).
 */
export function selectionClauses(sel: ExportSelection): Clause[] | QueryError {
  const parts: Clause[] = []
  for (const [text, label] of [
    [sel.query, ''],
    [sel.from ? `-before:${sel.from}` : '', 'from'],
    [sel.to ? `-after:${sel.to}` : '', 'to']
  ] as const) {
    if (!text) continue
    const q = parseQuery(text)
    if (isQueryError(q)) return label ? { ...q, at: -1 } : q
    parts.push(...q.clauses)
  }
  return parts
}

/** How many messages the selection holds (one pass, reading only; for progress and ETA). */
export async function countSelection(sel: ExportSelection, keep: (m: ArchivedMessage) => boolean, signal?: AbortSignal): Promise<number> {
  let n = 0
  for await (const chunk of readSelection(sel, keep, signal)) n += chunk.length
  return n
}

export async function* readSelection(sel: ExportSelection, keep: (m: ArchivedMessage) => boolean, signal?: AbortSignal): AsyncGenerator<ArchivedMessage[]> {
  let out: ArchivedMessage[] = []
  let chars = 0
  for (const gk of sel.gks) {
    for await (const rows of pages(db.messages, gk, { size: pageRows, signal })) {
      for (const r of rows) {
        if (!keep(r.raw)) continue
        const size = JSON.stringify(r.raw).length
        if (out.length > 0 && (chars + size > maxChunkChars || out.length >= pageRows)) {
          yield out
          out = []
          chars = 0
        }
        out.push(r.raw)
        chars += size
      }
    }
    if (signal?.aborted) return
  }
  if (out.length) yield out
}

export function compileSelection(clauses: Clause[]): (m: ArchivedMessage) => boolean {
  // Dates in the user's local time, as the app shows them.
  return compileQuery({ clauses }, { timeZoneOffsetMinutes: -new Date().getTimezoneOffset() })
}
