/** The CLI's pull progress line (issue 15 item 3): it only moves forward and says what it counts. */
import { describe, expect, it } from 'vitest'
import type { SyncProgress } from '../../src-main/archive/engine'
import { ProgressReporter } from '../../src-main/cli/progress'
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
