/**
 * A Community's topics survive a kill (issue 18 §2): real `tim-archive pull` child processes
 * against the simulator over 127.0.0.1, killed with SIGKILL while a topic is half pulled (the
 * simulator's latency slows each answer so the kill lands mid-topic), then resumed. Every topic
 * ends exact: each of the server's seqs once, with the server's MsgRandom, no gap, no duplicate.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoGroupIds } from '../../tools/sim/seed'
import { communityTopicIds } from '../../tools/sim/demo-people'
import type { Simulator } from '../../tools/sim/server'
import { cliEnv, runCli, startCli } from '../helpers/cli'
import { freshAppId, startDemoSim, stopDemoSim } from '../helpers/sim'

const appId = freshAppId()
const { community } = demoGroupIds
let dir: string
let sim: Simulator
let url: string

interface Line {
  GroupId: string
  TopicId?: string
  MsgSeq: number
  MsgRandom: number
}

async function lines(path: string): Promise<Line[]> {
  if (!existsSync(path)) return []
  // A kill can leave a torn last line; the next pull cuts it off, a reader here skips it.
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Line]
      } catch {
        return []
      }
    })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  ;({ sim, url, dir } = await startDemoSim(appId, 'tim-cli-topics-kill-'))
  // Topics large enough to be killed in: 1,200 more messages in general and 600 in releases.
  const base = 1_765_000_000
  const msg = (i: number, topic: string) => ({
    from: i % 2 ? 'alice' : 'bob',
    time: base + i,
    random: (i * 2654435761) >>> 0,
    state: 'normal' as const,
    body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `${topic} ${i}` } }]
  })
  sim.appendTopicMessages(
    appId,
    community,
    communityTopicIds.general,
    Array.from({ length: 1200 }, (_, i) => msg(i, 'general'))
  )
  sim.appendTopicMessages(
    appId,
    community,
    communityTopicIds.releases,
    Array.from({ length: 600 }, (_, i) => msg(i, 'releases'))
  )
}, 60_000)

afterAll(() => stopDemoSim({ sim, dir }))

describe('tim-archive pull of a Community, killed mid-topic', () => {
  it('resumes every topic exactly after SIGKILLs that land while a topic is half pulled', async () => {
    const archive = join(dir, 'killed.jsonl')
    const env = cliEnv(appId, url)
    const server = (topicId: string): Map<number, number> =>
      new Map([...sim.group(appId, community).topics!.get(topicId)!.messages.values()].map((m) => [m.seq, m.random]))
    const expected = new Map(Object.values(communityTopicIds).map((t) => [t, server(t)]))
    expect(expected.get(communityTopicIds.general)!.size).toBe(1210)

    sim.setLatency(15)
    let midTopic = 0
    for (let round = 0; round < 4; round++) {
      const before = (await lines(archive)).length
      const child = startCli(['pull', '--group', community, '--out', archive, '--concurrency', '2'], env)
      const closed = new Promise((r) => child.on('close', r))
      // Kill once this run has added lines and a topic is partly in the file.
      for (let i = 0; i < 400; i++) {
        await sleep(25)
        const now = await lines(archive)
        const partial = [...expected].some(([t, seqs]) => {
          const have = now.filter((l) => l.TopicId === t).length
          return have > 0 && have < seqs.size
        })
        if (now.length > before + 40 && partial) break
      }
      const now = await lines(archive)
      if ([...expected].some(([t, seqs]) => now.filter((l) => l.TopicId === t).length < seqs.size)) midTopic++
      child.kill('SIGKILL')
      await closed
    }
    // The kills landed before the topics were complete.
    expect(midTopic).toBeGreaterThanOrEqual(3)
    const partial = await lines(archive)
    expect(partial.filter((l) => l.TopicId !== undefined).length).toBeLessThan(1210 + 604)

    sim.setLatency(1)
    const r = await runCli(['pull', '--group', community, '--out', archive], env)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/FAILED/)
    const all = await lines(archive)
    // No torn or repeated line: every line parses and is one (unit, seq).
    const raw = (await readFile(archive, 'utf8')).split('\n').filter(Boolean)
    expect(all).toHaveLength(raw.length)
    const keys = all.map((l) => `${l.TopicId ?? l.GroupId}#${l.MsgSeq}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const [topic, seqs] of expected) {
      const got = new Map(all.filter((l) => l.TopicId === topic).map((l) => [l.MsgSeq, l.MsgRandom]))
      expect(
        [...got.keys()].sort((a, b) => a - b),
        topic
      ).toEqual([...seqs.keys()].sort((a, b) => a - b))
      expect(got, topic).toEqual(seqs)
    }
    const state = JSON.parse(await readFile(`${archive}.state.json`, 'utf8')) as { groups: Record<string, { ranges: [number, number][] }> }
    expect(state.groups[communityTopicIds.general]!.ranges).toEqual([[1, 1210]])
    expect(state.groups[communityTopicIds.releases]!.ranges).toEqual([[1, 604]])
    // A further pull adds nothing.
    const again = await runCli(['pull', '--group', community, '--out', archive], env)
    expect(again.code).toBe(0)
    expect((await lines(archive)).length).toBe(all.length)
  }, 180_000)
})
