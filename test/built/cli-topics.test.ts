/**
 * A Community's topics in the archive (issue 18 §2): real `tim-archive pull` child processes
 * against the simulator over 127.0.0.1. Each topic is pulled with TopicId as its own sync unit:
 * its messages' lines carry TopicId, its resume point is its own in the state file, and a topic
 * created on the server after a pull (/_sim/topic) is found and pulled by the next one.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoGroupIds } from '../../tools/sim/seed'
import { communityTopicIds } from '../../tools/sim/demo-people'
import { Simulator } from '../../tools/sim/server'
import { cliEnv, runCli } from '../helpers/cli'
import { freshAppId, startDemoSim, stopDemoSim } from '../helpers/sim'

const appId = freshAppId()
const { community } = demoGroupIds
let dir: string
let sim: Simulator
let url: string

const run = (args: string[]): ReturnType<typeof runCli> => runCli(args, cliEnv(appId, url))

async function control(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/_sim/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sdkAppId: appId, ...body })
  })
  expect(await res.json()).toMatchObject({ ok: true })
}

interface Line {
  GroupId: string
  TopicId?: string
  MsgSeq: number
}
const lines = async (path: string): Promise<Line[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line)

beforeAll(async () => {
  ;({ sim, url, dir } = await startDemoSim(appId, 'tim-cli-topics-'))
}, 60_000)

afterAll(() => stopDemoSim({ sim, dir }))

describe('tim-archive pull archives a Community topic by topic', () => {
  it('14 topic messages with their TopicId, each topic its own resume point; a new topic found by the next pull', async () => {
    const archive = join(dir, 'community.jsonl')
    const first = await run(['pull', '--group', community, '--out', archive])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain(`${communityTopicIds.general}: complete, 10 messages archived`)
    expect(first.stdout).toContain(`${communityTopicIds.releases}: complete, 4 messages archived`)
    expect(first.stdout).toContain(`${communityTopicIds.ideas}: complete, 0 messages archived`)

    const all = await lines(archive)
    const inTopics = all.filter((l) => l.TopicId !== undefined)
    expect(inTopics).toHaveLength(14)
    expect(inTopics.every((l) => l.GroupId === community && l.TopicId!.startsWith(`${community}@TOPIC#_`))).toBe(true)
    expect(
      inTopics
        .filter((l) => l.TopicId === communityTopicIds.general)
        .map((l) => l.MsgSeq)
        .sort((a, b) => a - b)
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(
      inTopics
        .filter((l) => l.TopicId === communityTopicIds.releases)
        .map((l) => l.MsgSeq)
        .sort((a, b) => a - b)
    ).toEqual([1, 2, 3, 4])

    // report: a topic is a channel of its group, named "Group / Topic" from the context file.
    const report = await run(['report', '--in', archive])
    expect(report.code, report.stderr).toBe(0)
    expect(report.stdout).toContain(`开源社区 Community 🌐 / General 综合 (${communityTopicIds.general}): 10 messages; complete: seq 1–10`)
    expect(report.stdout).toContain(`开源社区 Community 🌐 / Releases 发布 (${communityTopicIds.releases}): 4 messages; complete: seq 1–4`)
    expect(report.stdout).toContain(`开源社区 Community 🌐 (${community}): 0 messages`)

    // export: every topic message is exported (a topic's seqs are its own, not duplicates of the group's).
    const exported = await run(['export', '--in', archive, '--format', 'jsonl', '--out', join(dir, 'out.jsonl')])
    expect(exported.code, exported.stderr).toBe(0)
    const out = await lines(join(dir, 'out.jsonl'))
    expect(out.filter((l) => l.TopicId === communityTopicIds.releases)).toHaveLength(4)
    expect(out.filter((l) => l.TopicId === communityTopicIds.general)).toHaveLength(10)
    // Readable formats: a section per topic, "Group / Topic (ID)", names from the context file.
    const txt = join(dir, 'out.txt')
    const asText = await run(['export', '--in', archive, '--format', 'txt', '--out', txt])
    expect(asText.code, asText.stderr).toBe(0)
    const headings = (await readFile(txt, 'utf8')).split('\n').filter((l) => l.startsWith('=== '))
    expect(headings).toEqual([
      `=== 开源社区 Community 🌐 / General 综合 (${communityTopicIds.general}) ===`,
      `=== 开源社区 Community 🌐 / Releases 发布 (${communityTopicIds.releases}) ===`
    ])
    const csv = join(dir, 'out.csv')
    expect((await run(['export', '--in', archive, '--format', 'csv', '--out', csv])).code).toBe(0)
    const rows = (await readFile(csv, 'utf8')).split('\r\n')
    expect(rows[0]).toBe('\uFEFFgroup,seq,time,sender,type,text,state,server,topic,topic_name,sender_name')
    expect(rows.filter((r) => r.includes(`'${communityTopicIds.releases},Releases 发布,`))).toHaveLength(4)

    const state = JSON.parse(await readFile(`${archive}.state.json`, 'utf8')) as { groups: Record<string, { ranges: [number, number][] }> }
    expect(state.groups[communityTopicIds.general]!.ranges).toEqual([[1, 10]])
    expect(state.groups[communityTopicIds.releases]!.ranges).toEqual([[1, 4]])

    // A second pull adds nothing; a topic created on the server since, with a message, is found.
    const newTopic = `${community}@TOPIC#_archive_test`
    await control('topic', { groupId: community, topicId: newTopic, name: 'Archive test' })
    await control('append', { groupId: community, topicId: newTopic, from: 'bob', text: 'first in the new topic' })
    await control('append', { groupId: community, topicId: communityTopicIds.ideas, from: 'bob', text: 'an idea' })
    const second = await run(['pull', '--group', community, '--out', archive])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain(`${newTopic}: complete, 1 messages archived`)
    expect(second.stdout).toContain(`${communityTopicIds.ideas}: complete, 1 messages archived`)
    expect(second.stdout).toContain('2 new messages')
    const after = await lines(archive)
    expect(after).toHaveLength(all.length + 2)
    expect(after.filter((l) => l.TopicId === newTopic).map((l) => l.MsgSeq)).toEqual([1])
  }, 60_000)
})
