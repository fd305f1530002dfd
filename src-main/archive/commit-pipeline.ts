/**
 * The commit pipeline of a sync run. Commits are pipelined: a worker hands its batch to the sink
 * and goes on pulling, so a store that answers slowly (the renderer's IndexedDB behind IPC) does
 * not idle the rate limit. At most `maxPendingCommits` are outstanding; a failed commit aborts the
 * run. Durability is unchanged: each batch carries its own coverage, so only committed ranges are
 * ever claimed.
 */
import { applyBatchCoverage } from '../shared/coverage'
import type { ArchiveSink, SyncBatch } from './engine'
import type { SyncRun } from './sync-run'

/**
 * Batches handed to the sink and not yet durable, per group: SyncOptions.maxPendingCommits, else what
 * the sink says (ArchiveSink.maxPendingCommits), else this.
 */
export const maxPendingCommits = 32

export class CommitPipeline {
  private readonly pending = new Set<Promise<void>>()
  // Set from promise callbacks; the cast keeps TypeScript from narrowing it to null for good.
  private failed = null as { error: unknown } | null

  private readonly maxPending: number

  constructor(
    private readonly run: SyncRun,
    private readonly sink: ArchiveSink,
    maxPending?: number
  ) {
    this.maxPending = Math.max(1, maxPending ?? sink.maxPendingCommits ?? maxPendingCommits)
  }

  /** The first commit that failed, if any. */
  get failure(): { error: unknown } | null {
    return this.failed
  }

  /**
   * Hands a batch to the sink; the run's coverage and counters take it in at once. `walked`: the
   * seqs of the planned walk this batch completes, counted once it is durable. Resolves when the
   * pipeline has room again.
   */
  async commit(batch: Omit<SyncBatch, 'groupId' | 'topicId'>, walked = 0): Promise<void> {
    if (this.failed) throw this.failed.error
    const run = this.run
    const full: SyncBatch = { groupId: run.groupId, ...(run.topicId ? { topicId: run.topicId } : {}), ...batch }
    run.cov = applyBatchCoverage(run.cov, full)
    run.messages += batch.messages.length
    for (const m of batch.messages) if (m.MsgSeq < run.lowestSeen) run.lowestSeen = m.MsgSeq
    const p: Promise<void> = this.sink.commit(full).then(
      () => {
        this.pending.delete(p)
        if (walked > 0 && !this.failed) {
          run.seqsDone += walked
          run.progress()
        }
      },
      (error: unknown) => {
        this.pending.delete(p)
        this.failed ??= { error }
        run.abort.abort(error)
      }
    )
    this.pending.add(p)
    while (this.pending.size >= this.maxPending) await Promise.race(this.pending)
  }

  /** Waits for every batch handed over; throws the first commit failure. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.race(this.pending)
    if (this.failed) throw this.failed.error
  }
}
