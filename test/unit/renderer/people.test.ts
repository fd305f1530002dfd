/**
 * People in the page (issue 18 §1): the people table keeps every name seen with when (a rename adds
 * a sighting, the same answer again adds none), the cache shows the name in force at a message's
 * time, resolving after a sync asks the host for the group's senders, deleting a group deletes its
 * people, and `from:` / the sender filter find a person by any name they had.
 */
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { PeopleResolved, Result } from '../../../src-main/shared/ipc/contract'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { commitBatch } from '../../../src-renderer/src/lib/db/archive-repo'
import { deleteGroup } from '../../../src-renderer/src/lib/db/delete-group'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import { expandNames } from '../../../src-renderer/src/lib/people/name-query'
import { exportPeople } from '../../../src-renderer/src/lib/people/export-people'
import { notePeople, peopleOf } from '../../../src-renderer/src/lib/people/people-repo'
import {
  currentName,
  flush,
  loadMentionNames,
  mentionNames,
  nameOf,
  namesRefresh,
  resolveGroups,
  usePeopleDb,
  want
} from '../../../src-renderer/src/lib/people/people.svelte'
import { senderSuggestions } from '../../../src-renderer/src/lib/people/suggest'
import { indexSearch, scanSearch } from '../../../src-renderer/src/lib/search'
import { parseQuery } from '../../../src-main/shared/search/query'
import { personsOf } from '../../../src-main/services/export-host'
import { senderNames } from '../../../src-main/export/names'
import { freshDbs } from './fresh-db'
import { splitMentions } from '../../../src-main/shared/tuikit/mentions'

const ws = '1400000000@china'
const gk = groupKey(ws, '@TGS#1DEMOTEAM')
const freshDb = freshDbs('people')
const DAY = 86_400_000

function text(seq: number, from: string, timeS: number, body = `hello ${seq}`): RawMessage {
  return {
    From_Account: from,
    MsgSeq: seq,
    MsgRandom: seq,
    MsgTimeStamp: timeS,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: body } }]
  } as RawMessage
}

function answer(seenAt: number, people: PeopleResolved['people']): PeopleResolved {
  return { seenAt, people, failed: [] }
}

describe('the people table', () => {
  it('keeps a rename as a second sighting, and the same answer again adds nothing', async () => {
    const d = freshDb()
    const t1 = Date.UTC(2026, 0, 1)
    await notePeople(gk, answer(t1, [{ account: 'bob', nick: 'Bob', member: true }]), d)
    expect(await notePeople(gk, answer(t1 + DAY, [{ account: 'bob', nick: 'Bob', member: true }]), d)).toEqual([])
    await notePeople(gk, answer(t1 + 2 * DAY, [{ account: 'bob', nick: 'Bob Zhang', nameCard: 'Bob (QA)', member: true }]), d)
    const [bob] = await peopleOf(gk, d)
    expect(bob?.history.map((s) => [s.seenAt, s.nick, s.nameCard])).toEqual([
      [t1, 'Bob', undefined],
      [t1 + 2 * DAY, 'Bob Zhang', 'Bob (QA)']
    ])
  })

  it('the cache shows the name in force at a message time, else the current one, else the account', async () => {
    const d = freshDb()
    usePeopleDb(d)
    const t1 = Date.UTC(2026, 0, 1)
    await notePeople(gk, answer(t1, [{ account: 'bob', nick: 'Bob' }]), d)
    await notePeople(gk, answer(t1 + 10 * DAY, [{ account: 'bob', nick: 'Bob Zhang' }]), d)
    want(gk, ['bob', 'nobody'])
    await flush()
    expect(nameOf(gk, 'bob', t1 + DAY)).toBe('Bob')
    expect(nameOf(gk, 'bob', t1 + 11 * DAY)).toBe('Bob Zhang')
    // Before the first sighting: the current name (the archive knows no earlier one).
    expect(nameOf(gk, 'bob', t1 - DAY)).toBe('Bob Zhang')
    expect(currentName(gk, 'bob')).toBe('Bob Zhang')
    expect(nameOf(gk, 'nobody', t1)).toBe('nobody')
    expect(currentName(gk, 'nobody')).toBeUndefined()
  })

  it("the timeline's mentions know the group's names: '@Alice Wang' is one mention once they are read", async () => {
    const d = freshDb()
    usePeopleDb(d)
    const t1 = Date.UTC(2026, 0, 1)
    await notePeople(
      gk,
      answer(t1, [
        { account: 'alice', nick: 'Alice Wang' },
        { account: 'al', nick: 'Al' }
      ]),
      d
    )
    expect(mentionNames(gk)).toEqual([])
    await loadMentionNames(gk)
    expect(mentionNames(gk)).toEqual(['Alice Wang', 'Al'])
    expect(splitMentions('@Alice Wang hi', mentionNames(gk))[0]).toEqual({ text: '@Alice Wang', mention: 'user' })
    // A rename read again (the names refresh) is known too; the old name stays (older mentions carry it).
    await notePeople(gk, answer(t1 + DAY, [{ account: 'alice', nick: 'Alice Wang-Li' }]), d)
    await loadMentionNames(gk)
    expect(mentionNames(gk)).toEqual(['Alice Wang-Li', 'Alice Wang', 'Al'])
  })

  it('after a sync, asks the host for the senders of each group and stores the answer', async () => {
    const d = freshDb()
    usePeopleDb(d)
    await addGroups(ws, [{ groupId: '@TGS#1DEMOTEAM', name: 'Team', type: 'Public', archivable: true }], d)
    await commitBatch(gk, { messages: [text(1, 'alice', 1_767_225_600), text(2, 'li_lei', 1_767_225_700)], range: [1, 2] }, d)
    const asked: [string, string[], string | undefined][] = []
    const host = {
      resolve: async (groupId: string, accounts: string[], type?: string): Promise<Result<PeopleResolved>> => {
        asked.push([groupId, [...accounts].sort(), type])
        return {
          ok: true,
          value: answer(Date.UTC(2026, 0, 2), [
            { account: 'alice', nick: 'Alice Wang', nameCard: 'Alice (PM)', member: true },
            { account: 'li_lei', nick: '李雷', member: false }
          ])
        }
      }
    }
    expect(await resolveGroups([gk], host)).toEqual({ resolved: 2, noMemberList: [] })
    expect(asked).toEqual([['@TGS#1DEMOTEAM', ['alice', 'li_lei'], 'Public']])
    expect(nameOf(gk, 'alice')).toBe('Alice (PM)')
    expect(nameOf(gk, 'li_lei')).toBe('李雷')
    // A host error leaves what was stored.
    const failing = { resolve: async (): Promise<Result<PeopleResolved>> => ({ ok: false, error: { code: 'NETWORK', message: 'down' } }) }
    const r = await resolveGroups([gk], failing)
    expect(r.error).toMatchObject({ code: 'NETWORK' })
    expect((await peopleOf(gk, d)).map((p) => p.account)).toEqual(['alice', 'li_lei'])
  })

  it('"Refresh names" asks again for the open group, one at a time, and keeps what the server said of its member list', async () => {
    const d = freshDb()
    usePeopleDb(d)
    const live = groupKey(ws, '@TGS#2LIVE')
    await addGroups(ws, [{ groupId: '@TGS#2LIVE', name: 'Live', type: 'AVChatRoom', archivable: true }], d)
    await commitBatch(live, { messages: [text(1, 'alice', 1_767_225_600)], range: [1, 1] }, d)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let calls = 0
    const host = {
      resolve: async (groupId: string, accounts: string[], type?: string): Promise<Result<PeopleResolved>> => {
        calls++
        expect([groupId, accounts, type]).toEqual(['@TGS#2LIVE', ['alice'], 'AVChatRoom'])
        await gate
        return { ok: true, value: { ...answer(Date.UTC(2026, 0, 2), [{ account: 'alice', nick: 'Alice Wang' }]), note: 'noMemberList' } }
      }
    }
    const first = namesRefresh.refresh(live, host)
    expect(namesRefresh.running).toBe(live)
    // A second press while it runs does nothing (the button is disabled too).
    await namesRefresh.refresh(live, host)
    release()
    await first
    expect(calls).toBe(1)
    expect(namesRefresh.running).toBeNull()
    expect(namesRefresh.last.get(live)).toEqual({ resolved: 1, noMemberList: true })
    expect(nameOf(live, 'alice')).toBe('Alice Wang')
    expect(mentionNames(live)).toEqual(['Alice Wang'])
    // A failure is kept for the header to say; the names already known stay.
    await namesRefresh.refresh(live, {
      resolve: async () => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'not connected' } }) as Result<PeopleResolved>
    })
    expect(namesRefresh.last.get(live)).toMatchObject({ resolved: 0, error: { code: 'NOT_CONNECTED' } })
    expect(nameOf(live, 'alice')).toBe('Alice Wang')
  })

  it('deleting a group deletes its people, not another group’s', async () => {
    const d = freshDb()
    const other = groupKey(ws, '@TGS#2OTHER')
    await addGroups(ws, [{ groupId: '@TGS#1DEMOTEAM', name: 'Team', type: 'Public', archivable: true }], d)
    await notePeople(gk, answer(1, [{ account: 'alice', nick: 'Alice' }]), d)
    await notePeople(other, answer(1, [{ account: 'alice', nick: 'Alice' }]), d)
    await deleteGroup(gk, {}, d)
    expect(await peopleOf(gk, d)).toEqual([])
    expect(await peopleOf(other, d)).toHaveLength(1)
  })
})

describe('from: by name', () => {
  const people = [
    { groupId: 'g', account: 'alice', history: [{ seenAt: 1, nick: 'Alice Wang', nameCard: 'Alice (PM)' }] },
    {
      groupId: 'g',
      account: 'bob',
      history: [
        { seenAt: 1, nick: 'Bob' },
        { seenAt: 2, nick: 'Bob Zhang 张博' }
      ]
    },
    { groupId: 'g', account: '144115', history: [{ seenAt: 1, nick: 'ＷＡＴＥＲＭＥＬＯＮ' }] }
  ]

  it('adds the accounts a value names (a whole name or one of its words, any case or width, any name ever had)', () => {
    const q = parseQuery('from:alice from:bob from:张博 from:watermelon from:zed')
    if ('error' in q) throw new Error(q.error)
    const { query } = expandNames(q, people, '')
    expect(query.clauses.map((c) => (c.kind === 'from' ? c.value : ''))).toEqual(['alice', 'bob', '张博', 'bob', 'watermelon', '144115', 'zed'])
  })

  it('the sender filter stands for itself and the accounts it names', () => {
    expect(expandNames({ clauses: [] }, people, 'wang').senders.sort()).toEqual(['alice', 'wang'])
    expect(expandNames({ clauses: [] }, people, '').senders).toEqual([])
  })

  it('search finds a person’s messages by name (index and scan agree), and -from: by name excludes them', async () => {
    const d = freshDb()
    await addGroups(ws, [{ groupId: '@TGS#1DEMOTEAM', name: 'Team', type: 'Public', archivable: true }], d)
    await commitBatch(gk, { messages: [text(1, 'alice', 1_767_225_600), text(2, 'bob', 1_767_225_700), text(3, 'carol', 1_767_225_800)], range: [1, 3] }, d)
    await notePeople(gk, answer(1, [{ account: 'bob', nick: 'Bob' }]), d)
    await notePeople(
      gk,
      answer(2, [
        { account: 'bob', nick: 'Robert Zhang' },
        { account: 'alice', nick: 'Alice Wang' }
      ]),
      d
    )
    const seqs = async (req: Parameters<typeof indexSearch>[0]) => {
      const a = await indexSearch(req, d)
      const b = await scanSearch(req, d)
      if (!a.ok || !b.ok) throw new Error('query failed')
      const ia = (await a.run.page(0, 100)).map((h) => h.seq)
      expect((await b.run.page(0, 100)).map((h) => h.seq)).toEqual(ia)
      return ia
    }
    expect(await seqs({ query: 'from:Alice' })).toEqual([1])
    expect(await seqs({ query: 'from:"Robert Zhang"' })).toEqual([2])
    // A name bob had before his rename still finds him.
    expect(await seqs({ query: 'from:bob' })).toEqual([2])
    expect(await seqs({ query: '-from:robert' })).toEqual([3, 1])
    expect(await seqs({ query: '', sender: 'Alice Wang' })).toEqual([1])
    expect(await seqs({ query: 'from:nobody' })).toEqual([])
  })

  it('the sender box suggests names matching what is typed, with the account', async () => {
    const d = freshDb()
    await notePeople(
      gk,
      answer(1, [
        { account: 'bob', nick: 'Robert Zhang' },
        { account: 'alice', nick: 'Alice Wang' }
      ]),
      d
    )
    expect(await senderSuggestions([gk], 'zha', [], d)).toEqual([{ value: 'Robert Zhang', label: 'bob' }])
    expect((await senderSuggestions([gk], '', ['carol'], d)).map((s) => s.value)).toEqual(['Alice Wang', 'carol', 'Robert Zhang'])
  })
})

describe('names in exports', () => {
  it('the page sends each person’s shown names; the host answers the name at a message time', async () => {
    const d = freshDb()
    await notePeople(gk, answer(1000, [{ account: 'bob', nick: 'Bob' }]), d)
    await notePeople(gk, answer(5000, [{ account: 'bob', nick: 'Bob', nameCard: 'Bob (QA)' }]), d)
    const people = await exportPeople([gk], 600_000, d)
    expect(people).toEqual([
      {
        groupId: '@TGS#1DEMOTEAM',
        account: 'bob',
        names: [
          [1000, 'Bob'],
          [5000, 'Bob (QA)']
        ]
      }
    ])
    // What the host's writers read of them (export.start → ExportMeta.people → export/names.ts); times in seconds.
    const names = senderNames(personsOf(people))!
    expect(names('@TGS#1DEMOTEAM', 'bob', 2)?.name).toBe('Bob')
    expect(names('@TGS#1DEMOTEAM', 'bob', 6)?.name).toBe('Bob (QA)')
    expect(names('@TGS#1DEMOTEAM', 'carol', 6)).toBeUndefined()
    // The budget bounds what is sent.
    expect(await exportPeople([gk], 10, d)).toEqual([])
  })
})
