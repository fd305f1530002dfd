/**
 * Token bucket shared by every request of one SDKAppID in this process (group_msg_get_simple and
 * get_group_info are both limited to 200/s per app; docs/reference/tencent-im-api.md §1.7).
 *
 * The bucket holds at most `burst` tokens. A small burst matters: the server counts its own window,
 * and a client that starts with a full second of tokens can send 2× the limit in its first second
 * and be refused with 60007.
 */
export class RateLimiter {
  private tokens: number
  private last: number
  private queue: { resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = []
  private timer: NodeJS.Timeout | undefined
  private pausedUntil = 0

  constructor(
    private perSecond: number,
    private readonly burst = Math.max(1, Math.round(perSecond / 50)),
    private readonly clock: () => number = () => performance.now()
  ) {
    if (!(perSecond > 0)) throw new Error('rate must be a positive number of requests per second')
    this.tokens = Math.min(1, this.burst)
    this.last = this.clock()
  }

  get rate(): number {
    return this.perSecond
  }

  /** Lower (or raise) the rate, e.g. when other services share the app's quota. */
  setRate(perSecond: number): void {
    if (!(perSecond > 0)) throw new Error('rate must be a positive number of requests per second')
    this.refill()
    this.perSecond = perSecond
  }

  /**
   * Holds every caller back for `ms` (after the server refused a request for frequency, 60007):
   * without it, the waiting requests would all be refused again.
   */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms)
    this.tokens = Math.min(this.tokens, 0)
  }

  /** Resolves when the caller may send one request. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.queue)[number] = { resolve, reject, signal }
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter)
          if (i >= 0) this.queue.splice(i, 1)
          reject(signal.reason)
        }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.queue.push(waiter)
      this.drain()
    })
  }

  private refill(): void {
    const now = this.clock()
    if (now < this.pausedUntil) {
      this.last = now
      return
    }
    const from = Math.max(this.last, this.pausedUntil)
    this.tokens = Math.min(this.burst, this.tokens + ((now - from) * this.perSecond) / 1000)
    this.last = now
  }

  private drain(): void {
    this.refill()
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1
      const w = this.queue.shift()!
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort)
      w.resolve()
    }
    if (this.queue.length > 0 && !this.timer) {
      const now = this.clock()
      const wait = Math.max(this.pausedUntil - now, ((1 - this.tokens) * 1000) / this.perSecond, 1)
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.drain()
      }, wait)
    }
  }
}

const limiters = new Map<number, RateLimiter>()

/** The process-wide limiter for one SDKAppID. `rate` lowers or raises it for everyone. */
export function limiterFor(sdkAppId: number, rate?: number): RateLimiter {
  let limiter = limiters.get(sdkAppId)
  if (!limiter) {
    limiter = new RateLimiter(rate ?? 200)
    limiters.set(sdkAppId, limiter)
  } else if (rate !== undefined && rate !== limiter.rate) {
    limiter.setRate(rate)
  }
  return limiter
}
