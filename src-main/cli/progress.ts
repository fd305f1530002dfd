import type { SyncProgress } from '../archive/engine'
import { formatBytes, formatCount, formatDuration as formatClock } from '../shared/format'

/**
 * The CLI's one progress line, on stderr: on a terminal a bar and a status redrawn in place, at
 * most every 100 ms; piped (logs, cron mail), a plain `progress: …` line every 2 s. Pull
 * (ProgressReporter) and export both draw through it.
 */
export class ProgressLine {
  private last = 0
  private drawn = false

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly interval = out.isTTY ? 100 : 2000
  ) {}

  /** True on a terminal: the line is redrawn in place. */
  get live(): boolean {
    return this.out.isTTY === true
  }

  /**
   * True when a line is due (the interval has passed since the last one, or `force`); it is then
   * taken as drawn. For a caller whose text costs something to compute.
   */
  due(force = false): boolean {
    const now = Date.now()
    if (!force && now - this.last < this.interval) return false
    this.last = now
    return true
  }

  /** The first line waits one interval: a run shorter than that shows none. */
  holdFirst(): void {
    this.last = Date.now()
  }

  /** Shows `text`, after a bar filled to `fraction` (0–1) on a terminal. Not throttled. */
  draw(text: string, fraction: number): void {
    if (this.live) {
      const width = 24
      const filled = Math.max(0, Math.min(width, Math.round(fraction * width)))
      this.out.write(`\r\x1b[2K${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${text}`)
      this.drawn = true
    } else {
      this.out.write(`progress: ${text}\n`)
    }
  }

  /** draw() when a line is due. */
  update(text: string, fraction: number): void {
    if (this.due()) this.draw(text, fraction)
  }

  /** Ends the live line so later output starts on a fresh line; the next update draws at once. */
  done(): void {
    if (this.drawn) this.out.write('\n')
    this.drawn = false
    this.last = 0
  }
}

/**
 * Pull's progress over all its groups: one percentage that never steps back, messages fetched,
 * request rate, ETA and groups done, on the ProgressLine.
 */
export class ProgressReporter {
  private readonly groups = new Map<string, SyncProgress>()
  private readonly line: ProgressLine
  /** The highest percentage shown: a group reporting for the first time adds to the total, and
   * the bar must not step back for it (issue 15 item 3). */
  private shownPct = 0
  /** Media objects (pull --media): settled of queued, and bytes received. */
  private media: (() => { total: number; done: number; bytes: number }) | null = null

  constructor(
    out: NodeJS.WriteStream,
    private readonly total: number,
    interval?: number
  ) {
    this.line = new ProgressLine(out, interval)
    // Not at once: the first line (0%, no rate yet) says nothing, and drawing it builds the
    // process's first Intl formatter (35–60 ms on this machine) just as the sync starts
    // (docs/dev/benchmarks.md, issue 19).
    this.line.holdFirst()
  }

  /** Shows media downloads on the same line (pull --media). */
  showMedia(counts: () => { total: number; done: number; bytes: number }): void {
    this.media = counts
  }

  /** Redraws when a line is due (media progress arrives without sync progress). */
  tick(): void {
    if (this.line.due()) this.render()
  }

  update(p: SyncProgress): void {
    this.groups.set(p.groupId, p)
    if (this.line.due(p.phase === 'done')) this.render()
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
    const pct = this.line.live ? s.pct.toFixed(1).padStart(5) : s.pct.toFixed(1)
    const m = this.media?.()
    const media = m && m.total > 0 ? `  media ${formatCount(m.done, 'en')}/${formatCount(m.total, 'en')} ${formatBytes(m.bytes, 'en')}` : ''
    this.line.draw(`${pct}%  ${stats}${media}`, s.pct / 100)
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
    this.line.done()
  }
}

/** "0:07", "12:30", "1:02:03": the shared formatter's clock reading, in English digits. */
export function formatDuration(seconds: number): string {
  return formatClock(seconds, 'en')
}
