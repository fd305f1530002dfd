/**
 * The request budget shared by every request of one SDKAppID in this process (group_msg_get_simple
 * and get_group_info are both limited to 200/s per app; docs/reference/tencent-im-api.md §1.7).
 *
 * Two rules, both must allow a request:
 * - A token bucket paces requests at the rate. It holds at most `burst` tokens (a tenth of a second's
 *   worth), so time the process lost (a busy event loop, every slot waiting for an answer) is made
 *   up in a short burst instead of being lost for good. It starts with one token: a client that
 *   starts with a full bucket sends a burst the moment it starts.
 * - A sliding window: never more than the rate's requests within any one second, by this process's
 *   clock (`sent`). However the server counts its second (fixed seconds, a sliding second, or a
 *   bucket of a second's tokens), a client that keeps this rule stays within it, bursts included;
 *   only the network's jitter can still bunch requests on arrival.
 * Until 2026-12-07 the bucket held 4 tokens and there was no window. The burst of 4 could already
 * send 203 requests within one second (the unit test), and on 2 cores shared with the app's page and
 * browser the host lost the time its busy event loop or its busy slots left unused: a 30,000-message
 * sync in the app ran at 0.83–0.90 of the CLI's speed, and 0.90–0.96 after (bench:app-sync,
 * docs/dev/benchmarks.md). A full window holds the bucket (drain): see there why.
 */
export class RateLimiter {
  private tokens: number
  private last: number
  private queue: { resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = []
  private timer: NodeJS.Timeout | undefined
  private pausedUntil = 0
  /** When the last grants went, oldest first: at most `windowCount` of them (the sliding window). */
  private sent: number[] = []
  private windowCount = 1
  private windowMs = 1000
  private burst = 1

  constructor(
    private perSecond: number,
    private readonly clock: () => number = () => performance.now()
  ) {
    if (!(perSecond > 0)) throw new Error('rate must be a positive number of requests per second')
    this.shape()
    this.tokens = 1
    this.last = this.clock()
  }

  /** The burst and the window for the rate: `windowCount` grants per `windowMs` is the rate. */
  private shape(): void {
    this.burst = Math.max(1, Math.round(this.perSecond / 10))
    this.windowCount = Math.max(1, Math.floor(this.perSecond))
    this.windowMs = (1000 * this.windowCount) / this.perSecond
    if (this.sent.length > this.windowCount) this.sent = this.sent.slice(-this.windowCount)
  }

  get rate(): number {
    return this.perSecond
  }

  /** Lower (or raise) the rate, e.g. when other services share the app's quota. */
  setRate(perSecond: number): void {
    if (!(perSecond > 0)) throw new Error('rate must be a positive number of requests per second')
    this.refill()
    this.perSecond = perSecond
    this.shape()
    this.tokens = Math.min(this.tokens, this.burst)
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

  /** When the sliding window next has room (now if it has). */
  private windowOpensAt(): number {
    return this.sent.length < this.windowCount ? -Infinity : this.sent[0]! + this.windowMs
  }

  private drain(): void {
    this.refill()
    const now = this.clock()
    while (this.queue.length > 0 && this.tokens >= 1 && this.windowOpensAt() <= now) {
      this.tokens -= 1
      this.sent.push(now)
      if (this.sent.length > this.windowCount) this.sent.shift()
      const w = this.queue.shift()!
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort)
      w.resolve()
    }
    const opens = this.windowOpensAt()
    if (this.queue.length > 0 && opens > now) {
      // A full window: the last second already had the rate's requests, so nothing is owed. The
      // bucket accrues nothing until it opens (as in a pause): otherwise its tokens would be spent
      // the moment it opened, in the shape of the burst that filled it, and so once a second.
      this.tokens = Math.min(this.tokens, 1)
      this.pausedUntil = Math.max(this.pausedUntil, opens)
    }
    if (this.queue.length > 0 && !this.timer) {
      // A full window is in pausedUntil (above).
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
