/**
 * A projection is a view the store derives from the archived messages and keeps in step with them:
 * the group statistics, the charts' activity counts, the search index, the media list (projections/index.ts lists
 * them). The write path (archive-repo.ts writeGroups) merges the messages, updates the coverage and
 * the group row, and hands what changed to each projection's `apply`, in the same transaction, so a
 * projection is never out of step with the messages it describes. `rebuild` derives the whole view
 * again from the messages (schema upgrades, app-db.ts); `forget` removes one group's part of it
 * (deleting a group, delete-group.ts).
 *
 * A projection awaits nothing but Dexie: the transaction must not auto-commit half-way. It reads and
 * writes its tables through `tx.table(name)`, which works in a write transaction and in an upgrade
 * transaction (which keeps no Dexie zone across awaits) alike.
 */
import type { Transaction } from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import type { PostingsOptions, ReindexProgress } from '@renderer/lib/search'
import type { GroupRow } from '../app-db'

/** The projections, by name (the order of projections/index.ts is the order they run in). */
export type ProjectionName = 'stats' | 'activity' | 'search' | 'media'

/** One seq a write changed: the record stored before the write (if any) and the one stored after it. */
export interface MessageChange {
  seq: number
  before: ArchivedMessage | undefined
  after: ArchivedMessage
}

/** One merge that changed a record, in write order (a seq repeated within one write merges more than once). */
export interface MergeStep {
  before: ArchivedMessage | undefined
  after: ArchivedMessage
}

/** What one write changed in one group. */
export interface GroupChanges {
  gk: string
  /**
   * The group row as the write will store it once every projection has run: a projection that
   * keeps state per group in it (stats, the search index's state) updates it here.
   */
  group: GroupRow
  /** Each changed seq once, in the order it first changed. */
  messages: MessageChange[]
  /** Every merge that changed a record, in order. */
  steps: MergeStep[]
}

/** What a caller hands the projections: only tests and benchmarks pass anything. */
export interface ProjectionOptions {
  /** The search index's tuning and the stats its writes fill (tests, bench:search). */
  search?: PostingsOptions
  /** Hears a rebuild's progress (the search index's, shown by the App during a schema upgrade). */
  onProgress?: (progress: ReindexProgress | null) => void
}

export interface Projection {
  readonly name: ProjectionName
  /** The tables it writes besides `groups` (the write's and the deletion's transactions include them). */
  readonly tables: readonly string[]
  /** Brings the view in step with one write's changes. */
  apply(tx: Transaction, changes: readonly GroupChanges[], options?: ProjectionOptions): Promise<void>
  /** Derives the whole view again from the archived messages, replacing what it held. */
  rebuild(tx: Transaction, options?: ProjectionOptions): Promise<void>
  /** Removes one group's part of the view (the group is being deleted). */
  forget(tx: Transaction, gk: string): Promise<void>
}
