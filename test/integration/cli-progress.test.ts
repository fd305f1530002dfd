/**
 * The CLI's progress line: one ProgressLine for pull and export (issue 16 §5), redrawn in place on a
 * terminal and plain lines when piped; pull's only moves forward and says what it counts (issue 15
 * item 3).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SyncProgress } from '../../src-main/archive/engine'
import { ProgressLine, ProgressReporter } from '../../src-main/cli/progress'
import { pullSummary } from '../../src-main/cli/pull'

function reporter(groups: number): { lines: string[]; r: ProgressReporter } {
  const lines: string[] = []
  const out = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream
  return { lines, r: new ProgressReporter(out, groups, 0) }
}

const p = (groupId: string, seqsDone: number, seqsTotal: number, messages: number, phase: SyncProgress['phase'] = 'pulling'): SyncProgress => ({
  groupId,
  phase,
  messages,
  requests: 1,
  requestsPerSecond: 10,
  seqsDone,
  seqsTotal,
  etaSeconds: 5
})

describe('pull progress', () => {
  it('never steps back when a second group starts reporting, and counts messages fetched', () => {
    const { lines, r } = reporter(2)
    r.update(p('a', 500, 1000, 480)) // 50% of what is known so far
    r.update(p('b', 0, 30000, 0)) // a much bigger group appears: 500 / 31000 would be 1.6%
    r.update(p('b', 3000, 30000, 2900))
    r.update(p('a', 1000, 1000, 960, 'done'))
    r.update(p('b', 30000, 30000, 29000, 'done'))
    r.finish()
    const pcts = lines.map((l) => Number(/^progress: ([\d.]+)%/.exec(l)![1]))
    for (let i = 1; i < pcts.length; i++) expect(pcts[i]).toBeGreaterThanOrEqual(pcts[i - 1]!)
    expect(pcts.at(-1)).toBe(100)
    expect(lines.at(-1)).toMatch(/ 29,960 messages fetched /)
    expect(r.fetched).toBe(29960)
  })

  it('the summary splits what the bar counted into new, updated and already archived', () => {
    expect(pullSummary(4041, 3941, 0)).toBe('3,941 new messages, 100 already archived (4,041 fetched)')
    expect(pullSummary(300, 1, 2)).toBe('1 new message, 2 updated with server-side changes, 297 already archived (300 fetched)')
  })
})

function stream(isTTY: boolean): { written: string[]; out: NodeJS.WriteStream } {
  const written: string[] = []
  return { written, out: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream }
}

describe('the progress line', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('on a terminal, redraws one line in place with a bar, at most every 100 ms, and ends it with a newline', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const { written, out } = stream(true)
    const line = new ProgressLine(out)
    line.update('reading 0.0%', 0)
    line.update('reading 10.0%', 0.1) // within 100 ms: skipped
    vi.advanceTimersByTime(100)
    line.update('reading 50.0%', 0.5)
    vi.advanceTimersByTime(100)
    line.update('reading 150.0%', 1.5) // the bar stays within its width
    line.done()
    expect(written).toEqual([
      `\r\x1b[2K${'░'.repeat(24)} reading 0.0%`,
      `\r\x1b[2K${'█'.repeat(12)}${'░'.repeat(12)} reading 50.0%`,
      `\r\x1b[2K${'█'.repeat(24)} reading 150.0%`,
      '\n'
    ])
  })

  it('piped, writes plain lines every 2 s, no bar and no control characters, and nothing to end', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const { written, out } = stream(false)
    const line = new ProgressLine(out)
    line.update('writing 1/3 msgs', 1 / 3)
    vi.advanceTimersByTime(1999)
    line.update('writing 2/3 msgs', 2 / 3) // not yet
    vi.advanceTimersByTime(1)
    line.update('writing 3/3 msgs', 1)
    line.done()
    expect(written).toEqual(['progress: writing 1/3 msgs\n', 'progress: writing 3/3 msgs\n'])
  })

  it('after done, the next phase draws at once', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const { written, out } = stream(false)
    const line = new ProgressLine(out)
    line.update('reading 100.0%', 1)
    line.done()
    line.update('writing 0/5 msgs', 0)
    expect(written).toEqual(['progress: reading 100.0%\n', 'progress: writing 0/5 msgs\n'])
  })

  it("pull's first line waits one interval: a pull that ends sooner shows only its last", () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const { written, out } = stream(false)
    const r = new ProgressReporter(out, 1)
    r.update(p('a', 0, 1000, 0))
    vi.advanceTimersByTime(1999)
    r.update(p('a', 500, 1000, 480))
    expect(written).toEqual([])
    vi.advanceTimersByTime(1)
    r.update(p('a', 600, 1000, 580))
    expect(written).toEqual(['progress: 60.0%  580 messages fetched  10 req/s  ETA 0:05  groups 0/1\n'])
    r.update(p('a', 1000, 1000, 960, 'done'))
    r.finish()
    expect(written.at(-1)).toBe('progress: 100.0%  960 messages fetched  10 req/s  ETA 0:00  groups 1/1\n')
  })

  it("pull's line on a terminal: padded percentage after the bar, one newline at the end", () => {
    const { written, out } = stream(true)
    const r = new ProgressReporter(out, 1, 0)
    r.update(p('a', 500, 1000, 480))
    r.update(p('a', 1000, 1000, 960, 'done'))
    r.finish()
    expect(written[0]).toBe(`\r\x1b[2K${'█'.repeat(12)}${'░'.repeat(12)}  50.0%  480 messages fetched  10 req/s  ETA 0:05  groups 0/1`)
    expect(written.at(-2)).toBe(`\r\x1b[2K${'█'.repeat(24)} 100.0%  960 messages fetched  10 req/s  ETA 0:00  groups 1/1`)
    expect(written.at(-1)).toBe('\n')
  })
})
