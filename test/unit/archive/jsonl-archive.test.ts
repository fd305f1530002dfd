import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JsonlArchive } from '../../../src-main/archive/jsonl-archive'
import { textMessage } from '../../helpers/messages'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-archive-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('JsonlArchive commits', () => {
  it('takes a commit made as soon as the previous one resolved (it used to wait forever)', async () => {
    const path = join(dir, 'chats.jsonl')
    const archive = await JsonlArchive.open(path)
    for (let seq = 1; seq <= 3; seq++) await archive.commit({ groupId: 'g', messages: [textMessage(seq)], range: [seq, seq], top: seq })
    await archive.close()
    expect(
      (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { MsgSeq: number }).MsgSeq)
    ).toEqual([1, 2, 3])
    const state = JSON.parse(await readFile(`${path}.state.json`, 'utf8')) as { groups: Record<string, { ranges: number[][] }> }
    expect(state.groups.g!.ranges).toEqual([[1, 3]])
  })
})

describe('JsonlArchive keys a Community topic apart from its group', () => {
  it('the same seqs in the group and in a topic are two messages, each with its own coverage, kept across a reopen', async () => {
    const path = join(dir, 'community.jsonl')
    const g = '@TGS#_C'
    const t = `${g}@TOPIC#_general`
    let archive = await JsonlArchive.open(path)
    await archive.commit({ groupId: g, messages: [textMessage(1), textMessage(2)], range: [1, 2], top: 2 })
    await archive.commit({ groupId: g, topicId: t, messages: [textMessage(1)], range: [1, 1], top: 1 })
    // The topic's seq 2 is new; its seq 1 again is no duplicate.
    await archive.commit({ groupId: g, topicId: t, messages: [textMessage(1), textMessage(2)], range: [1, 2], top: 2 })
    await archive.close()

    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { GroupId: string; TopicId?: string; MsgSeq: number })
    expect(lines.map((l) => [l.GroupId, l.TopicId ?? null, l.MsgSeq])).toEqual([
      [g, null, 1],
      [g, null, 2],
      [g, t, 1],
      [g, t, 2]
    ])
    const state = JSON.parse(await readFile(`${path}.state.json`, 'utf8')) as { groups: Record<string, { ranges: number[][] }> }
    expect(Object.keys(state.groups).sort()).toEqual([g, t])

    archive = await JsonlArchive.open(path)
    expect(archive.messageCount(g)).toBe(2)
    expect(archive.messageCount(g, t)).toBe(2)
    expect(archive.messageCount()).toBe(4)
    expect(archive.coverage(g, t).ranges).toEqual([[1, 2]])
    expect(archive.coverage(g, `${g}@TOPIC#_other`).ranges).toEqual([])
    // Pulled again after the reopen, the topic's messages add nothing.
    await archive.commit({ groupId: g, topicId: t, messages: [textMessage(2)], range: [2, 2], top: 2 })
    expect(archive.appended).toBe(0)
    await archive.close()
  })
})
