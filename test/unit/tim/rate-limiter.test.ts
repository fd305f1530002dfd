import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RateLimiter } from '../../../src-main/tim/rate-limiter'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Queues `takes` requests and samples how many were granted every `step` ms of fake time. */
async function sample(limiter: RateLimiter, takes: number, untilMs: number, step: number) {
  let granted = 0
  for (let i = 0; i < takes; i++) void limiter.take().then(() => granted++)
  const seen: number[] = []
  for (let t = 0; t <= untilMs; t += step) {
    await vi.advanceTimersByTimeAsync(step)
    seen.push(granted)
  }
  return { granted, seen }
}

describe('RateLimiter', () => {
  it('grants the rate per second, with no first-second burst that a server would refuse', async () => {
    const limiter = new RateLimiter(200)
    const { seen } = await sample(limiter, 1000, 2000, 10)
    // After 1 s of fake time: about 200 granted, never the 400 a full bucket would allow.
    expect(seen[99]).toBeGreaterThanOrEqual(190)
    expect(seen[99]).toBeLessThanOrEqual(205)
    expect(seen[199]).toBeGreaterThanOrEqual(390)
    expect(seen[199]).toBeLessThanOrEqual(405)
  })

  it('makes up for time nobody asked in (a busy event loop, every request waiting for its answer), a tenth of a second at most', async () => {
    const limiter = new RateLimiter(200)
    await limiter.take()
    // 300 ms with nothing asked, as when every slot waits on an answer or the process is busy.
    await vi.advanceTimersByTimeAsync(300)
    let granted = 0
    for (let i = 0; i < 100; i++) void limiter.take().then(() => granted++)
    await vi.advanceTimersByTimeAsync(0)
    // A tenth of a second's worth at once (the bucket of 4 before 2026-12-07 gave 4), no more.
    expect(granted).toBe(20)
    await vi.advanceTimersByTimeAsync(100)
    expect(granted).toBeGreaterThanOrEqual(39)
    expect(granted).toBeLessThanOrEqual(41)
  })

  it('never grants more than the rate within any one second, whatever the pattern of asking', async () => {
    const limiter = new RateLimiter(200)
    const grants: number[] = []
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    // Bursts of asking with pauses between them, for 5 s: the bucket refills in every pause.
    for (let t = 0; t < 5000;) {
      const n = Math.floor(rand() * 40)
      for (let i = 0; i < n; i++) void limiter.take().then(() => grants.push(performance.now()))
      const gap = Math.floor(rand() * 150)
      await vi.advanceTimersByTimeAsync(gap)
      t += gap
    }
    await vi.advanceTimersByTimeAsync(2000)
    expect(grants.length).toBeGreaterThan(500)
    let most = 0
    for (let i = 0, j = 0; i < grants.length; i++) {
      while (grants[i]! - grants[j]! >= 1000) j++
      most = Math.max(most, i - j + 1)
    }
    expect(most).toBeLessThanOrEqual(200)
    expect(most).toBeGreaterThanOrEqual(190)
  })

  it('makes up a slow start once, not once a second after it', async () => {
    const limiter = new RateLimiter(200)
    const grants: number[] = []
    const take = () => void limiter.take().then(() => grants.push(performance.now()))
    // A start as the CLI's: one request (the group's info), then a few while the floor is probed.
    take()
    await vi.advanceTimersByTimeAsync(100)
    for (let i = 0; i < 5; i++) take()
    await vi.advanceTimersByTimeAsync(100)
    for (let i = 0; i < 1000; i++) take()
    await vi.advanceTimersByTimeAsync(4000)
    // The most granted within any 100 ms from the second second on: about the rate's 20. Before,
    // the window let the catch-up burst through again each second (31 in 100 ms).
    const later = grants.filter((t) => t >= 1000)
    let most = 0
    for (let i = 0, j = 0; i < later.length; i++) {
      while (later[i]! - later[j]! >= 100) j++
      most = Math.max(most, i - j + 1)
    }
    expect(later.length).toBeGreaterThan(500)
    expect(most).toBeLessThanOrEqual(21)
  })

  it('holds everyone back after pause() (the server refused for frequency, 60007)', async () => {
    const limiter = new RateLimiter(100)
    await limiter.take()
    limiter.pause(500)
    const { seen } = await sample(limiter, 50, 800, 10)
    expect(seen[40]).toBe(0) // 400 ms in: still paused
    expect(seen.at(-1)).toBeGreaterThan(10)
  })

  it('can be lowered while in use', async () => {
    const limiter = new RateLimiter(200)
    limiter.setRate(20)
    const { seen } = await sample(limiter, 100, 1000, 10)
    expect(seen[99]).toBeLessThanOrEqual(22)
  })

  it('rejects a waiting take when its signal aborts', async () => {
    const limiter = new RateLimiter(1)
    await limiter.take()
    const ac = new AbortController()
    const p = limiter.take(ac.signal)
    ac.abort(new Error('cancelled'))
    await expect(p).rejects.toThrow('cancelled')
  })

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter(0)).toThrow(/positive/)
  })
})
