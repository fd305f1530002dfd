/**
 * The renderer's half of the sync loop, without the UI state: sync batches go into the store
 * through a BatchCommitter, and are acknowledged in groups. The engine waits for every ack, and the
 * page pays one host round-trip (IPC invoke or HTTP POST) per ack, so one ack per committed
 * transaction (per run) replaces one per batch:
 *   - the batches one transaction made durable: ONE ack listing all their ids;
 *   - the batches that could not be written: one ack per distinct error, listing their ids.
 * A batch is acknowledged only after its transaction has committed, and never from inside one.
 */
import { maxAckBatchIds, maxAckErrorChars, type SyncBatchEvent } from '@shared/ipc/contract'
import type { AppDB } from '@renderer/lib/db/app-db'
import { BatchCommitter, type ArchiveWriteError, type CommitOutcome } from '@renderer/lib/db/archive-repo'

export type AckFn = (runId: string, batchIds: number[], error?: string) => Promise<void>

export interface BatchFailure {
  event: SyncBatchEvent
  error: ArchiveWriteError
}

export interface PlannedAck {
  runId: string
  batchIds: number[]
  error?: string
}

function clip(message: string): string {
  return message.length <= maxAckErrorChars ? message : `${message.slice(0, maxAckErrorChars - 1)}…`
}

/**
 * The acks for one settled write: per run, one for the committed batches and one per distinct
 * error message (sent as the ack's error) for the failed ones, each split at maxAckBatchIds ids.
 */
export function planAcks(outcome: CommitOutcome<SyncBatchEvent>): PlannedAck[] {
  const groups = new Map<string, PlannedAck>()
  const add = (runId: string, batchId: number, error?: string) => {
    const key = error === undefined ? `${runId}\u0000ok` : `${runId}\u0000err\u0000${error}`
    let g = groups.get(key)
    if (!g) {
      g = error === undefined ? { runId, batchIds: [] } : { runId, batchIds: [], error }
      groups.set(key, g)
    }
    g.batchIds.push(batchId)
  }
  for (const e of outcome.committed) add(e.runId, e.batchId)
  // The host refuses a longer error, and a refused ack would leave its batches waiting forever.
  for (const f of outcome.failed) add(f.tag.runId, f.tag.batchId, clip(f.error.message))
  const out: PlannedAck[] = []
  for (const g of groups.values()) {
    for (let i = 0; i < g.batchIds.length; i += maxAckBatchIds) {
      const batchIds = g.batchIds.slice(i, i + maxAckBatchIds)
      out.push(g.error === undefined ? { runId: g.runId, batchIds } : { runId: g.runId, batchIds, error: g.error })
    }
  }
  return out
}

export interface BatchAckerOptions {
  database?: AppDB
  /** Upper bound of messages per combined transaction (BatchCommitter). */
  maxMessages?: number
  /** Hears the batches of one write that could not be stored (after their ack went out). */
  onFailed?: (failures: BatchFailure[]) => void
  /** Hears the batches one write made durable (after their ack went out). */
  onCommitted?: (events: SyncBatchEvent[]) => void
}

export class BatchAcker {
  private readonly committer: BatchCommitter<SyncBatchEvent>

  constructor(
    private readonly ack: AckFn,
    private readonly opts: BatchAckerOptions = {}
  ) {
    this.committer = new BatchCommitter<SyncBatchEvent>(opts.database, opts.maxMessages, (o) => this.settled(o))
  }

  /**
   * Queues a batch for the store under group key `gk`; with no group key (no workspace open) it is
   * acknowledged at once with `noStoreError`.
   */
  receive(gk: string | null, e: SyncBatchEvent, noStoreError = 'The app has no workspace open to store this batch in.'): void {
    if (!gk) {
      this.send({ runId: e.runId, batchIds: [e.batchId], error: clip(noStoreError) })
      return
    }
    // The outcome (ack and error report) is handled once per write in settled().
    this.committer.commit(gk, e, e).catch(() => {})
  }

  private settled(outcome: CommitOutcome<SyncBatchEvent>): void {
    // Acks first: the engine is waiting for them.
    for (const a of planAcks(outcome)) this.send(a)
    if (outcome.failed.length) this.opts.onFailed?.(outcome.failed.map((f) => ({ event: f.tag, error: f.error })))
    if (outcome.committed.length) this.opts.onCommitted?.(outcome.committed)
  }

  private send(a: PlannedAck): void {
    try {
      this.ack(a.runId, a.batchIds, a.error).catch((err: unknown) => console.error('sync.ack failed', err))
    } catch (err) {
      console.error('sync.ack failed', err)
    }
  }
}
