/**
 * Writing to the archive. Every write is ONE Dexie read-write transaction over messages, coverage,
 * groups and what the store derives from the messages (projections/: the group statistics, the
 * charts' counts, the search index): the messages, the coverage they complete and the derived views
 * land together or not at all. Coverage is the sync checkpoint, so a half-written batch (messages without coverage,
 * or coverage without messages) must never exist: a crash or a full disk aborts the whole batch and
 * the next sync pulls it again.
 *
 * Merge rule (shared/archive-record.ts): archived content is never replaced by less. Only records
 * whose merge outcome is 'new', 'upgraded' or 'server-changed' are written.
 *
 * Nothing here awaits anything but Dexie inside a transaction: awaiting IPC or fetch would let
 * IndexedDB auto-commit the transaction half-way (Dexie docs, "Transaction scope").
 */
import { mergeMessage, type ArchivedMessage, type MergeOutcome } from '@shared/archive-record'
import { applyBatchCoverage, emptyCoverage, type Coverage, type SeqRange } from '@shared/coverage'
import type { GroupProfile } from '@shared/ipc/contract'
import type { RawMessage } from '@shared/tim-types'
import type { Transaction } from 'dexie'
import type { PostingsOptions } from '@renderer/lib/search'
import { db as appDb, emptyStats, type AppDB, type CoverageRow, type GroupRow, type MessageRow, type TopicOf } from './app-db'
import { groupIdOf, unitOfKey, workspaceOfKey } from './group-key'
import { onReadStart, readsSettled, readsWaiting } from './read-priority'
import { projectionTables, selectProjections, type GroupChanges, type ProjectionName } from './projections'

/** What a sync batch carries for the store (SyncBatchEvent without the run bookkeeping). */
export interface BatchInput {
  messages: RawMessage[]
  range: SeqRange | null
  floor?: number
  top?: number
}

export interface CommitCounts {
  new: number
  upgraded: number
  serverChanged: number
  unchanged: number
}

export function zeroCounts(): CommitCounts {
  return { new: 0, upgraded: 0, serverChanged: 0, unchanged: 0 }
}

export function addCounts(a: CommitCounts, b: CommitCounts): CommitCounts {
  return {
    new: a.new + b.new,
    upgraded: a.upgraded + b.upgraded,
    serverChanged: a.serverChanged + b.serverChanged,
    unchanged: a.unchanged + b.unchanged
  }
}

/**
 * The archive could not be written; nothing of the failed write was kept. `reason` 'quota' means
 * the disk or the browser's storage quota is full; the UI shows its own translation of it.
 */
export class ArchiveWriteError extends Error {
  override name = 'ArchiveWriteError'
  constructor(
    readonly reason: 'quota' | 'other',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

function errorChain(e: unknown): { name?: string; message?: string }[] {
  const out: { name?: string; message?: string }[] = []
  let cur: unknown = e
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur as { name?: string; message?: string })
    const c = cur as { inner?: unknown; cause?: unknown }
    cur = c.inner ?? c.cause
  }
  return out
}

/** Dexie wraps IndexedDB's QuotaExceededError (sometimes inside an AbortError's `inner`). */
export function isQuotaError(e: unknown): boolean {
  return errorChain(e).some((x) => x.name === 'QuotaExceededError' || /quota/i.test(x.message ?? ''))
}

export function toWriteError(e: unknown): ArchiveWriteError {
  if (e instanceof ArchiveWriteError) return e
  if (isQuotaError(e)) {
    return new ArchiveWriteError(
      'quota',
      'The archive could not be written: the disk or browser storage is full. Free some space, then sync again. Nothing from this batch was saved.',
      { cause: e }
    )
  }
  const chain = errorChain(e)
  const detail = chain.map((x) => x.message).find((m) => m) ?? String(e)
  return new ArchiveWriteError('other', `The archive could not be written: ${detail}. Nothing from this batch was saved.`, { cause: e })
}

type Merge = (existing: ArchivedMessage | undefined, incoming: RawMessage, groupId: string, seenAt: Date) => { record: ArchivedMessage; outcome: MergeOutcome }

/** One group's part of a write. */
export interface GroupWrite {
  gk: string
  workspaceId: string
  groupId: string
  messages: RawMessage[]
  /** The coverage after this write, from the coverage before it. */
  coverage: (before: Coverage) => Coverage
  merge: Merge
  /** Profile for a group row that does not exist yet. */
  profileIfMissing: GroupProfile
  /** For a Community topic's row that does not exist yet: its group and name (GroupRow.topic). */
  topicIfMissing?: TopicOf
}

function toRow(gk: string, record: ArchivedMessage): MessageRow {
  const time = Number(record.MsgTimeStamp)
  return {
    gk,
    seq: record.MsgSeq,
    time: Number.isFinite(time) ? time : 0,
    from: typeof record.From_Account === 'string' ? record.From_Account : String(record.From_Account ?? ''),
    raw: record
  }
}

function validSeq(m: RawMessage): boolean {
  return Number.isSafeInteger(m.MsgSeq) && m.MsgSeq >= 1
}

export interface WriteOptions {
  now?: Date
  /**
   * The projections kept in step, in the same transaction (projections/index.ts); default all.
   * Fewer only for a benchmark's baseline (bench:search without 'search', bench:charts without
   * 'activity'): a store written so is out of step with the views left out.
   */
  projections?: readonly ProjectionName[]
  /** The search index's tuning and stats: tests and bench:search pass theirs; the app, none. */
  search?: PostingsOptions
  /** Hears the write's transaction as it starts (BatchCommitter: to abort it for a search). */
  onTransaction?: (tx: Transaction) => void
}

/**
 * Messages per IndexedDB call of a write. The browser runs a transaction's queued requests in one
 * go and hears an abort only after them: 500 messages' puts held it 50–120 ms, which a search had
 * to wait for after aborting the sync's write (BatchCommitter); in calls of 100 it waits for one.
 */
const putChunk = 100

/**
 * Thrown inside a write when a message assumed absent (its seq outside the group's coverage) was in
 * the store after all: the transaction aborts and the write is made again with every message read.
 */
class AssumedAbsentClash extends Error {
  override name = 'AssumedAbsentClash'
}

/** Whether `seq` lies in one of the sorted, disjoint `ranges`. */
function inRanges(ranges: readonly SeqRange[], seq: number): boolean {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [a, b] = ranges[mid]!
    if (seq < a) hi = mid - 1
    else if (seq > b) lo = mid + 1
    else return true
  }
  return false
}

/**
 * Writes several groups' messages and coverage in one transaction: merges the messages, writes the
 * changed ones, hands the changes to each projection, then stores the coverage and the group rows.
 * Returns the merge counts. Throws ArchiveWriteError (and keeps nothing) when any part fails.
 *
 * The merge rule needs the stored copy of each message, but a seq outside the group's coverage has
 * none (coverage is written with the messages, in the same transaction): those are not read but
 * added (IndexedDB's add, which refuses an existing key). Should one exist after all (an archive
 * whose coverage lost a range), the add fails, the whole transaction aborts, and the write is made
 * again reading every message: the shortcut can cost time, never content.
 */
export async function writeGroups(writes: GroupWrite[], database: AppDB = appDb, options: WriteOptions = {}): Promise<CommitCounts> {
  try {
    return await writeGroupsOnce(writes, database, options, true)
  } catch (e) {
    if (!(e instanceof AssumedAbsentClash)) throw toWriteError(e)
  }
  try {
    return await writeGroupsOnce(writes, database, options, false)
  } catch (e) {
    throw toWriteError(e)
  }
}

async function writeGroupsOnce(writes: GroupWrite[], database: AppDB, options: WriteOptions, skipUncovered: boolean): Promise<CommitCounts> {
  const now = options.now ?? new Date()
  const chosen = selectProjections(options.projections)
  const derived = projectionTables(chosen).map((name) => database.table(name))
  return database.transaction('rw', [database.messages, database.coverage, database.groups, ...derived], async (tx) => {
    options.onTransaction?.(tx)
    const counts = zeroCounts()
    const gks = writes.map((w) => w.gk)
    const [groupRows, coverageRows] = await Promise.all([database.groups.bulkGet(gks), database.coverage.bulkGet(gks)])
    // Per message (in write order): read its stored copy, or known absent (outside coverage).
    const read: boolean[] = []
    const keys: [string, number][] = []
    writes.forEach((w, i) => {
      const ranges = coverageRows[i]?.ranges ?? []
      for (const m of w.messages) {
        if (!validSeq(m)) continue
        const r = !skipUncovered || inRanges(ranges, m.MsgSeq)
        read.push(r)
        if (r) keys.push([w.gk, m.MsgSeq])
      }
    })
    const existing = keys.length ? await database.messages.bulkGet(keys) : []

    const puts: MessageRow[] = []
    const adds: MessageRow[] = []
    const nextCoverage: CoverageRow[] = []
    const changes: GroupChanges[] = []
    let k = 0
    let e = 0
    writes.forEach((w, i) => {
      const group: GroupRow = groupRows[i]
        ? structuredClone(groupRows[i]!)
        : {
            gk: w.gk,
            workspaceId: w.workspaceId,
            groupId: w.groupId,
            profile: w.profileIfMissing,
            addedAt: now.getTime(),
            lastSyncAt: null,
            lastError: null,
            stats: emptyStats(),
            ...(w.topicIfMissing ? { topic: w.topicIfMissing } : {})
          }
      const steps: GroupChanges['steps'] = []
      // Current state per seq, so a seq repeated within one write merges with its own first copy.
      const current = new Map<number, ArchivedMessage | undefined>()
      const stored = new Map<number, ArchivedMessage | undefined>()
      const wasRead = new Map<number, boolean>()
      const changed = new Map<number, ArchivedMessage>()
      for (const m of w.messages) {
        if (!validSeq(m)) continue
        const r = read[k++]!
        const storedRecord = r ? existing[e++]?.raw : undefined
        if (!current.has(m.MsgSeq)) {
          current.set(m.MsgSeq, storedRecord)
          stored.set(m.MsgSeq, storedRecord)
          wasRead.set(m.MsgSeq, r)
        }
        const before = current.get(m.MsgSeq)
        const { record, outcome } = w.merge(before, m, group.groupId, now)
        if (outcome === 'unchanged') {
          counts.unchanged++
          continue
        }
        if (outcome === 'new') counts.new++
        else if (outcome === 'upgraded') counts.upgraded++
        else counts.serverChanged++
        steps.push({ before, after: record })
        current.set(m.MsgSeq, record)
        changed.set(m.MsgSeq, record)
      }
      for (const [seq, record] of changed) (wasRead.get(seq) ? puts : adds).push(toRow(w.gk, record))
      // Each projection sees a seq's change from the record stored before this write to the final one.
      const messages = [...changed].map(([seq, after]) => ({ seq, before: stored.get(seq), after }))
      changes.push({ gk: w.gk, group, messages, steps })
      const cov = coverageRows[i] ?? { gk: w.gk, ...emptyCoverage() }
      const next = w.coverage({ ranges: cov.ranges, floor: cov.floor, top: cov.top })
      nextCoverage.push({ gk: w.gk, ranges: next.ranges, floor: next.floor, top: next.top })
    })
    if (adds.length) {
      try {
        for (let i = 0; i < adds.length; i += putChunk) await database.messages.bulkAdd(adds.slice(i, i + putChunk))
      } catch (err) {
        // A key that exists (ConstraintError): abort and write again with reads. Anything else
        // (a full disk) is the write's failure.
        if (
          errorChain(err).some((x) => x.name === 'ConstraintError') ||
          (err as { failures?: { name?: string }[] }).failures?.some((f) => f?.name === 'ConstraintError')
        ) {
          throw new AssumedAbsentClash('a message outside the coverage was already archived')
        }
        throw err
      }
    }
    for (let i = 0; i < puts.length; i += putChunk) await database.messages.bulkPut(puts.slice(i, i + putChunk))
    for (const projection of chosen) await projection.apply(tx, changes, { search: options.search })
    await database.coverage.bulkPut(nextCoverage)
    await database.groups.bulkPut(changes.map((c) => c.group))
    return counts
  })
}

/**
 * The sync's merge for a group key: a Community topic's key (db/group-key.ts) writes its records
 * with the Community's GroupId and the topic's TopicId, as `pull` does.
 */
function syncMerge(gk: string): Merge {
  const { groupId, topicId } = unitOfKey(gk)
  if (topicId === undefined) return mergeMessage
  return (existing, incoming, _unit, seenAt) => mergeMessage(existing, incoming, groupId, seenAt, topicId)
}

/**
 * Commits one sync batch: its messages (merged, never replacing content by less), the coverage it
 * completes and the group's statistics, in one transaction. Safe to repeat: committing the same
 * batch twice changes nothing the second time.
 */
export function commitBatch(gk: string, batch: BatchInput, database: AppDB = appDb): Promise<CommitCounts> {
  const groupId = groupIdOf(gk)
  return writeGroups(
    [
      {
        gk,
        workspaceId: workspaceOfKey(gk),
        groupId,
        messages: batch.messages,
        coverage: (before) => applyBatchCoverage(before, batch),
        merge: syncMerge(gk),
        profileIfMissing: { groupId, name: groupId, type: '', archivable: true }
      }
    ],
    database
  )
}

/**
 * Commits several batches in one transaction (all or nothing). Batches of the same group are
 * applied in the given order: their messages merge one after another and their coverage facts
 * apply in turn, exactly as separate commits would.
 */
export function commitBatches(items: { gk: string; batch: BatchInput }[], database: AppDB = appDb, options: WriteOptions = {}): Promise<CommitCounts> {
  const byGroup = new Map<string, BatchInput[]>()
  for (const { gk, batch } of items) {
    let list = byGroup.get(gk)
    if (!list) byGroup.set(gk, (list = []))
    list.push(batch)
  }
  const writes: GroupWrite[] = [...byGroup].map(([gk, batches]) => {
    const groupId = groupIdOf(gk)
    return {
      gk,
      workspaceId: workspaceOfKey(gk),
      groupId,
      messages: batches.flatMap((b) => b.messages),
      coverage: (before) => batches.reduce((cov, b) => applyBatchCoverage(cov, b), before),
      merge: syncMerge(gk),
      profileIfMissing: { groupId, name: groupId, type: '', archivable: true }
    }
  })
  return writeGroups(writes, database, options)
}

/** BatchCommitter's combined write under way: its transaction once started, since when its batches give way to searches, whether a search aborted it. */
interface InFlightWrite {
  tx: Transaction | null
  /** When the first of its batches was first given up for a search (performance.now()), or Infinity. */
  givenUpSince: number
  aborted: boolean
}

/** What became of the batches of one combined write (see BatchCommitter). */
export interface CommitOutcome<T> {
  /** Durable in the store, in the order they were queued. */
  committed: T[]
  /** Not kept, each with why. */
  failed: { tag: T; error: ArchiveWriteError }[]
}

/**
 * Group commit for sync batches. While one transaction is being written, the batches that arrive
 * queue up and are then written together in the next one: with many requests in flight the store
 * keeps up with the network instead of paying one IndexedDB commit per 20 messages. Every
 * batch still lands whole or not at all; when a combined write fails, its batches are retried
 * one by one so a single bad batch does not fail the others.
 *
 * `onSettled` hears once per combined write (after its transaction has committed, or after the
 * one-by-one retries of a failed one), with the tags of every batch it settled: the caller
 * acknowledges them all at once instead of paying one round-trip per batch. It runs outside any
 * transaction, before the batches' own promises settle.
 */
export class BatchCommitter<T = void> {
  /**
   * Upper bound of messages per combined transaction. A transaction's JavaScript (merge,
   * projections) runs on the page's main thread between its IndexedDB calls, and a search waits for
   * the transaction under way: at 2,000 messages the timeline dropped frames while a sync ran
   * (frame p95 50 ms, 21–24 frames over 50 ms in each run) and a search waited up to 0.7 s; at 500,
   * frame p95 33 ms and search p95 about a quarter lower, with the sync as fast within the runs' noise
   * (bench:app-sync, interleaved, 2026-12-07; docs/dev/benchmarks.md).
   */
  static maxMessages = 500
  /** Upper bound of messages per transaction while a search waits (read-priority.ts). */
  static whileReading = 100
  /** How long the next write waits for a search's reads to finish (ms). */
  static holdForReadMs = 250
  /**
   * How long a batch keeps giving way to searches, from the first time it did (ms): after that,
   * the write that holds it is left to finish, so searches one after another delay a batch by
   * about this much, and can never stall the sync.
   */
  static yieldForMs = 1000
  private queue: {
    gk: string
    batch: BatchInput
    tag: T
    resolve: () => void
    reject: (e: unknown) => void
    /** When it was first given up for a search (yieldToRead; performance.now()). */
    givenUpAt?: number
  }[] = []
  private running = false
  /** The combined write under way. */
  private current: InFlightWrite | null = null

  constructor(
    private readonly database: AppDB = appDb,
    /** Upper bound of messages per combined transaction (default BatchCommitter.maxMessages). */
    private readonly maxMessages = BatchCommitter.maxMessages,
    private readonly onSettled?: (outcome: CommitOutcome<T>) => void
  ) {}

  /** Resolves once the batch is durable in the store; rejects with ArchiveWriteError. */
  commit(gk: string, batch: BatchInput, tag: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ gk, batch, tag, resolve, reject })
      void this.drain()
    })
  }

  private settled(outcome: CommitOutcome<T>): void {
    if (!this.onSettled) return
    try {
      this.onSettled(outcome)
    } catch (e) {
      // A listener's bug must not stop the queue (its batches' promises still settle).
      console.error('BatchCommitter: onSettled failed', e)
    }
  }

  /** Whether a combined write's transaction is under way. */
  get writing(): boolean {
    return this.current?.tx != null
  }

  /**
   * A search started: the write under way gives way. Its transaction aborts (nothing of it is kept),
   * and its batches, not acknowledged yet, go back to the head of the queue to be written after
   * the search (drain). A transaction already committing cannot be aborted, and simply commits.
   * A batch gives way for yieldForMs from the first time: the write that holds a batch given up
   * longer ago is left to finish, so searches one after another can never stall the sync. (Until
   * 2026-12-07 a write of at most `whileReading` messages was the one left to finish, and a longer
   * one gave way to every search: with a search every 0.4 s, a 30,000-message sync ran at 185
   * messages/s, its writes of 500 given up again and again; bench:app-sync, docs/dev/benchmarks.md.)
   */
  private readonly yieldToRead = (): void => {
    const write = this.current
    if (!write?.tx || write.aborted || performance.now() - write.givenUpSince >= BatchCommitter.yieldForMs) return
    write.aborted = true
    try {
      write.tx.abort()
    } catch {
      // Already finished or committing: it stands, and drain sees it resolve.
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return
    this.running = true
    const unsubscribe = onReadStart(this.yieldToRead)
    try {
      while (this.queue.length) {
        // A search is reading (read-priority.ts): the next write waits until it is done (at most
        // holdForReadMs), and while one still reads after that, transactions stay short.
        if (readsWaiting()) await readsSettled(BatchCommitter.holdForReadMs)
        const yielding = readsWaiting()
        // Batches given up for a search are written next, and in a while their write no longer
        // gives way: it stays short too, as the next search may have to wait for it.
        const cap = yielding || this.queue[0]!.givenUpAt !== undefined ? Math.min(this.maxMessages, BatchCommitter.whileReading) : this.maxMessages
        let n = 0
        let size = 0
        while (n < this.queue.length && (n === 0 || size + this.queue[n]!.batch.messages.length <= cap)) {
          size += this.queue[n]!.batch.messages.length
          n++
        }
        const items = this.queue.splice(0, n)
        const write: InFlightWrite = { tx: null, givenUpSince: Math.min(...items.map((it) => it.givenUpAt ?? Infinity)), aborted: false }
        this.current = write
        try {
          await commitBatches(items, this.database, { onTransaction: (tx) => (write.tx = tx) })
        } catch (e) {
          this.current = null
          if (write.aborted) {
            // Given up for a search (yieldToRead): written again after it, in the same order.
            const now = performance.now()
            for (const it of items) it.givenUpAt ??= now
            this.queue.unshift(...items)
            continue
          }
          if (items.length === 1) {
            const error = toWriteError(e)
            this.settled({ committed: [], failed: [{ tag: items[0]!.tag, error }] })
            items[0]!.reject(error)
            continue
          }
          const results: { ok: boolean; error?: ArchiveWriteError }[] = []
          for (const it of items) {
            try {
              await commitBatch(it.gk, it.batch, this.database)
              results.push({ ok: true })
            } catch (err) {
              results.push({ ok: false, error: toWriteError(err) })
            }
          }
          this.settled({
            committed: items.filter((_, i) => results[i]!.ok).map((it) => it.tag),
            failed: items.flatMap((it, i) => (results[i]!.ok ? [] : [{ tag: it.tag, error: results[i]!.error! }]))
          })
          items.forEach((it, i) => (results[i]!.ok ? it.resolve() : it.reject(results[i]!.error)))
          continue
        }
        this.current = null
        this.settled({ committed: items.map((it) => it.tag), failed: [] })
        for (const it of items) it.resolve()
      }
    } finally {
      this.current = null
      unsubscribe()
      this.running = false
    }
  }
}
