import 'fake-indexeddb/auto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ContextWriter } from '../../../src-main/archive/context-file'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { nameAt, sighting } from '../../../src-main/shared/people'
import { importedWorkspaceId } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { importContext, importContextText, isContextFile } from '../../../src-renderer/src/lib/db/import-context'
import { ImportLineError, importJsonl } from '../../../src-renderer/src/lib/db/import-jsonl'
import { notePeople } from '../../../src-renderer/src/lib/people/people-repo'
import { contextDoneText, importProblemText } from '../../../src-renderer/src/lib/state/import-text'
import { freshDbs } from './fresh-db'

const freshDb = freshDbs('import-ctx')

const G = '@TGS#1DEMOTEAM'
const gk = groupKey(importedWorkspaceId, G)
const t0 = Date.parse('2026-01-01T00:00:00.000Z')
const day = 86_400_000

function rec(seq: number, from: string, timeMs: number): ArchivedMessage {
  return {
    GroupId: G,
    From_Account: from,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `hello ${seq}` } }],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: Math.floor(timeMs / 1000)
  }
}

const archive = (): File => new File([[rec(1, 'alice', t0 + day), rec(2, 'bob', t0 + 3 * day)].map((r) => JSON.stringify(r)).join('\n') + '\n'], 'team.jsonl')

/** A context file as `tim-archive pull` writes it (the CLI's own writer): alice renamed on day 2. */
async function pulledContext(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'import-ctx-'))
  try {
    const path = join(dir, 'team.jsonl.context.jsonl')
    const w = await ContextWriter.open(path)
    await w.note(G, t0, {
      group: { name: 'Demo team', groupType: 'Work' },
      topics: [{ topicId: `${G}@TOPIC#_general`, name: 'General' }],
      people: [
        { account: 'alice', sighting: sighting(t0, { nick: 'Alice', nameCard: 'Alice (ops)' }), member: true },
        { account: 'bob', sighting: sighting(t0, { nick: 'Bob' }), member: true }
      ]
    })
    await w.note(G, t0 + 2 * day, {
      people: [{ account: 'alice', sighting: sighting(t0 + 2 * day, { nick: 'Alice', nameCard: 'Alice (lead)' }), member: true }]
    })
    return await readFile(path, 'utf8')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('importing an archive with its context file', () => {
  it('names the group and its senders, each with the name in force at the message', async () => {
    const d = freshDb()
    await importJsonl(archive(), undefined, d)
    expect((await d.groups.get(gk))!.profile.name).toBe(G)

    const text = await pulledContext()
    const r = await importContext(new File([text], 'team.jsonl.context.jsonl'), d)
    // The file's topic line of this Work group is not a Community topic's ID (@TGS#_…): no topic row.
    expect(r).toMatchObject({ groups: [gk], people: 2, peopleGroups: [gk], topics: 0, notImported: [], skipped: 0 })
    expect(await d.groups.get(groupKey(importedWorkspaceId, `${G}@TOPIC#_general`))).toBeUndefined()

    const profile = (await d.groups.get(gk))!.profile
    expect(profile).toMatchObject({ groupId: G, name: 'Demo team', type: 'Work' })
    const alice = await d.people.get([gk, 'alice'])
    expect(alice!.history.map((s) => s.nameCard)).toEqual(['Alice (ops)', 'Alice (lead)'])
    expect(alice!.member).toBe(true)
    // Message 1 (day 1) was sent as "Alice (ops)"; the current name is "Alice (lead)".
    expect(nameAt(alice, 'alice', t0 + day)).toMatchObject({ name: 'Alice (ops)', known: true, current: 'Alice (lead)' })
    expect(nameAt(await d.people.get([gk, 'bob']), 'bob', t0 + 3 * day).name).toBe('Bob')
    expect(contextDoneText('en', 'team.jsonl.context.jsonl', 1, 2, [])).toBe('Context team.jsonl.context.jsonl: 1 group named, 2 people updated.')
  })

  it('a context file alone applies to a group imported before, merging with the names the table has', async () => {
    const d = freshDb()
    await importJsonl(archive(), undefined, d)
    // The table already knows a later sighting of bob (as a sync would note it).
    await notePeople(gk, { seenAt: t0 + 10 * day, people: [{ account: 'bob', nick: 'Bobby' }], failed: [] }, d)

    const text = await pulledContext()
    const first = await importContextText(text, d)
    expect(first.people).toBe(2)
    const bob = await d.people.get([gk, 'bob'])
    // No sighting lost: the file's older one goes before the table's newer one.
    expect(bob!.history.map((s) => [s.seenAt, s.nick])).toEqual([
      [t0, 'Bob'],
      [t0 + 10 * day, 'Bobby']
    ])
    // The same file again changes nothing.
    const again = await importContextText(text, d)
    expect(again).toMatchObject({ people: 0, groups: [gk] })
    expect((await d.people.get([gk, 'bob']))!.history).toHaveLength(2)
  })

  it('leaves out groups that are not imported, and skips line types it does not know', async () => {
    const d = freshDb()
    const text = [
      { type: 'group', groupId: '@TGS#2OTHER', seenAt: '2026-01-01T00:00:00.000Z', name: 'Other' },
      { type: 'person', groupId: '@TGS#2OTHER', account: 'carol', seenAt: '2026-01-01T00:00:00.000Z', nick: 'Carol' },
      { type: 'reaction', groupId: '@TGS#2OTHER', seenAt: '2026-01-01T00:00:00.000Z' }
    ]
      .map((l) => JSON.stringify(l))
      .join('\n')
    const r = await importContextText(text, d)
    expect(r).toMatchObject({ lines: 3, groups: [], people: 0, notImported: ['@TGS#2OTHER'], skipped: 1 })
    expect(await d.groups.count()).toBe(0)
    expect(await d.people.count()).toBe(0)
    expect(contextDoneText('en', 'x.context.jsonl', 0, 0, r.notImported)).toContain('left out: @TGS#2OTHER')
  })

  it('refuses a file with a bad line, naming the line and the field, and stores nothing of it', async () => {
    const d = freshDb()
    await importJsonl(archive(), undefined, d)
    const lines = (await pulledContext()).trimEnd().split('\n')
    const bad = [...lines.slice(0, 2), JSON.stringify({ type: 'person', groupId: G, account: 'bob', seenAt: 'yesterday', nick: 'B' }), ...lines.slice(2)]
    const err = await importContextText(bad.join('\n'), d).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImportLineError)
    expect((err as ImportLineError).line).toBe(3)
    expect((err as ImportLineError).problem).toMatchObject({ field: 'seenAt', expected: 'iso-time', got: 'string' })
    expect(importProblemText('en', 3, (err as ImportLineError).problem)).toBe(
      'line 3: seenAt must be an ISO 8601 time; got the string "yesterday". Nothing was imported.'
    )
    expect((await d.groups.get(gk))!.profile.name).toBe(G)
    expect(await d.people.count()).toBe(0)

    const notJson = await importContextText(lines[0] + '\n{"type":"group",', d).catch((e: unknown) => e)
    expect(notJson).toMatchObject({ line: 2, problem: { got: 'not-json' } })
    const member = await importContextText(
      JSON.stringify({ type: 'person', groupId: G, account: 'a', seenAt: '2026-01-01T00:00:00Z', member: 'yes' }),
      d
    ).catch((e: unknown) => e)
    expect(member).toMatchObject({ line: 1, problem: { field: 'member', expected: 'boolean' } })
    expect(importProblemText('zh-CN', 1, (member as ImportLineError).problem)).toBe('第 1 行：member 应为 true 或 false，实际为字符串 "yes"。未导入任何内容。')
    expect(contextDoneText('zh-CN', 'x.context.jsonl', 1, 1, [])).toBe('上下文 x.context.jsonl：已命名 1 个群组，更新 1 位成员。')
    expect(await d.people.count()).toBe(0)
  })

  it('tells a context file from an archive by its name', () => {
    expect(isContextFile('team.jsonl.context.jsonl')).toBe(true)
    expect(isContextFile('TEAM.JSONL.CONTEXT.JSONL')).toBe(true)
    expect(isContextFile('team.jsonl')).toBe(false)
  })

  it("names a Community's topics (those with messages and those without) and gives them the group's people", async () => {
    const d = freshDb()
    const C = '@TGS#_DEMOCOMMUNITY'
    const general = `${C}@TOPIC#_general`
    const lines = [1, 2].map((seq) => JSON.stringify({ ...rec(seq, 'alice', t0 + seq * day), GroupId: C, TopicId: general }))
    await importJsonl(new File([lines.join('\n') + '\n'], 'c.jsonl'), undefined, d)
    const dir = await mkdtemp(join(tmpdir(), 'import-ctx-'))
    let text: string
    try {
      const path = join(dir, 'c.jsonl.context.jsonl')
      const w = await ContextWriter.open(path)
      await w.note(C, t0, {
        group: { name: 'Community', groupType: 'Community' },
        topics: [
          { topicId: general, name: 'General' },
          { topicId: `${C}@TOPIC#_ideas`, name: 'Ideas' }
        ],
        people: [{ account: 'alice', sighting: sighting(t0, { nick: 'Alice' }), member: true }]
      })
      text = await readFile(path, 'utf8')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const r = await importContextText(text, d)
    expect(r.topics).toBe(2)
    const gkT = groupKey(importedWorkspaceId, general)
    expect(await d.groups.get(gkT)).toMatchObject({
      profile: { name: 'General', type: 'Community' },
      topic: { groupId: C, name: 'General' },
      stats: { messages: 2 }
    })
    expect(await d.groups.get(groupKey(importedWorkspaceId, `${C}@TOPIC#_ideas`))).toMatchObject({
      topic: { groupId: C, name: 'Ideas' },
      stats: { messages: 0 }
    })
    expect(nameAt(await d.people.get([gkT, 'alice']), 'alice', t0 + day).name).toBe('Alice')
    expect(r.peopleGroups).toContain(gkT)
  })
})
