// The renderer acknowledges sync batches per committed transaction, not per batch.
import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { channels, maxAckBatchIds, maxAckErrorChars, type SyncBatchEvent } from '../../../src-main/shared/ipc/contract'
import { parseInvokeArgs } from '../../../src-main/shared/ipc/schemas'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { ArchiveWriteError, BatchCommitter, type CommitOutcome } from '../../../src-renderer/src/lib/db/archive-repo'
import { BatchAcker, planAcks, type BatchFailure } from '../../../src-renderer/src/lib/sync/batch-acks'
import { freshDbs } from './fresh-db'

const ws = '1400000000@china'
const gk = groupKey(ws, 'g1')
const freshDb = freshDbs('ack')

function msg(seq: number, over: Partial<RawMessage> = {}): RawMessage {
  return {
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `message ${seq}` } }],
    MsgRandom: seq * 7,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    MsgPriority: 1,
    ...over
  }
}

/** Batch `id` carries message `id` and covers seq `id`. */
function batch(runId: string, id: number, over: Partial<RawMessage> = {}): SyncBatchEvent {
  return { runId, batchId: id, groupId: 'g1', messages: [msg(id, over)], range: [id, id] }
}

interface AckCall {
  runId: string
  batchIds: number[]
  error?: string
  /** Seqs in the store when the ack was sent. */
  stored: Promise<number[]>
  inTransaction: boolean
}

function recorder(d: AppDB) {
  const calls: AckCall[] = []
  const ack = (runId: string, batchIds: number[], error?: string) => {
    calls.push({
      runId,
      batchIds: [...batchIds],
      ...(error === undefined ? {} : { error }),
      stored: d.messages.toArray().then((rows) => rows.map((r) => r.seq)),
      inTransaction: Dexie.currentTransaction !== null
    })
    return Promise.resolve()
  }
  return { calls, ack }
}

/** Resolves once `ids` have all been acknowledged. */
async function untilAcked(calls: AckCall[], count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (calls.reduce((s, c) => s + c.batchIds.length, 0) >= count) return
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('not all batches were acknowledged')
}

describe('BatchCommitter outcome', () => {
  it('reports once per combined write, with every batch it settled', async () => {
    const d = freshDb()
    const outcomes: CommitOutcome<number>[] = []
    const committer = new BatchCommitter<number>(d, 2000, (o) => outcomes.push(o))
    const results = await Promise.allSettled([
      committer.commit(gk, { messages: [msg(1)], range: [1, 1] }, 1),
      committer.commit(gk, { messages: [msg(2)], range: [2, 2] }, 2),
      committer.commit(gk, { messages: [msg(3, { Weird: () => 1 })], range: [3, 3] }, 3),
      committer.commit(gk, { messages: [msg(4)], range: [4, 4] }, 4)
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    // The first write starts at once; the three that queue behind it are written together, fail
    // together, and are retried one by one: still one report for them.
    expect(outcomes.map((o) => ({ committed: o.committed, failed: o.failed.map((f) => f.tag) }))).toEqual([
      { committed: [1], failed: [] },
      { committed: [2, 4], failed: [3] }
    ])
    expect(outcomes[1]!.failed[0]!.error).toBeInstanceOf(ArchiveWriteError)
  })
})

describe('BatchAcker', () => {
  it('acknowledges the batches of one transaction with ONE ack, after they are stored', async () => {
    const d = freshDb()
    const { calls, ack } = recorder(d)
    const acker = new BatchAcker(ack, { database: d })
    for (let id = 1; id <= 6; id++) acker.receive(gk, batch('run-1', id))
    await untilAcked(calls, 6)
    // Batch 1 went alone (nothing else was queued); 2..6 arrived during its write and went together.
    expect(calls.map((c) => c.batchIds)).toEqual([[1], [2, 3, 4, 5, 6]])
    expect(calls.every((c) => c.runId === 'run-1' && c.error === undefined && !c.inTransaction)).toBe(true)
    // Durable before acknowledged.
    expect(await calls[0]!.stored).toEqual(expect.arrayContaining([1]))
    expect(await calls[1]!.stored).toEqual(expect.arrayContaining([1, 2, 3, 4, 5, 6]))
  })

  it('acks the committed batches together and the failed one with its error', async () => {
    const d = freshDb()
    const { calls, ack } = recorder(d)
    const failed: BatchFailure[][] = []
    const acker = new BatchAcker(ack, { database: d, onFailed: (f) => failed.push(f) })
    acker.receive(gk, batch('run-1', 1))
    acker.receive(gk, batch('run-1', 2))
    acker.receive(gk, batch('run-1', 3, { Weird: () => 1 }))
    acker.receive(gk, batch('run-1', 4))
    await untilAcked(calls, 4)
    expect(calls.map(({ batchIds, error }) => ({ batchIds, error }))).toEqual([
      { batchIds: [1], error: undefined },
      { batchIds: [2, 4], error: undefined },
      { batchIds: [3], error: expect.stringMatching(/^The archive could not be written: /) }
    ])
    expect(await calls[1]!.stored).toEqual([1, 2, 4])
    expect(failed).toHaveLength(1)
    expect(failed[0]!.map((f) => f.event.batchId)).toEqual([3])
    expect(failed[0]![0]!.error).toBeInstanceOf(ArchiveWriteError)
  })

  it('sends one ack per run when a write holds batches of two runs', async () => {
    const d = freshDb()
    const { calls, ack } = recorder(d)
    const acker = new BatchAcker(ack, { database: d })
    acker.receive(gk, batch('old-run', 1))
    acker.receive(gk, batch('old-run', 2))
    acker.receive(gk, batch('new-run', 1))
    acker.receive(gk, batch('old-run', 3))
    await untilAcked(calls, 4)
    expect(calls.map(({ runId, batchIds }) => [runId, batchIds])).toEqual([
      ['old-run', [1]],
      ['old-run', [2, 3]],
      ['new-run', [1]]
    ])
  })

  it('acks at once with an error when there is no workspace to store in, and survives a failing ack', async () => {
    const d = freshDb()
    const calls: [string, number[], string | undefined][] = []
    const acker = new BatchAcker(
      (runId, ids, error) => {
        calls.push([runId, ids, error])
        return Promise.reject(new Error('host gone'))
      },
      { database: d }
    )
    const errors: unknown[] = []
    const orig = console.error
    console.error = (...a: unknown[]) => void errors.push(a)
    try {
      acker.receive(null, batch('run-1', 7))
      await new Promise((r) => setTimeout(r, 10))
    } finally {
      console.error = orig
    }
    expect(calls).toEqual([['run-1', [7], 'The app has no workspace open to store this batch in.']])
    expect(errors).toHaveLength(1)
  })
})

describe('planAcks', () => {
  it(`splits a long list at ${maxAckBatchIds} ids and groups failures per run and message`, () => {
    const committed = Array.from({ length: maxAckBatchIds + 1 }, (_, i) => batch('r', i))
    const err = (m: string) => new ArchiveWriteError('other', m)
    const acks = planAcks({
      committed,
      failed: [
        { tag: batch('r', 20_000), error: err('full') },
        { tag: batch('r', 20_001), error: err('other') },
        { tag: batch('r', 20_002), error: err('full') },
        { tag: batch('s', 1), error: err('full') }
      ]
    })
    expect(acks.map((a) => [a.runId, a.batchIds.length, a.error])).toEqual([
      ['r', maxAckBatchIds, undefined],
      ['r', 1, undefined],
      ['r', 2, 'full'],
      ['r', 1, 'other'],
      ['s', 1, 'full']
    ])
    expect(acks[2]!.batchIds).toEqual([20_000, 20_002])
    expect(acks.every((a) => a.batchIds.length >= 1 && a.batchIds.length <= maxAckBatchIds)).toBe(true)
  })

  it(`cuts an error to the ${maxAckErrorChars} characters the host accepts`, () => {
    const [a] = planAcks({ committed: [], failed: [{ tag: batch('r', 1), error: new ArchiveWriteError('other', 'x'.repeat(5000)) }] })
    expect(a!.error).toHaveLength(maxAckErrorChars)
    expect(parseInvokeArgs(channels.syncAck, [a!.runId, a!.batchIds, a!.error]).ok).toBe(true)
  })
})
