/**
 * The window planner of a sync run: hands out the windows of the missing seq ranges, newest first.
 * In the open gap (below everything known, where history may or may not go on) it can be held
 * back while the engine decides whether an empty window marks the start of history (floor-probe.ts).
 */
import type { SeqRange } from '../shared/coverage'

/** A range of seqs one worker pulls, top down. `open`: in the gap whose bottom is unknown. */
export interface Window {
  lo: number
  hi: number
  open: boolean
}

/** How the planner sizes windows as the walk nears its end. */
export interface PlannerShape {
  /** Workers pulling windows at once. Default 1 (windows keep their full size). */
  workers?: number
  /**
   * Open windows shrink only at or below this seq (the engine's walkToOneBelow), where an empty
   * window is never taken for the start of history. Default 0: open windows keep their size.
   */
  shrinkBelow?: number
}

/** Seqs per request (ReqMsgNumber is at most 20): windows are multiples of it where they can be. */
const pageSeqs = 20

/**
 * Hands out windows newest first. In the open gap it can be held back while the engine decides
 * whether an empty window marks the start of history.
 *
 * Near the end of the walk windows shrink ("guided" scheduling): a window is walked by one worker,
 * one request after another, so the last full-size windows would leave most workers idle while
 * their owners page down (10 round trips for 200 seqs). Sized at the seqs left divided among the
 * workers, down to one request's worth, the windows end together and the rate limit stays busy to
 * the end (docs/dev/benchmarks.md, issue 19).
 */
export class Planner {
  /** The closed gaps still to hand out, newest first; a gap's top moves down as windows are cut. */
  private readonly fixed: SeqRange[] = []
  /** Seqs in `fixed` (kept as a count: a recheck may plan many gaps). */
  private fixedLeft = 0
  private readonly workers: number
  private readonly shrinkBelow: number
  private openNextHi: number | null = null
  private openLo = 1
  private held = false
  private stopped = false
  private suspect: Window | null = null
  private readonly inFlight = new Set<Window>()
  private lowest = Infinity
  private waiters: (() => void)[] = []
  /** Told about every window issued in the open gap. */
  onOpenWindow: (w: Window) => void = () => {}

  constructor(
    gaps: { range: SeqRange; open: boolean }[],
    private readonly size: number,
    shape: PlannerShape = {}
  ) {
    this.workers = Math.max(1, shape.workers ?? 1)
    this.shrinkBelow = shape.shrinkBelow ?? 0
    for (const g of gaps) {
      if (g.open) {
        this.openNextHi = g.range[1]
        this.openLo = g.range[0]
      } else {
        this.fixed.push([g.range[0], g.range[1]])
        this.fixedLeft += g.range[1] - g.range[0] + 1
      }
    }
  }

  /** Seqs not yet handed out (the open gap counted down to its known bottom). */
  private left(): number {
    let n = this.fixedLeft
    if (this.openNextHi !== null && !this.stopped && this.openNextHi >= this.openLo) n += this.openNextHi - this.openLo + 1
    return n
  }

  /** The size of the next window: full, or the seqs left shared among the workers near the end. */
  private sizeAt(hi: number, open: boolean): number {
    if (this.workers === 1 || (open && hi > this.shrinkBelow)) return this.size
    const share = Math.ceil(this.left() / this.workers / pageSeqs) * pageSeqs
    return Math.max(Math.min(pageSeqs, this.size), Math.min(this.size, share))
  }

  private notify(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  private wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      })
    })
  }

  async next(signal: AbortSignal): Promise<Window | null> {
    for (;;) {
      const gap = this.fixed[0]
      if (gap) {
        const w: Window = { lo: Math.max(gap[0], gap[1] - this.sizeAt(gap[1], false) + 1), hi: gap[1], open: false }
        gap[1] = w.lo - 1
        this.fixedLeft -= w.hi - w.lo + 1
        if (gap[1] < gap[0]) this.fixed.shift()
        this.inFlight.add(w)
        return w
      }
      if (this.openNextHi !== null && this.openNextHi >= this.openLo && !this.stopped && !this.held) {
        const hi = this.openNextHi
        const w: Window = { lo: Math.max(this.openLo, hi - this.sizeAt(hi, true) + 1), hi, open: true }
        this.openNextHi = w.lo - 1
        this.lowest = Math.min(this.lowest, w.lo)
        this.inFlight.add(w)
        this.onOpenWindow(w)
        return w
      }
      const openLeft = this.openNextHi !== null && this.openNextHi >= this.openLo && !this.stopped
      if (!openLeft && this.inFlight.size === 0 && !this.suspect) return null
      if (!openLeft && !this.held && !this.suspect) return null
      await this.wait(signal)
    }
  }

  done(w: Window, found: boolean): void {
    this.inFlight.delete(w)
    if (found && this.suspect && w.hi < this.suspect.lo) this.suspect = null
    if (found && this.suspect === null) this.held = false
    this.notify()
  }

  /** An open window came back empty: hold lower windows while it is checked. */
  suspectFloor(w: Window): boolean {
    if (this.suspect || this.stopped) return false
    this.suspect = w
    this.held = true
    return true
  }

  async settledBelow(w: Window, signal: AbortSignal): Promise<void> {
    while ([...this.inFlight].some((x) => x.open && x.hi < w.lo)) await this.wait(signal)
  }

  stillSuspect(w: Window): boolean {
    if (this.suspect !== w) {
      this.held = false
      this.notify()
      return false
    }
    return true
  }

  lowestIssued(): number {
    return this.lowest
  }

  resume(): void {
    this.suspect = null
    this.held = false
    this.notify()
  }

  /** The start of history is found: no window below it is planned. */
  stop(): void {
    this.suspect = null
    this.stopped = true
    this.held = false
    this.notify()
  }
}
