import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { ArchiveWriteError, BatchCommitter, commitBatch, commitBatches } from '../../../src-renderer/src/lib/db/archive-repo'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import { readExpected, readsWaiting, withReadPriority } from '../../../src-renderer/src/lib/db/read-priority'
import { freshDbs } from './fresh-db'

const ws = '1400000000@china'
const gk = groupKey(ws, 'g1')
const freshDb = freshDbs('commit')

function msg(seq: number, over: Partial<RawMessage> = {}): RawMessage {
  return {
    From_Account: seq % 2 ? 'alice' : 'bob',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `message ${seq}` } }],
    MsgRandom: seq * 7,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    MsgPriority: 1,
    ...over
  }
}

async function withGroup(d: AppDB) {
  await addGroups(ws, [{ groupId: 'g1', name: 'Group one', type: 'Public', archivable: true }], d)
}

describe('committing a sync batch', () => {
  it('stores the messages, the coverage they complete and the group statistics together', async () => {
    const d = freshDb()
    await withGroup(d)
    const counts = await commitBatch(gk, { messages: [msg(3), msg(4), msg(5)], range: [3, 5], top: 5 }, d)
    expect(counts).toEqual({ new: 3, upgraded: 0, serverChanged: 0, unchanged: 0 })
    const rows = await d.messages.where('[gk+seq]').between([gk, 0], [gk, Infinity]).toArray()
    expect(rows.map((r) => r.seq)).toEqual([3, 4, 5])
    expect(rows[0]).toMatchObject({ gk, seq: 3, time: 1_700_000_003, from: 'alice' })
    expect(rows[0]!.raw).toEqual({ GroupId: 'g1', ...msg(3) })
    expect(await d.coverage.get(gk)).toEqual({ gk, ranges: [[3, 5]], floor: null, top: 5 })
    const g = await d.groups.get(gk)
    expect(g!.profile.name).toBe('Group one')
    expect(g!.stats).toEqual({
      messages: 3,
      deleted: 0,
      recalled: 0,
      removedLater: 0,
      system: 0,
      firstTime: 1_700_000_003,
      lastTime: 1_700_000_005
    })
  })

  it('counts deleted, recalled and system messages', async () => {
    const d = freshDb()
    await withGroup(d)
    await commitBatch(
      gk,
      {
        messages: [msg(1, { IsPlaceMsg: 1, MsgBody: [] }), msg(2, { IsPlaceMsg: 2, MsgBody: [] }), msg(3, { IsSystemMsg: 1, MsgBody: {} })],
        range: [1, 3],
        floor: 1,
        top: 3
      },
      d
    )
    const g = await d.groups.get(gk)
    expect(g!.stats).toMatchObject({ messages: 3, deleted: 1, recalled: 1, system: 1, removedLater: 0 })
    expect(await d.coverage.get(gk)).toEqual({ gk, ranges: [[1, 3]], floor: 1, top: 3 })
  })

  it('never replaces archived content with a placeholder, and counts it as removed later', async () => {
    const d = freshDb()
    await withGroup(d)
    await commitBatch(gk, { messages: [msg(1), msg(2)], range: [1, 2], floor: 1, top: 2 }, d)
    const counts = await commitBatch(gk, { messages: [msg(1, { IsPlaceMsg: 2, MsgBody: [] }), msg(2)], range: [1, 2] }, d)
    expect(counts).toEqual({ new: 0, upgraded: 0, serverChanged: 1, unchanged: 1 })
    const row = await d.messages.get([gk, 1])
    expect(row!.raw.MsgBody).toEqual(msg(1).MsgBody)
    expect(row!.raw._archive?.server?.IsPlaceMsg).toBe(2)
    const g = await d.groups.get(gk)
    expect(g!.stats).toMatchObject({ messages: 2, recalled: 0, removedLater: 1 })
  })

  it('never replaces archived content with less even where the coverage does not know the message (stats exact)', async () => {
    // New messages outside the coverage skip the read of their stored copy; an archive whose
    // coverage lost a range (here: cleared by hand) must still keep what it holds.
    const d = freshDb()
    await withGroup(d)
    await commitBatch(gk, { messages: [msg(1), msg(2)], range: [1, 2], floor: 1, top: 2 }, d)
    await d.coverage.delete(gk)
    const counts = await commitBatch(gk, { messages: [msg(1, { IsPlaceMsg: 2, MsgBody: [] }), msg(2), msg(3)], range: [1, 3] }, d)
    expect(counts).toEqual({ new: 1, upgraded: 0, serverChanged: 1, unchanged: 1 })
    const row = await d.messages.get([gk, 1])
    expect(row!.raw.MsgBody).toEqual(msg(1).MsgBody)
    expect(row!.raw._archive?.server?.IsPlaceMsg).toBe(2)
    expect((await d.messages.get([gk, 3]))!.raw.MsgBody).toEqual(msg(3).MsgBody)
    expect((await d.groups.get(gk))!.stats).toMatchObject({ messages: 3, recalled: 0, removedLater: 1 })
    expect(await d.coverage.get(gk)).toMatchObject({ ranges: [[1, 3]] })
  })

  it('takes content for an archived placeholder and fixes the counts', async () => {
    const d = freshDb()
    await withGroup(d)
    await commitBatch(gk, { messages: [msg(1, { IsPlaceMsg: 1, MsgBody: [] })], range: [1, 1] }, d)
    expect((await d.groups.get(gk))!.stats).toMatchObject({ messages: 1, deleted: 1 })
    const counts = await commitBatch(gk, { messages: [msg(1)], range: [1, 1] }, d)
    expect(counts.upgraded).toBe(1)
    expect((await d.messages.get([gk, 1]))!.raw.MsgBody).toEqual(msg(1).MsgBody)
    expect((await d.groups.get(gk))!.stats).toMatchObject({ messages: 1, deleted: 0 })
  })

  it('changes nothing when the same batch is committed again', async () => {
    const d = freshDb()
    await withGroup(d)
    const batch = { messages: [msg(10), msg(11), msg(11)], range: [10, 11] as [number, number], top: 11 }
    await commitBatch(gk, batch, d)
    const before = { g: await d.groups.get(gk), c: await d.coverage.get(gk), m: await d.messages.toArray() }
    const counts = await commitBatch(gk, batch, d)
    expect(counts).toEqual({ new: 0, upgraded: 0, serverChanged: 0, unchanged: 3 })
    expect(await d.groups.get(gk)).toEqual(before.g)
    expect(await d.coverage.get(gk)).toEqual(before.c)
    expect(await d.messages.toArray()).toEqual(before.m)
    expect(before.g!.stats.messages).toBe(2)
  })

  it('merges coverage of successive batches into one range', async () => {
    const d = freshDb()
    await withGroup(d)
    await commitBatch(gk, { messages: [msg(21)], range: [21, 40], top: 40 }, d)
    await commitBatch(gk, { messages: [msg(1)], range: [1, 20], floor: 1 }, d)
    expect(await d.coverage.get(gk)).toEqual({ gk, ranges: [[1, 40]], floor: 1, top: 40 })
  })

  it('keeps nothing of a batch when one write fails, and says the storage is full', async () => {
    const d = freshDb()
    // The groups table is written last: failing it proves the messages and coverage written
    // before it in the same transaction are rolled back.
    let fail = false
    d.use({
      stack: 'dbcore',
      name: 'fail-groups',
      create: (down) => ({
        ...down,
        table: (name) => {
          const t = down.table(name)
          return {
            ...t,
            mutate: (req) =>
              fail && name === 'groups' ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : t.mutate(req)
          }
        }
      })
    })
    await withGroup(d)
    await commitBatch(gk, { messages: [msg(1)], range: [1, 1] }, d)
    fail = true
    const err = await commitBatch(gk, { messages: [msg(2), msg(3)], range: [2, 3], top: 3 }, d).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ArchiveWriteError)
    expect((err as ArchiveWriteError).reason).toBe('quota')
    expect((err as Error).message).toMatch(/^The archive could not be written: the disk or browser storage is full/)
    fail = false
    expect((await d.messages.toArray()).map((r) => r.seq)).toEqual([1])
    expect(await d.coverage.get(gk)).toEqual({ gk, ranges: [[1, 1]], floor: null, top: 1 })
    expect((await d.groups.get(gk))!.stats.messages).toBe(1)
  })

  it('reports a write that cannot be stored at all, keeping nothing of the batch', async () => {
    const d = freshDb()
    await withGroup(d)
    // A function cannot be structured-cloned: IndexedDB refuses the put (DataCloneError).
    const bad = msg(2, { Weird: () => 1 })
    const err = await commitBatch(gk, { messages: [msg(1), bad], range: [1, 2] }, d).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ArchiveWriteError)
    expect((err as Error).message).toMatch(/^The archive could not be written: /)
    expect(await d.messages.count()).toBe(0)
    expect(await d.coverage.get(gk)).toBeUndefined()
  })
})

describe('committing many batches together', () => {
  /** The i-th batch of 20 messages: seqs 20i+1 … 20i+20. */
  const batch = (i: number) => ({ messages: Array.from({ length: 20 }, (_, k) => msg(i * 20 + k + 1)), range: [i * 20 + 1, i * 20 + 20] as [number, number] })
  /** A committer with the default bounds whose combined writes are recorded by their batch ids. */
  async function recordingCommitter(): Promise<{ d: ReturnType<typeof freshDb>; committer: BatchCommitter<number>; settled: number[][] }> {
    const d = freshDb()
    await withGroup(d)
    const settled: number[][] = []
    return { d, committer: new BatchCommitter<number>(d, undefined, (o) => settled.push(o.committed)), settled }
  }

  /** Until the first write has settled (batch 0 alone) and the next, of the batches queued behind it, is under way. */
  async function secondWriteUnderWay(committer: BatchCommitter<number>, settled: number[][]): Promise<void> {
    while (settled.length < 1 || !committer.writing) await new Promise((r) => setTimeout(r, 0))
  }

  it('applies batches of one group in order, as separate commits would', async () => {
    const d = freshDb()
    await withGroup(d)
    const counts = await commitBatches(
      [
        { gk, batch: { messages: [msg(41), msg(40)], range: [40, 41], top: 41 } },
        { gk, batch: { messages: [msg(40, { IsPlaceMsg: 1, MsgBody: [] })], range: [40, 40] } },
        { gk, batch: { messages: [msg(1)], range: [1, 39], floor: 1 } }
      ],
      d
    )
    expect(counts).toEqual({ new: 3, upgraded: 0, serverChanged: 1, unchanged: 0 })
    expect(await d.coverage.get(gk)).toEqual({ gk, ranges: [[1, 41]], floor: 1, top: 41 })
    expect((await d.messages.get([gk, 40]))!.raw.MsgBody).toEqual(msg(40).MsgBody)
    expect((await d.groups.get(gk))!.stats).toMatchObject({ messages: 3, removedLater: 1 })
  })

  it('queues batches that arrive during a write, and fails only the batch that cannot be stored', async () => {
    const d = freshDb()
    await withGroup(d)
    const committer = new BatchCommitter(d)
    const results = await Promise.allSettled([
      committer.commit(gk, { messages: [msg(1)], range: [1, 1] }),
      committer.commit(gk, { messages: [msg(2)], range: [2, 2] }),
      committer.commit(gk, { messages: [msg(3, { Weird: () => 1 })], range: [3, 3] }),
      committer.commit(gk, { messages: [msg(4)], range: [4, 4] })
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect((await d.messages.toArray()).map((r) => r.seq)).toEqual([1, 2, 4])
    expect(await d.coverage.get(gk)).toEqual({
      gk,
      ranges: [
        [1, 2],
        [4, 4]
      ],
      floor: null,
      top: 4
    })
  })

  it('writes short transactions while a search waits, and still keeps every batch whole and acknowledged after its commit', async () => {
    const d = freshDb()
    await withGroup(d)
    const settled: number[][] = []
    const committer = new BatchCommitter<number>(d, 2000, (o) => settled.push(o.committed))
    let searchDone!: () => void
    const searching = withReadPriority(() => new Promise<void>((resolve) => (searchDone = resolve)))
    const during = Promise.all(Array.from({ length: 10 }, (_, i) => committer.commit(gk, batch(i), i)))
    await during
    searchDone()
    await searching
    // 100 messages (5 batches of 20) per transaction while the search waits, in order, each acknowledged once.
    expect(settled).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9]
    ])
    expect((await d.coverage.get(gk))!.ranges).toEqual([[1, 200]])
    expect(await d.messages.count()).toBe(200)
    // With no search waiting, the batches queued during a write share one transaction again.
    settled.length = 0
    await Promise.all(Array.from({ length: 10 }, (_, i) => committer.commit(gk, batch(10 + i), 10 + i)))
    expect(settled).toEqual([[10], [11, 12, 13, 14, 15, 16, 17, 18, 19]])
  })

  it('keeps each sync transaction to at most 500 messages, however many batches are queued', async () => {
    const { d, committer, settled } = await recordingCommitter()
    // The first batch starts a write; the 40 queued behind it (800 messages) go in transactions of at most 500.
    await Promise.all(Array.from({ length: 41 }, (_, i) => committer.commit(gk, batch(i), i)))
    expect(settled.map((ids) => ids.length * 20)).toEqual([20, 500, 300])
    expect(settled.flat()).toEqual(Array.from({ length: 41 }, (_, i) => i))
    expect((await d.coverage.get(gk))!.ranges).toEqual([[1, 820]])
    expect(await d.messages.count()).toBe(820)
  })

  it('writes the messages of a transaction in IndexedDB calls of at most 100, new ones and rewritten ones alike', async () => {
    const d = freshDb()
    await withGroup(d)
    // A search aborts the sync's write (BatchCommitter), and the browser hears the abort only after
    // the requests already queued: a call of 500 puts held a search for up to 0.12 s.
    const calls: { op: string; n: number }[] = []
    for (const op of ['bulkAdd', 'bulkPut'] as const) {
      const original = d.messages[op].bind(d.messages) as (rows: unknown[]) => Promise<unknown>
      ;(d.messages as unknown as Record<string, unknown>)[op] = (rows: unknown[]) => {
        calls.push({ op, n: rows.length })
        return original(rows)
      }
    }
    const all = Array.from({ length: 250 }, (_, i) => msg(i + 1))
    await commitBatch(gk, { messages: all, range: [1, 250] }, d)
    expect(calls).toEqual([
      { op: 'bulkAdd', n: 100 },
      { op: 'bulkAdd', n: 100 },
      { op: 'bulkAdd', n: 50 }
    ])
    // The same seqs again, recalled on the server: each stored copy is read and rewritten.
    calls.length = 0
    await commitBatch(gk, { messages: all.map((m) => ({ ...m, IsPlaceMsg: 2, MsgBody: [] })), range: [1, 250] }, d)
    expect(calls).toEqual([
      { op: 'bulkPut', n: 100 },
      { op: 'bulkPut', n: 100 },
      { op: 'bulkPut', n: 50 }
    ])
    expect(await d.messages.count()).toBe(250)
    expect((await d.messages.get([gk, 250]))!.raw).toMatchObject({ MsgSeq: 250, MsgBody: [{ MsgType: 'TIMTextElem' }] })
  })

  it('gives up the write under way when a search starts, so the search does not wait for it; every batch is still written once, in order, and acknowledged after its commit', async () => {
    const { d, committer, settled } = await recordingCommitter()
    // Batch 0 is written alone; batches 1–24 (480 messages) queue behind it and go in the next write.
    const all = Promise.all(Array.from({ length: 25 }, (_, i) => committer.commit(gk, batch(i), i)))
    await secondWriteUnderWay(committer, settled)
    expect(settled).toEqual([[0]])
    let seen = -1
    await withReadPriority(async () => {
      seen = await d.messages.count()
    })
    // The search read the store as it was before the write under way: that write gave way.
    expect(seen).toBe(20)
    await all
    expect(settled.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i))
    // Written again in transactions of at most 100 messages: those will not give way to the next
    // search, which may have to wait for one.
    expect(settled.slice(1).map((ids) => ids.length * 20)).toEqual([100, 100, 100, 100, 80])
    expect(await d.messages.count()).toBe(500)
    expect((await d.coverage.get(gk))!.ranges).toEqual([[1, 500]])
    expect((await d.groups.get(gk))!.stats).toMatchObject({ messages: 500 })
  })

  it('keeps syncing while searches follow one another: a batch gives way to them for a while, then is written', async () => {
    const { d, committer, settled } = await recordingCommitter()
    const bound = BatchCommitter.yieldForMs
    BatchCommitter.yieldForMs = 50
    try {
      // 100 batches (2,000 messages); a search starts whenever a write is under way, as a user's
      // searches may land one after another while a big group syncs, and they never stop.
      let done = false
      const all = Promise.all(Array.from({ length: 100 }, (_, i) => committer.commit(gk, batch(i), i))).then(() => (done = true))
      let searches = 0
      while (!done && searches < 5000) {
        if (!committer.writing) {
          await new Promise((r) => setTimeout(r, 0))
          continue
        }
        searches++
        await withReadPriority(() => d.messages.count())
      }
      // Before, every search gave up the long write under way: the same 500 messages were put
      // again and again, and the sync never finished while the searches went on.
      expect(done).toBe(true)
      await all
      expect(searches).toBeGreaterThan(5)
      expect(settled.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i))
      expect(await d.messages.count()).toBe(2000)
      expect((await d.coverage.get(gk))!.ranges).toEqual([[1, 2000]])
    } finally {
      BatchCommitter.yieldForMs = bound
    }
  })

  it('gives way while the user types a search, and writes again once the typing stopped', async () => {
    const { d, committer, settled } = await recordingCommitter()
    const all = Promise.all(Array.from({ length: 25 }, (_, i) => committer.commit(gk, batch(i), i)))
    await secondWriteUnderWay(committer, settled)
    // A keystroke in the search box: the write under way (480 messages) gives way at once.
    const bound = BatchCommitter.holdForReadMs
    BatchCommitter.holdForReadMs = 1000
    try {
      readExpected(300)
      expect(readsWaiting()).toBe(true)
      await new Promise((r) => setTimeout(r, 50))
      expect(await d.messages.count()).toBe(20)
      readExpected(300)
      await new Promise((r) => setTimeout(r, 150))
      // Typing goes on (the last keystroke 150 ms ago): nothing written yet.
      expect(await d.messages.count()).toBe(20)
    } finally {
      BatchCommitter.holdForReadMs = bound
    }
    await all
    expect(readsWaiting()).toBe(false)
    expect(settled.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i))
    expect(await d.messages.count()).toBe(500)
  })

  it('holds the next write while a search reads, but never longer than its bound', async () => {
    const d = freshDb()
    await withGroup(d)
    const committer = new BatchCommitter(d)
    let searchDone!: () => void
    const searching = withReadPriority(() => new Promise<void>((resolve) => (searchDone = resolve)))
    const first = committer.commit(gk, { messages: [msg(1)], range: [1, 1] })
    await new Promise((r) => setTimeout(r, 100))
    expect(await d.messages.count()).toBe(0)
    searchDone()
    await searching
    await first
    expect(await d.messages.count()).toBe(1)
    // A search that never ends delays the sync's writes by the bound, never stops them.
    let longDone!: () => void
    const long = withReadPriority(() => new Promise<void>((resolve) => (longDone = resolve)))
    await committer.commit(gk, { messages: [msg(2)], range: [2, 2] })
    expect(await d.messages.count()).toBe(2)
    longDone()
    await long
  })
})
