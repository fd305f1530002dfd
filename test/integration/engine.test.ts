import { afterEach, describe, expect, it, vi } from 'vitest'
import { syncGroup, type ArchiveSink, type MessageSource, type SyncBatch, type SyncProgress } from '../../src-main/archive/engine'
import { Semaphore } from '../../src-main/archive/semaphore'
import { TimClient } from '../../src-main/tim/client'
import { TimApiError } from '../../src-main/tim/errors'
import { addRange, countSeqs, emptyCoverage, isComplete, type SeqRange } from '../../src-main/shared/coverage'
import { randomHistory, type RandomHistoryOptions } from '../../tools/sim/seed'
import type { SimGroup } from '../../tools/sim/server'
import { MemorySink, expectedPlaces, sortedEntries } from '../helpers/memory-sink'
import { appWith, credsFor, freshAppId, group, startSim } from '../helpers/sim'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function setup(groups: SimGroup[], opts: Parameters<typeof startSim>[0] = {}, clientOpts: ConstructorParameters<typeof TimClient>[1] = {}) {
  const appId = freshAppId()
  // These tests are about what gets archived, not pacing: a high limit keeps them quick. The
  // client's pacing against the real limit is covered in client.test.ts and bench:sync.
  const { sim, url } = await startSim({ rateLimit: 5000, ...opts, apps: [appWith(appId, groups)] })
  stops.push(() => sim.stop())
  const client = new TimClient(credsFor(appId, url), { backoffMs: 1, backoffLimitMs: 50, rate: 5000, ...clientOpts })
  return { sim, client, appId }
}

function expectArchiveEquals(sink: MemorySink, g: SimGroup): void {
  expect(sortedEntries(sink.places(g.GroupId))).toEqual(sortedEntries(expectedPlaces(g)))
  expect(isComplete(sink.cov(g.GroupId))).toBe(true)
}

/** Small, varied histories: the shapes the issue names, plus random mixes. */
const shapes: [string, RandomHistoryOptions][] = [
  ['an empty group', { messages: 0 }],
  ['a single message', { messages: 1 }],
  ['exactly 20 messages', { messages: 20 }],
  ['exactly 21 messages', { messages: 21 }],
  ['seq holes', { messages: 700, holeRate: 0.3 }],
  ['long runs of holes', { messages: 900, holeRate: 0.9 }],
  ['deleted and recalled messages', { messages: 500, deleteRate: 0.2, recallRate: 0.2 }],
  ['a history floor far above seq 1', { messages: 1200, startSeq: 7_802_000, floor: 7_802_400 }],
  ['an expired bottom', { messages: 600, expiredBelow: 200 }],
  ['responses cut short by size', { messages: 400, bigMessageRate: 0.5 }],
  ['system messages with object bodies', { messages: 300, systemRate: 0.3 }],
  [
    'everything at once',
    { messages: 2500, holeRate: 0.2, deleteRate: 0.05, recallRate: 0.05, bigMessageRate: 0.1, systemRate: 0.05, startSeq: 40_000, floor: 40_150 }
  ]
]

describe("the sync engine archives exactly the server's history", () => {
  it.each(shapes)('for %s', async (_name, opts) => {
    const g = group('g', randomHistory(opts.messages * 7 + 1, opts))
    const { client } = await setup([g], { maxResponseBytes: 40_000 })
    const sink = new MemorySink()
    const result = await syncGroup({ source: client, groupId: 'g', sink, concurrency: 8, windowSize: 100 })
    expect(result.complete).toBe(true)
    expectArchiveEquals(sink, g)
  })

  const variants: [string, { semantics?: 'count'; withoutGroupInfo?: boolean }][] = [
    ['ReqMsgNumber read as a message count', { semantics: 'count' }],
    ['a server without get_group_info', { withoutGroupInfo: true }],
    ['both', { semantics: 'count', withoutGroupInfo: true }]
  ]
  describe.each(variants)('when the server differs from the reference: %s', (_name, variant) => {
    it.each(shapes)('for %s', async (_shape, opts) => {
      const g = group('g', randomHistory(opts.messages * 7 + 1, opts))
      const { client } = await setup([g], { maxResponseBytes: 40_000, ...variant })
      const sink = new MemorySink()
      const result = await syncGroup({ source: client, groupId: 'g', sink, concurrency: 8, windowSize: 100 })
      // Without NextMsgSeq a head page of holes only is indistinguishable from an empty group,
      // as in the documented loop; everything else must be exact.
      const headAllHoles = variant.withoutGroupInfo && variant.semantics !== 'count' && ![...g.messages.keys()].some((s) => s > g.nextMsgSeq - 21)
      if (headAllHoles) return
      expect(result.complete).toBe(true)
      expectArchiveEquals(sink, g)
    })
  })

  it('for 25 random histories (seeded)', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const r = randomHistory(seed, { messages: 1 })
      void r
      const rng = (n: number) => ((seed * 2654435761) >>> 0) % n
      const opts: RandomHistoryOptions = {
        messages: 20 + rng(1500),
        holeRate: [0, 0.1, 0.5, 0.95][rng(4)],
        deleteRate: [0, 0.1][seed % 2],
        recallRate: [0, 0.1][(seed >> 1) % 2],
        bigMessageRate: [0, 0.2][(seed >> 2) % 2],
        startSeq: [1, 1000, 5_000_000][seed % 3]
      }
      if (seed % 4 === 0) opts.floor = (opts.startSeq ?? 1) + rng(opts.messages)
      const g = group(`r${seed}`, randomHistory(seed, opts))
      const { client } = await setup([g], { maxResponseBytes: 30_000 })
      const sink = new MemorySink()
      const res = await syncGroup({ source: client, groupId: g.GroupId, sink, concurrency: 6, windowSize: 60 })
      expect(res.complete, `seed ${seed}`).toBe(true)
      expect(sortedEntries(sink.places(g.GroupId)), `seed ${seed}`).toEqual(sortedEntries(expectedPlaces(g)))
    }
  })

  it('under 15% injected faults of every kind', async () => {
    const g = group('g', randomHistory(99, { messages: 1500, holeRate: 0.1, deleteRate: 0.05, recallRate: 0.05, bigMessageRate: 0.05 }))
    const { client, sim } = await setup(
      [g],
      { maxResponseBytes: 40_000, faults: { rate: 0.15, kinds: ['err10002', 'html502', 'reset', 'truncated', 'stall'], stallMs: 5000 } },
      { timeoutMs: 400, retries: 20 }
    )
    const sink = new MemorySink()
    const res = await syncGroup({ source: client, groupId: 'g', sink, concurrency: 12, windowSize: 100 })
    expect(res.complete).toBe(true)
    expect(sim.stats.faultsInjected).toBeGreaterThan(10)
    expectArchiveEquals(sink, g)
  })

  it('asks for fewer messages when the server refuses a page as too large (10018)', async () => {
    const g = group('g', randomHistory(44, { messages: 300, bigMessageRate: 0.6 }))
    const { client } = await setup([g], { maxResponseBytes: 40_000, oversizeAs10018: true })
    const sink = new MemorySink()
    const res = await syncGroup({ source: client, groupId: 'g', sink, concurrency: 4 })
    expect(res.complete).toBe(true)
    expectArchiveEquals(sink, g)
  })

  it('adds only what is new on a later run', async () => {
    const g = group('g', randomHistory(5, { messages: 300, holeRate: 0.1 }))
    const { client, sim, appId } = await setup([g])
    const sink = new MemorySink()
    await syncGroup({ source: client, groupId: 'g', sink })
    const added = sim.appendMessages(
      appId,
      'g',
      Array.from({ length: 45 }, (_, i) => ({
        from: 'bob',
        time: 1_800_000_000 + i,
        random: i,
        body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `new ${i}` } }],
        state: 'normal' as const
      }))
    )
    expect(added).toHaveLength(45)
    sim.resetStats()
    const res = await syncGroup({ source: client, groupId: 'g', sink, coverage: sink.cov('g') })
    expect(res.complete).toBe(true)
    expectArchiveEquals(sink, g)
    // The head request plus the 45 new seqs: a handful of requests, not a full walk.
    expect(sim.stats.byCommand.group_msg_get_simple).toBeLessThanOrEqual(5)
  })

  it('resumes an interrupted first run from its coverage with nothing lost or repeated', async () => {
    const g = group('g', randomHistory(8, { messages: 3000, holeRate: 0.2 }))
    const { client } = await setup([g], { latencyMs: 5 })
    const sink = new MemorySink()
    const abort = new AbortController()
    let batches = 0
    const counting = {
      commit: async (b: Parameters<MemorySink['commit']>[0]) => {
        await sink.commit(b)
        if (++batches === 40) abort.abort(new Error('stop'))
      }
    }
    await expect(syncGroup({ source: client, groupId: 'g', sink: counting, signal: abort.signal, concurrency: 8 })).rejects.toThrow()
    expect(isComplete(sink.cov('g'))).toBe(false)
    const res = await syncGroup({ source: client, groupId: 'g', sink, coverage: sink.cov('g'), concurrency: 8 })
    expect(res.complete).toBe(true)
    expectArchiveEquals(sink, g)
  })

  it('keeps content the server deletes or recalls later, and records it on --recheck', async () => {
    const g = group('g', randomHistory(11, { messages: 200 }))
    const { client, sim, appId } = await setup([g])
    const sink = new MemorySink()
    await syncGroup({ source: client, groupId: 'g', sink })
    const before = sink.messages.get('g')!.get(50)!
    sim.setState(appId, 'g', 50, 'deleted')
    sim.setState(appId, 'g', 60, 'recalled')
    sim.setState(appId, 'g', 70, 'expired')
    // A normal incremental run does not walk archived history again…
    await syncGroup({ source: client, groupId: 'g', sink, coverage: sink.cov('g') })
    expect(sink.messages.get('g')!.get(50)!._archive).toBeUndefined()
    // …a recheck does, and notes what the server now says without losing the content.
    const res = await syncGroup({ source: client, groupId: 'g', sink, coverage: sink.cov('g'), recheck: true })
    expect(res.complete).toBe(true)
    const m50 = sink.messages.get('g')!.get(50)!
    expect(m50.MsgBody).toEqual(before.MsgBody)
    expect(m50.IsPlaceMsg).toBe(0)
    expect(m50._archive?.server?.IsPlaceMsg).toBe(1)
    expect(sink.messages.get('g')!.get(60)!._archive?.server?.IsPlaceMsg).toBe(2)
    expect(sink.messages.get('g')!.get(70)!._archive?.server?.IsPlaceMsg).toBe(1)
    expect(sink.messages.get('g')!.get(71)!._archive).toBeUndefined()
  })

  it('syncs several groups at once through one limiter, and one refusal does not stop the others', async () => {
    const a = group('a', randomHistory(21, { messages: 400 }))
    const b = group('b', randomHistory(22, { messages: 300, holeRate: 0.3 }))
    const live = group('live', { messages: new Map(), nextMsgSeq: 1 }, 'AVChatRoom')
    const { client } = await setup([a, b, live])
    const sink = new MemorySink()
    const slots = new Semaphore(8)
    const results = await Promise.allSettled(['a', 'live', 'b'].map((id) => syncGroup({ source: client, groupId: id, sink, slots })))
    expect(results[0]!.status).toBe('fulfilled')
    expect(results[2]!.status).toBe('fulfilled')
    expect(results[1]!.status).toBe('rejected')
    const err = (results[1] as PromiseRejectedResult).reason as TimApiError
    expect(err.code).toBe(10007)
    expectArchiveEquals(sink, a)
    expectArchiveEquals(sink, b)
  })

  it('ends its progress at 100% when history starts far above seq 1', async () => {
    const g = group('g', randomHistory(32, { messages: 500, startSeq: 7_800_001 }))
    const { client } = await setup([g])
    let last: { seqsDone: number; seqsTotal: number } | undefined
    const totals: number[] = []
    await syncGroup({
      source: client,
      groupId: 'g',
      sink: new MemorySink(),
      onProgress: (p) => {
        last = { ...p }
        if (p.seqsDone > 0) totals.push(p.seqsTotal)
      }
    })
    // From the first pulled window on, the estimate is near the real 500 seqs, not 7.8 million.
    expect(totals[0]).toBeLessThan(5_000)
    expect(last!.seqsTotal).toBeLessThan(10_000)
    expect(last!.seqsDone).toBe(last!.seqsTotal)
  })

  it.each([
    ['a topic fetched whole by its head request', 14],
    ['a group larger than the head page', 75]
  ])('counts the head request’s seqs in its progress (%s, no get_group_info)', async (_name, messages) => {
    const g = group('g', randomHistory(33, { messages }))
    const { client } = await setup([g], { withoutGroupInfo: true })
    const events: SyncProgress[] = []
    await syncGroup({ source: client, groupId: 'g', sink: new MemorySink(), onProgress: (p) => events.push({ ...p }) })
    const last = events.at(-1)!
    expect(last.phase).toBe('done')
    expect(last.messages).toBe(messages)
    // Every seq from 1 to the newest was walked: "14 of 14 seqs", not "0 of 0 seqs · 14 messages".
    expect(last.seqsTotal).toBe(g.nextMsgSeq - 1)
    expect(last.seqsDone).toBe(last.seqsTotal)
    for (const e of events) expect(e.seqsDone).toBeLessThanOrEqual(e.seqsTotal)
  })

  it('reports progress with messages, request rate and an ETA', async () => {
    const g = group('g', randomHistory(31, { messages: 2000 }))
    const { client } = await setup([g], { latencyMs: 3 })
    const events: { messages: number; etaSeconds: number | null; phase: string; seqsDone: number; seqsTotal: number }[] = []
    await syncGroup({ source: client, groupId: 'g', sink: new MemorySink(), onProgress: (p) => events.push({ ...p }) })
    const last = events.at(-1)!
    expect(last.phase).toBe('done')
    expect(last.messages).toBe(2000)
    expect(events.some((e) => e.etaSeconds !== null && e.etaSeconds > 0)).toBe(true)
    expect(last.seqsDone).toBe(last.seqsTotal)
  })
})

/**
 * A store that writes one batch at a time, like the app's renderer behind its acks: batches handed
 * over and not yet written when the run stops are refused, as the host refuses unacked batches on
 * cancel. It stops the run itself after `stopAfter` writes.
 */
class SlowSink implements ArchiveSink {
  /** The seq ranges this run made durable, merged. */
  written = emptyCoverage()
  private writes = 0
  private queue: { batch: SyncBatch; resolve: () => void; reject: (e: unknown) => void }[] = []
  private pumping = false
  constructor(
    private readonly store: MemorySink,
    private readonly stop: AbortController,
    private readonly stopAfter: number
  ) {
    stop.signal.addEventListener('abort', () => {
      for (const q of this.queue.splice(0)) q.reject(stop.signal.reason)
    })
  }

  commit(batch: SyncBatch): Promise<void> {
    if (this.stop.signal.aborted) return Promise.reject(this.stop.signal.reason)
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject })
      if (!this.pumping) void this.pump()
    })
  }

  private async pump(): Promise<void> {
    this.pumping = true
    while (this.queue.length) {
      await new Promise((r) => setImmediate(r))
      const q = this.queue.shift()
      if (!q) break
      await this.store.commit(q.batch)
      if (q.batch.range) this.written = addRange(this.written, q.batch.range)
      q.resolve()
      if (++this.writes === this.stopAfter) this.stop.abort(new Error('paused'))
    }
    this.pumping = false
  }
}

describe('progress of a recheck paused, resumed and cancelled', () => {
  it('only moves forward and counts what was committed', async () => {
    const g = group('g', randomHistory(31, { messages: 3000 }))
    const { client } = await setup([g])
    const store = new MemorySink()
    await syncGroup({ source: client, groupId: 'g', sink: store, windowSize: 100 })
    const full = countSeqs(store.cov('g').ranges)

    // Recheck, paused after 12 writes.
    const pause = new AbortController()
    const first = new SlowSink(store, pause, 12)
    const seen1: SyncProgress[] = []
    await expect(
      syncGroup({
        source: client,
        groupId: 'g',
        sink: first,
        coverage: store.cov('g'),
        recheck: true,
        signal: pause.signal,
        concurrency: 8,
        windowSize: 100,
        onProgress: (p) => seen1.push(p)
      })
    ).rejects.toThrow('paused')
    const done1 = seen1.at(-1)!.seqsDone
    expect(seen1[0]!.seqsTotal).toBe(full)
    for (let i = 1; i < seen1.length; i++) expect(seen1[i]!.seqsDone).toBeGreaterThanOrEqual(seen1[i - 1]!.seqsDone)
    // What the run shows as done is exactly what the store holds of it: nothing handed over and refused.
    expect(done1).toBe(countSeqs(first.written.ranges))
    expect(done1).toBeGreaterThan(0)

    // Resume: the recheck goes on from what it walked, then is cancelled.
    const cancel = new AbortController()
    const second = new SlowSink(store, cancel, 12)
    const seen2: SyncProgress[] = []
    await expect(
      syncGroup({
        source: client,
        groupId: 'g',
        sink: second,
        coverage: store.cov('g'),
        recheck: true,
        rechecked: first.written.ranges as SeqRange[],
        signal: cancel.signal,
        concurrency: 8,
        windowSize: 100,
        onProgress: (p) => seen2.push(p)
      })
    ).rejects.toThrow('paused')
    // Shown as the app does across a resume: what the paused run did, plus this run.
    expect(done1 + seen2[0]!.seqsTotal).toBe(full)
    let shown = done1
    for (const p of seen2) {
      expect(done1 + p.seqsDone).toBeGreaterThanOrEqual(shown)
      shown = done1 + p.seqsDone
    }
    expect(seen2.at(-1)!.seqsDone).toBe(countSeqs(second.written.ranges))
    // The resumed run walked none of what the paused one had done.
    for (const [lo, hi] of second.written.ranges) {
      for (const [flo, fhi] of first.written.ranges) expect(hi < flo || lo > fhi).toBe(true)
    }
  })
})

describe('the engine keeps the rate limit busy (issue 19)', () => {
  it('starts the walk without waiting for the probes that estimate where history starts', async () => {
    // 12,000 seqs: more than 50 windows, so the engine probes below the top for its progress estimate.
    const g = group('g', randomHistory(77, { messages: 12_000 }))
    const { client } = await setup([g])
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    let held = false
    let done = false
    let walkedWhileHeld = 0
    // Fallback only: without it the old engine, which waited for every probe, would never finish.
    const fallback = setTimeout(() => {
      done = true
      release()
    }, 5_000)
    const source: MessageSource = {
      getGroupInfo: (req, signal) => client.getGroupInfo(req, signal),
      async groupMsgGetSimple(req, signal) {
        // The lowest probe (seqs 1–20) is asked for at the start; the walk reaches it last.
        if (req.ReqMsgSeq === 20 && !held) {
          held = true
          const res = await client.groupMsgGetSimple(req, signal)
          await released
          return res
        }
        if (held && !done && ++walkedWhileHeld === 100) {
          done = true
          release()
        }
        return client.groupMsgGetSimple(req, signal)
      }
    }
    const sink = new MemorySink()
    const res = await syncGroup({ source, groupId: 'g', sink })
    clearTimeout(fallback)
    expect(held).toBe(true)
    expect(walkedWhileHeld).toBe(100)
    expect(res.complete).toBe(true)
    expectArchiveEquals(sink, g)
  })

  it('lets a sink that writes many batches at once hold more of them than the default 32', async () => {
    const g = group('g', randomHistory(78, { messages: 4_000 }))
    const { client } = await setup([g])
    const inner = new MemorySink()
    let open!: () => void
    const gate = new Promise<void>((r) => (open = r))
    let handed = 0
    const sink: ArchiveSink = {
      maxPendingCommits: 100,
      async commit(batch) {
        handed++
        await gate
        await inner.commit(batch)
      }
    }
    const run = syncGroup({ source: client, groupId: 'g', sink })
    // Nothing is durable yet: the walk goes on until 100 batches wait (plus the one per worker
    // already on its way), then holds back.
    await vi.waitFor(() => expect(handed).toBeGreaterThanOrEqual(100), { timeout: 10_000 })
    expect(handed).toBeLessThanOrEqual(100 + 16)
    open()
    expect((await run).complete).toBe(true)
    expectArchiveEquals(inner, g)
  })
})
