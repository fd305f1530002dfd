// The archive's context file (issue 18 §3): typed lines appended only when something changed,
// fsynced, folded on read through shared/people.ts; a torn last line (a kill mid-append) skipped.
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContextWriter, contextPathFor, personKey, readContextFile } from '../../../src-main/archive/context-file'
import { nameAt, sighting } from '../../../src-main/shared/people'

let dir: string
let path: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tim-context-'))
  path = contextPathFor(join(dir, 'team.jsonl'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const T0 = Date.UTC(2026, 0, 1)
const T1 = Date.UTC(2026, 1, 1)
const G = '@TGS#1DEMOTEAM'

async function lines(): Promise<Record<string, unknown>[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('context file', () => {
  it('sits beside the archive as FILE.context.jsonl, and is absent for an archive pulled without it', async () => {
    expect(path).toBe(join(dir, 'team.jsonl.context.jsonl'))
    expect(await readContextFile(path)).toBeNull()
  })

  it('writes a group, its topics and people, and a second pull with the same names appends nothing', async () => {
    const w = await ContextWriter.open(path)
    const people = [
      { account: 'bob', sighting: sighting(T0, { nick: 'Bob', avatar: 'http://127.0.0.1/cos/bob' }), member: true },
      { account: 'li_lei', sighting: sighting(T0, { nick: '李雷' }), member: false }
    ]
    expect(await w.note(G, T0, { group: { name: 'Team 🚀', groupType: 'Work' }, topics: [{ topicId: 't1', name: 'General' }], people })).toBe(4)
    expect(await lines()).toEqual([
      { type: 'group', groupId: G, seenAt: '2026-01-01T00:00:00.000Z', name: 'Team 🚀', groupType: 'Work' },
      { type: 'topic', groupId: G, topicId: 't1', seenAt: '2026-01-01T00:00:00.000Z', name: 'General' },
      { type: 'person', groupId: G, account: 'bob', seenAt: '2026-01-01T00:00:00.000Z', nick: 'Bob', avatar: 'http://127.0.0.1/cos/bob', member: true },
      { type: 'person', groupId: G, account: 'li_lei', seenAt: '2026-01-01T00:00:00.000Z', nick: '李雷', member: false }
    ])
    const again = await ContextWriter.open(path)
    const later = people.map((p) => ({ ...p, sighting: { ...p.sighting, seenAt: T1 } }))
    expect(await again.note(G, T1, { group: { name: 'Team 🚀', groupType: 'Work' }, topics: [{ topicId: 't1', name: 'General' }], people: later })).toBe(0)
    expect(await lines()).toHaveLength(4)
  })

  it('a rename appends one line, and the reader shows the name in force at each time', async () => {
    const w = await ContextWriter.open(path)
    await w.note(G, T0, { people: [{ account: 'bob', sighting: sighting(T0, { nick: 'Bob' }), member: true }] })
    const w2 = await ContextWriter.open(path)
    await w2.note(G, T1, { people: [{ account: 'bob', sighting: sighting(T1, { nick: 'Bob Zhang', nameCard: 'Bob (QA)' }), member: true }] })
    expect(await lines()).toHaveLength(2)
    const ctx = (await readContextFile(path))!
    const bob = ctx.people.get(personKey(G, 'bob'))!
    expect(bob.history.map((h) => [h.seenAt, h.nick, h.nameCard])).toEqual([
      [T0, 'Bob', undefined],
      [T1, 'Bob Zhang', 'Bob (QA)']
    ])
    expect(nameAt(bob, 'bob', T0 + 1000).name).toBe('Bob')
    expect(nameAt(bob, 'bob', T1 + 1000).name).toBe('Bob (QA)')
    // Before the first sighting: the current name, not known then.
    expect(nameAt(bob, 'bob', T0 - 1000)).toEqual({ name: 'Bob (QA)', known: false, current: 'Bob (QA)' })
  })

  it('a profile not answered keeps the nickname and avatar seen before (no false rename)', async () => {
    const w = await ContextWriter.open(path)
    await w.note(G, T0, { people: [{ account: 'bob', sighting: sighting(T0, { nick: 'Bob', avatar: 'a' }), member: true }] })
    const n = await w.note(G, T1, { people: [{ account: 'bob', sighting: sighting(T1, {}), member: true, profileMissing: true }] })
    expect(n).toBe(0)
    expect((await readContextFile(path))!.people.get(personKey(G, 'bob'))!.history).toHaveLength(1)
  })

  it('leaving the group is one line (member false), the names unchanged', async () => {
    const w = await ContextWriter.open(path)
    await w.note(G, T0, { people: [{ account: 'li_lei', sighting: sighting(T0, { nick: '李雷' }), member: true }] })
    await w.note(G, T1, { people: [{ account: 'li_lei', sighting: sighting(T1, { nick: '李雷' }), member: false }] })
    const p = (await readContextFile(path))!.people.get(personKey(G, 'li_lei'))!
    expect(p.member).toBe(false)
    expect(p.history).toHaveLength(1)
  })

  it('a torn last line (a kill mid-append) is skipped on read, and the next writer starts on a new line', async () => {
    const w = await ContextWriter.open(path)
    await w.note(G, T0, { group: { name: 'Team' }, people: [{ account: 'bob', sighting: sighting(T0, { nick: 'Bob' }) }] })
    await appendFile(path, '{"type":"person","groupId":"@TGS#1DEMOTEAM","account":"al')
    const torn = (await readContextFile(path))!
    expect(torn.skipped).toBe(1)
    expect(torn.groups.get(G)?.name).toBe('Team')
    const w2 = await ContextWriter.open(path)
    await w2.note(G, T1, { people: [{ account: 'alice', sighting: sighting(T1, { nick: 'Alice' }) }] })
    const ctx = (await readContextFile(path))!
    expect(ctx.skipped).toBe(1)
    expect(ctx.people.get(personKey(G, 'alice'))?.history[0]?.nick).toBe('Alice')
    expect(ctx.people.size).toBe(2)
  })

  it('an archive line is not a context line: a reader given the wrong file reads nothing from it', async () => {
    await writeFile(path, '{"GroupId":"g","MsgSeq":1,"MsgTimeStamp":1,"From_Account":"a","MsgBody":[]}\n')
    const ctx = (await readContextFile(path))!
    expect(ctx.skipped).toBe(1)
    expect(ctx.people.size).toBe(0)
  })
})
