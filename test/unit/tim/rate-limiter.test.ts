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
    const limiter = new RateLimiter(200, 4)
    const { seen } = await sample(limiter, 1000, 2000, 10)
    // After 1 s of fake time: about 200 granted, never the 400 a full bucket would allow.
    expect(seen[99]).toBeGreaterThanOrEqual(190)
    expect(seen[99]).toBeLessThanOrEqual(205)
    expect(seen[199]).toBeGreaterThanOrEqual(390)
    expect(seen[199]).toBeLessThanOrEqual(405)
  })

  it('holds everyone back after pause() (the server refused for frequency, 60007)', async () => {
    const limiter = new RateLimiter(100, 1)
    await limiter.take()
    limiter.pause(500)
    const { seen } = await sample(limiter, 50, 800, 10)
    expect(seen[40]).toBe(0) // 400 ms in: still paused
    expect(seen.at(-1)).toBeGreaterThan(10)
  })

  it('can be lowered while in use', async () => {
    const limiter = new RateLimiter(200, 1)
    limiter.setRate(20)
    const { seen } = await sample(limiter, 100, 1000, 10)
    expect(seen[99]).toBeLessThanOrEqual(22)
  })

  it('rejects a waiting take when its signal aborts', async () => {
    const limiter = new RateLimiter(1, 1)
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
