import type { SyncProgress } from '../archive/engine'
import { formatCount, formatDuration as formatClock } from '../shared/format'

/**
 * Progress on stderr: a live bar redrawn in place on a terminal, plain lines every few seconds
 * when piped (logs, cron mail).
 */
export class ProgressReporter {
  private readonly groups = new Map<string, SyncProgress>()
  private last = 0
  private drawn = false
  /** The highest percentage shown: a group reporting for the first time adds to the total, and
   * the bar must not step back for it (issue 15 item 3). */
  private shownPct = 0

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number,
    private readonly interval = out.isTTY ? 100 : 2000
  ) {}

  update(p: SyncProgress): void {
    this.groups.set(p.groupId, p)
    const now = Date.now()
    if (now - this.last < this.interval && p.phase !== 'done') return
    this.last = now
    this.render()
  }

  private summary() {
    let messages = 0
    let done = 0
    let total = 0
    let rps = 0
    let eta: number | null = 0
    let finished = 0
    for (const p of this.groups.values()) {
      messages += p.messages
      done += p.seqsDone
      total += p.seqsTotal
      rps = Math.max(rps, p.requestsPerSecond)
      if (p.phase === 'done') finished++
      else if (p.etaSeconds === null) eta = null
      else if (eta !== null) eta = Math.max(eta, p.etaSeconds)
    }
    const raw = total > 0 ? Math.min(100, (done / total) * 100) : finished === this.total ? 100 : 0
    // Not 100% before every group is done: an estimate can run ahead of the last group's start.
    const pct = (this.shownPct = Math.max(this.shownPct, finished === this.total ? raw : Math.min(raw, 99.9)))
    return { messages, pct, rps, eta, finished }
  }

  private render(): void {
    const s = this.summary()
    const eta = s.eta === null ? '--:--' : formatDuration(s.eta)
    // "fetched": every message received this run, those already archived included; the summary
    // splits them into new and already archived.
    const stats = `${formatCount(s.messages, 'en')} messages fetched  ${formatCount(s.rps, 'en')} req/s  ETA ${eta}  groups ${s.finished}/${this.total}`
    if (this.out.isTTY) {
      const width = 24
      const filled = Math.round((s.pct / 100) * width)
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
      this.out.write(`\r\x1b[2K${bar} ${s.pct.toFixed(1).padStart(5)}%  ${stats}`)
      this.drawn = true
    } else {
      this.out.write(`progress: ${s.pct.toFixed(1)}%  ${stats}\n`)
    }
  }

  /** Messages received this run across every group (the number the bar shows). */
  get fetched(): number {
    let n = 0
    for (const p of this.groups.values()) n += p.messages
    return n
  }

  /** Ends the live line so later output starts on a fresh line. */
  finish(): void {
    this.render()
    if (this.drawn) this.out.write('\n')
  }
}

/** "0:07", "12:30", "1:02:03": the shared formatter's clock reading, in English digits. */
export function formatDuration(seconds: number): string {
  return formatClock(seconds, 'en')
}
