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

/**
 * Hands out windows newest first. In the open gap it can be held back while the engine decides
 * whether an empty window marks the start of history.
 */
export class Planner {
  private readonly queue: Window[] = []
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
    private readonly size: number
  ) {
    for (const g of gaps) {
      if (g.open) {
        this.openNextHi = g.range[1]
        this.openLo = g.range[0]
      } else {
        for (let hi = g.range[1]; hi >= g.range[0]; hi -= size) {
          this.queue.push({ lo: Math.max(g.range[0], hi - size + 1), hi, open: false })
        }
      }
    }
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
      const fixed = this.queue.shift()
      if (fixed) {
        this.inFlight.add(fixed)
        return fixed
      }
      if (this.openNextHi !== null && this.openNextHi >= this.openLo && !this.stopped && !this.held) {
        const hi = this.openNextHi
        const w: Window = { lo: Math.max(this.openLo, hi - this.size + 1), hi, open: true }
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
