/**
 * The download queue: at most `concurrency` downloads at once (seen by a real loopback server),
 * retries with backoff that free their slot, one job per (group, key) in a run, progress events,
 * drain() and stop(). The outcome's durability is the ledger's (pull-media.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src-main/media/content-store'
import { MediaFetcher, type FetchAttempt } from '../../../src-main/media/fetcher'
import type { MediaRef } from '../../../src-main/shared/media/objects'
import { DEFAULT_LIMITS, type MediaOutcome } from '../../../src-main/media/outcome'
import { MediaQueue, jobId, type FetchFn, type MediaJob } from '../../../src-main/media/queue'
import { makeFetchPolicy } from '../../../src-main/media/url-policy'
import { pngBytes, serve, startFileServer, type FileServer } from './loopback-files'

let server: FileServer
let root: string

beforeAll(async () => {
  server = await startFileServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'media-queue-'))
  return () => rm(root, { recursive: true, force: true })
})

function ref(url: string | null, declaredBytes: number | null = null): MediaRef {
  return {
    kind: 'image',
    size: 'thumb',
    key: null,
    url,
    note: null,
    uuid: null,
    declaredBytes,
    width: null,
    height: null,
    fileName: null,
    seconds: null,
    format: null,
    downloadFlag: null,
    path: [0]
  }
}

const job = (groupId: string, key: string, url: string | null = 'https://cos.ap-shanghai.myqcloud.com/x'): MediaJob => ({ groupId, key, ref: ref(url) })

const saved = (n = 1): FetchAttempt => ({ outcome: { status: 'saved', bytes: n, sha256: 'a'.repeat(64), type: 'image/png', at: 1 }, retry: false })
const busy: FetchAttempt = { outcome: { status: 'failed', error: 'HTTP 503', attempts: 1, at: 1 }, retry: true }

/** A queue whose recorded outcomes are collected. */
function collecting(fetch: FetchFn, opts: Partial<ConstructorParameters<typeof MediaQueue>[0]> = {}) {
  const recorded: [string, MediaOutcome][] = []
  const q = new MediaQueue({
    fetch,
    record: (j, o) => {
      recorded.push([jobId(j.groupId, j.key), o])
    },
    retry: { maxAttempts: 4, baseMs: 1, capMs: 5 },
    ...opts
  })
  return { q, recorded }
}

describe('the media download queue', () => {
  it('never has more downloads in flight than its concurrency (seen by the server)', async () => {
    server.latencyMs = 30
    server.maxInFlight = 0
    const store = await ContentStore.open(root)
    const fetcher = new MediaFetcher({ store, policy: makeFetchPolicy({ endpoint: server.url }), limits: DEFAULT_LIMITS })
    for (let i = 0; i < 24; i++) server.routes.set(`/c${i}.png`, serve(pngBytes(2000, i)))
    const { q, recorded } = collecting((j, o) => fetcher.fetch(j.ref, o), { concurrency: 3 })
    let maxActive = 0
    q.on('queued', () => (maxActive = Math.max(maxActive, q.stats.active)))
    q.on('bytes', () => (maxActive = Math.max(maxActive, q.stats.active)))
    for (let i = 0; i < 24; i++) q.add({ groupId: 'g', key: `k${i}`, ref: ref(`${server.url}/c${i}.png`, 2000) })
    await q.drain()
    fetcher.close()
    server.latencyMs = 0
    expect(recorded).toHaveLength(24)
    expect(recorded.every(([, o]) => o.status === 'saved')).toBe(true)
    expect(server.maxInFlight).toBeLessThanOrEqual(3)
    expect(server.maxInFlight).toBeGreaterThan(1)
    expect(maxActive).toBeLessThanOrEqual(3)
    expect(q.stats).toMatchObject({ queued: 24, done: 24, active: 0, bytes: 48_000, savedBytes: 48_000 })
    expect(q.stats.byStatus.saved).toBe(24)
  })

  it('runs fewer at once when lowered (pull while the sync runs), more as soon as raised', async () => {
    const gates: (() => void)[] = []
    let active = 0
    let most = 0
    const { q, recorded } = collecting(
      () =>
        new Promise((resolve) => {
          most = Math.max(most, ++active)
          gates.push(() => {
            active--
            resolve({ outcome: { status: 'failed', error: 'x', attempts: 1, at: 0 }, retry: false })
          })
        }),
      { concurrency: 2 }
    )
    for (let i = 0; i < 10; i++) q.add({ groupId: 'g', key: `k${i}`, ref: ref(`${server.url}/x${i}`, 1) })
    await new Promise((r) => setTimeout(r, 20))
    expect(active).toBe(2)
    q.setConcurrency(6)
    expect(active).toBe(6)
    q.setConcurrency(1)
    // Lowered: the six running finish; one at a time after them.
    for (let i = 0; i < 6; i++) gates.shift()!()
    await new Promise((r) => setTimeout(r, 20))
    expect(active).toBe(1)
    while (gates.length) {
      gates.shift()!()
      await new Promise((r) => setTimeout(r, 5))
    }
    await q.drain()
    expect(recorded).toHaveLength(10)
    expect(most).toBe(6)
  })

  it('asks its cap before each start: fewer while a sync runs, all slots once it ends', async () => {
    const gates: (() => void)[] = []
    let active = 0
    let syncing = true
    const { q, recorded } = collecting(
      () =>
        new Promise((resolve) => {
          active++
          gates.push(() => {
            active--
            resolve({ outcome: { status: 'failed', error: 'x', attempts: 1, at: 0 }, retry: false })
          })
        }),
      { concurrency: 4, cap: () => (syncing ? 1 : 4) }
    )
    for (let i = 0; i < 8; i++) q.add({ groupId: 'g', key: `k${i}`, ref: ref(`${server.url}/y${i}`, 1) })
    await new Promise((r) => setTimeout(r, 20))
    expect(active).toBe(1)
    syncing = false
    gates.shift()!()
    await new Promise((r) => setTimeout(r, 20))
    expect(active).toBe(4)
    while (gates.length) {
      gates.shift()!()
      await new Promise((r) => setTimeout(r, 5))
    }
    await q.drain()
    expect(recorded).toHaveLength(8)
  })

  it('retries a transient failure with backoff and records the final outcome once', async () => {
    let calls = 0
    const { q, recorded } = collecting(async () => (++calls < 3 ? busy : saved()))
    q.add(job('g', 'k'))
    await q.drain()
    expect(calls).toBe(3)
    expect(recorded).toEqual([[jobId('g', 'k'), saved().outcome]])
  })

  it('records failed with the number of attempts once retries run out', async () => {
    let calls = 0
    const { q, recorded } = collecting(async () => {
      calls++
      return busy
    })
    q.add(job('g', 'k'))
    await q.drain()
    expect(calls).toBe(4)
    expect(recorded).toEqual([[jobId('g', 'k'), { status: 'failed', error: 'HTTP 503', attempts: 4, at: 1 }]])
  })

  it('does not retry what another attempt cannot change (an expiry, a refusal)', async () => {
    let calls = 0
    const { q, recorded } = collecting(async () => {
      calls++
      return { outcome: { status: 'expired', httpStatus: 404, firstSeenAt: 1, lastSeenAt: 1 }, retry: false }
    })
    q.add(job('g', 'k'))
    await q.drain()
    expect(calls).toBe(1)
    expect(recorded[0]![1].status).toBe('expired')
  })

  it('frees the slot while a retry waits, so other objects go on downloading', async () => {
    const order: string[] = []
    let first = true
    const { q } = collecting(
      async (j) => {
        order.push(j.key)
        if (j.key === 'slow' && first) {
          first = false
          return busy
        }
        return saved()
      },
      { concurrency: 1, retry: { maxAttempts: 3, baseMs: 40, capMs: 40 }, random: () => 0.99 }
    )
    q.add(job('g', 'slow'))
    q.add(job('g', 'b'))
    q.add(job('g', 'c'))
    await q.drain()
    expect(order).toEqual(['slow', 'b', 'c', 'slow'])
  })

  it('takes each (group, key) once per run: while queued, in flight, or after it is recorded', async () => {
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { q, recorded } = collecting(async () => {
      calls++
      await gate
      return saved()
    })
    expect(q.add(job('g', 'k'))).toBe(true)
    expect(q.add(job('g', 'k'))).toBe(false)
    release()
    await q.drain()
    expect(q.add(job('g', 'k'))).toBe(false)
    expect(q.settled('g', 'k')).toBe(true)
    expect(calls).toBe(1)
    expect(recorded).toHaveLength(1)
  })

  it('keeps groups apart: the same key in two groups is two objects, each with its own URL and outcome', async () => {
    const seen: string[] = []
    const { q, recorded } = collecting(async (j) => {
      seen.push(`${j.groupId} ${j.ref.url}`)
      return j.groupId === 'A' ? saved() : { outcome: { status: 'expired', httpStatus: 404, firstSeenAt: 1, lastSeenAt: 1 }, retry: false }
    })
    expect(q.add(job('A', 'image:thumb:uuid:U', 'https://a.myqcloud.com/u'))).toBe(true)
    // Group B's crafted message reuses A's UUID, with another URL.
    expect(q.add(job('B', 'image:thumb:uuid:U', 'https://b.myqcloud.com/u'))).toBe(true)
    await q.drain()
    expect(seen.sort()).toEqual(['A https://a.myqcloud.com/u', 'B https://b.myqcloud.com/u'])
    expect(new Map(recorded).get(jobId('A', 'image:thumb:uuid:U'))!.status).toBe('saved')
    expect(new Map(recorded).get(jobId('B', 'image:thumb:uuid:U'))!.status).toBe('expired')
  })

  it('reports progress: queued, done and bytes', async () => {
    const { q } = collecting(async (_j, o) => {
      o.onBytes?.(10)
      o.onBytes?.(5)
      return saved(15)
    })
    const events: string[] = []
    q.on('queued', (j) => events.push(`queued ${j.key}`))
    q.on('done', (j, o) => events.push(`done ${j.key} ${o.status}`))
    let bytes = 0
    q.on('bytes', (n) => (bytes += n))
    q.add(job('g', 'a'))
    q.add(job('g', 'b'))
    await q.drain()
    expect(events.filter((e) => e.startsWith('queued'))).toEqual(['queued a', 'queued b'])
    expect(events.filter((e) => e.startsWith('done')).sort()).toEqual(['done a saved', 'done b saved'])
    expect(bytes).toBe(30)
    expect(q.stats.bytes).toBe(30)
  })

  it('drains at once when empty, and again after more work is added', async () => {
    const { q, recorded } = collecting(async () => saved())
    await q.drain()
    q.add(job('g', 'a'))
    await q.drain()
    expect(recorded).toHaveLength(1)
  })

  it('stops: downloads in flight are aborted and nothing is recorded for them', async () => {
    const ac = new AbortController()
    const { q, recorded } = collecting(
      (_j, o) =>
        new Promise<FetchAttempt>((_resolve, reject) => {
          o.signal!.addEventListener('abort', () => reject(o.signal!.reason as Error))
        }),
      { signal: ac.signal }
    )
    q.add(job('g', 'a'))
    q.add(job('g', 'b'))
    const drained = q.drain()
    ac.abort(new Error('interrupted'))
    await drained
    expect(recorded).toEqual([])
    expect(q.add(job('g', 'c'))).toBe(false)
  })

  it('fails drain() when an outcome cannot be recorded (the disk is full), and stops', async () => {
    const q = new MediaQueue({
      fetch: async () => saved(),
      record: () => {
        throw new Error('ENOSPC')
      }
    })
    q.add(job('g', 'a'))
    await expect(q.drain()).rejects.toThrow('ENOSPC')
  })
})

/**
 * Not a test: the measurement behind DEFAULT_CONCURRENCY. Run with
 *   MEASURE_MEDIA=1 npx vitest run --config test/vitest.config.mts test/unit/media/queue.test.ts -t measure
 * It prints files/s and MB/s per concurrency against a loopback server answering after 50 ms.
 */
describe.runIf(process.env.MEASURE_MEDIA === '1')('measure', () => {
  it('measures throughput by concurrency at 50 ms latency', { timeout: 600_000 }, async () => {
    server.latencyMs = 50
    const files = 200
    const sizes = Array.from({ length: files }, (_, i) => 20_000 + ((i * 7919) % 180_000))
    for (let i = 0; i < files; i++) server.routes.set(`/m${i}`, serve(pngBytes(sizes[i]!, i)))
    const total = sizes.reduce((a, b) => a + b, 0)
    const rows: string[] = []
    for (const c of [1, 2, 4, 8, 12, 16, 24, 32]) {
      const dir = await mkdtemp(join(tmpdir(), 'media-measure-'))
      const store = await ContentStore.open(dir)
      const fetcher = new MediaFetcher({ store, policy: makeFetchPolicy({ endpoint: server.url }), limits: DEFAULT_LIMITS, maxSockets: c })
      const q = new MediaQueue({ fetch: (j, o) => fetcher.fetch(j.ref, o), record: () => {}, concurrency: c })
      const t0 = performance.now()
      for (let i = 0; i < files; i++) q.add({ groupId: 'g', key: `m${i}`, ref: ref(`${server.url}/m${i}`, sizes[i]!) })
      await q.drain()
      const s = (performance.now() - t0) / 1000
      fetcher.close()
      await rm(dir, { recursive: true, force: true })
      rows.push(JSON.stringify({ concurrency: c, files, seconds: +s.toFixed(2), filesPerSecond: +(files / s).toFixed(1), MBps: +(total / 1e6 / s).toFixed(2) }))
    }
    server.latencyMs = 0
    console.log(rows.join('\n'))
  })
})
