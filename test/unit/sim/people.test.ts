// The simulator's people, topics and edits (docs/reference/tencent-im-api.md §9.2–§9.4, §8) over
// real HTTP on 127.0.0.1: portrait_get, get_group_member_info, get_topic, group_msg_get_simple with
// TopicId, modify_group_msg and the /_sim/ controls, on the demo app.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { genUserSig } from '../../../src-main/tim/usersig'
import { communityFanIds, communityGroupId, communityTopicIds, EDIT, TEAM_SEQS } from '../../../tools/sim/demo-people'
import { demoApp, demoCredentials, demoGroupIds } from '../../../tools/sim/seed'
import { Simulator } from '../../../tools/sim/server'

const NOW = 1_765_065_600
const APP = demoCredentials.sdkAppId
let sim: Simulator
let base: string
let clock = NOW

beforeAll(async () => {
  sim = new Simulator({ apps: [demoApp({ benchMessages: 10, now: NOW })], rateLimit: 1000, now: () => clock })
  base = (await sim.start()).url
})
afterAll(() => sim.stop())

type Json = Record<string, unknown> & { ErrorCode: number; ActionStatus: string }

async function call(path: string, body: unknown): Promise<Json> {
  const usersig = genUserSig({ sdkAppId: APP, secretKey: demoCredentials.secretKey, identifier: 'administrator', expire: 3600, time: Math.floor(clock) })
  const res = await fetch(`${base}/v4/${path}?sdkappid=${APP}&identifier=administrator&usersig=${usersig}&random=7&contenttype=json`, {
    method: 'POST',
    body: JSON.stringify(body)
  })
  return (await res.json()) as Json
}

async function control(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

type Item = { To_Account: string; ResultCode: number; ProfileItem: { Tag: string; Value: string }[] }
const tags = ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image']
const nickOf = (r: Json, acc: string): string | undefined =>
  (r['UserProfileItem'] as Item[]).find((i) => i.To_Account === acc)?.ProfileItem.find((p) => p.Tag === 'Tag_Profile_IM_Nick')?.Value

describe('portrait_get', () => {
  test('answers nicknames and avatars that this server serves; an unknown account is 40003 and in Fail_Account', async () => {
    const r = await call('profile/portrait_get', { To_Account: ['alice', 'li_lei', 'ghost'], TagList: tags })
    expect(r.ErrorCode).toBe(0)
    const items = r['UserProfileItem'] as Item[]
    expect(items.map((i) => [i.To_Account, i.ResultCode])).toEqual([
      ['alice', 0],
      ['li_lei', 0],
      ['ghost', 40003]
    ])
    expect(r['Fail_Account']).toEqual(['ghost'])
    expect(nickOf(r, 'alice')).toBe('Alice Wang')
    const avatar = items[0]?.ProfileItem.find((p) => p.Tag === 'Tag_Profile_IM_Image')?.Value ?? ''
    expect(avatar.startsWith(`${base}/cos/`)).toBe(true)
    const img = await fetch(avatar)
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/png')
    expect([...new Uint8Array(await img.arrayBuffer()).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
  })

  test('more than 100 accounts, or no TagList, is 40001', async () => {
    const many = communityFanIds().slice(0, 101)
    expect((await call('profile/portrait_get', { To_Account: many, TagList: tags })).ErrorCode).toBe(40001)
    expect((await call('profile/portrait_get', { To_Account: many.slice(0, 100), TagList: tags })).ErrorCode).toBe(0)
    expect((await call('profile/portrait_get', { To_Account: ['alice'] })).ErrorCode).toBe(40001)
  })

  test('a rename takes effect at its time: bob was renamed 20 days ago, and /_sim/profile renames now', async () => {
    clock = NOW - 30 * 86400
    expect(nickOf(await call('profile/portrait_get', { To_Account: ['bob'], TagList: tags }), 'bob')).toBe('Bob')
    clock = NOW
    expect(nickOf(await call('profile/portrait_get', { To_Account: ['bob'], TagList: tags }), 'bob')).toBe('Bob Zhang 张博')
    expect((await control('profile', { account: 'bob', nick: 'Bobby' })).json).toEqual({ ok: true })
    expect(nickOf(await call('profile/portrait_get', { To_Account: ['bob'], TagList: tags }), 'bob')).toBe('Bobby')
  })
})

type Member = { Member_Account: string; NameCard?: string; Role?: string }

describe('get_group_member_info', () => {
  test('the team: 12 members with name cards; li_lei, who left, is not listed', async () => {
    const r = await call('group_open_http_svc/get_group_member_info', { GroupId: demoGroupIds.team, MemberInfoFilter: ['NameCard'] })
    expect(r.ErrorCode).toBe(0)
    const list = r['MemberList'] as Member[]
    expect(r['MemberNum']).toBe(12)
    expect(list.map((m) => m.Member_Account)).not.toContain('li_lei')
    expect(list.find((m) => m.Member_Account === 'alice')).toEqual({ Member_Account: 'alice', NameCard: 'Alice (PM)' })
    expect(list.find((m) => m.Member_Account === 'chen_wei')?.NameCard).toBe('陈伟 · 架构')
    expect(r).not.toHaveProperty('Next')
  })

  test('Offset pages; Limit above 200 is 10004; a live-stream group is 10007', async () => {
    const p1 = await call('group_open_http_svc/get_group_member_info', { GroupId: demoGroupIds.team, Limit: 5, Offset: 0 })
    const p3 = await call('group_open_http_svc/get_group_member_info', { GroupId: demoGroupIds.team, Limit: 5, Offset: 10 })
    expect((p1['MemberList'] as Member[]).length).toBe(5)
    expect((p3['MemberList'] as Member[]).length).toBe(2)
    expect((await call('group_open_http_svc/get_group_member_info', { GroupId: demoGroupIds.team, Limit: 201 })).ErrorCode).toBe(10004)
    expect((await call('group_open_http_svc/get_group_member_info', { GroupId: demoGroupIds.live })).ErrorCode).toBe(10007)
    expect((await call('group_open_http_svc/get_group_member_info', { GroupId: '@TGS#NOPE' })).ErrorCode).toBe(10010)
  })

  test('a Community pages with Next and refuses Offset', async () => {
    expect((await call('group_open_http_svc/get_group_member_info', { GroupId: communityGroupId, Limit: 100, Offset: 0 })).ErrorCode).toBe(10004)
    const seen: string[] = []
    let next = ''
    let pages = 0
    do {
      const r = await call('group_open_http_svc/get_group_member_info', { GroupId: communityGroupId, Limit: 100, Next: next })
      expect(r.ErrorCode).toBe(0)
      for (const m of r['MemberList'] as Member[]) seen.push(m.Member_Account)
      next = r['Next'] as string
      pages++
    } while (next !== '')
    expect(pages).toBe(3)
    expect(seen).toHaveLength(247)
    expect(new Set(seen).size).toBe(247)
  })

  test('/_sim/name-card and /_sim/leave change what the next call sees', async () => {
    expect((await control('name-card', { groupId: demoGroupIds.team, account: 'yossi', nameCard: 'Yossi · QA' })).status).toBe(200)
    expect((await control('leave', { groupId: demoGroupIds.team, account: 'olga' })).status).toBe(200)
    const r = await call('group_open_http_svc/get_group_member_info', { GroupId: demoGroupIds.team, MemberInfoFilter: ['NameCard'] })
    const list = r['MemberList'] as Member[]
    expect(list.find((m) => m.Member_Account === 'yossi')?.NameCard).toBe('Yossi · QA')
    expect(list.map((m) => m.Member_Account)).not.toContain('olga')
    expect((await control('leave', { groupId: demoGroupIds.team, account: 'nobody' })).status).toBe(400)
  })
})

type Topic = { ErrorCode: number; TopicInfo?: { TopicId: string; TopicName: string; NextMsgSeq: number } }

describe('get_topic and topic history', () => {
  test('lists the Community’s topics; From_Account is required; other group types are 10007', async () => {
    const r = await call('million_group_open_http_svc/get_topic', { GroupId: communityGroupId, From_Account: 'administrator' })
    expect(r.ErrorCode).toBe(0)
    const items = r['TopicAndSelfInfo'] as Topic[]
    expect(items.map((t) => t.TopicInfo?.TopicId)).toEqual(Object.values(communityTopicIds))
    expect(items.map((t) => t.TopicInfo?.NextMsgSeq)).toEqual([11, 5, 1])
    expect((await call('million_group_open_http_svc/get_topic', { GroupId: communityGroupId })).ErrorCode).toBe(10004)
    expect((await call('million_group_open_http_svc/get_topic', { GroupId: demoGroupIds.team, From_Account: 'administrator' })).ErrorCode).toBe(10007)
    const one = await call('million_group_open_http_svc/get_topic', {
      GroupId: communityGroupId,
      From_Account: 'administrator',
      TopicIdList: [communityTopicIds.releases, `${communityGroupId}@TOPIC#_nope`]
    })
    expect((one['TopicAndSelfInfo'] as Topic[]).map((t) => t.ErrorCode)).toEqual([0, 10010])
  })

  test('group_msg_get_simple with TopicId reads one topic; a missing topic is 10010; without TopicId, nothing outside topics', async () => {
    const r = await call('group_open_http_svc/group_msg_get_simple', { GroupId: communityGroupId, ReqMsgNumber: 20, TopicId: communityTopicIds.releases })
    const list = r['RspMsgList'] as { MsgSeq: number; From_Account: string; CloudCustomData?: string }[]
    expect(list.map((m) => m.MsgSeq)).toEqual([4, 3, 2, 1])
    const reply = JSON.parse(list.find((m) => m.MsgSeq === 2)?.CloudCustomData ?? '{}') as { messageReply?: { messageSequence?: number } }
    expect(reply.messageReply?.messageSequence).toBe(1)
    expect(
      (await call('group_open_http_svc/group_msg_get_simple', { GroupId: communityGroupId, ReqMsgNumber: 20, TopicId: `${communityGroupId}@TOPIC#_x` }))
        .ErrorCode
    ).toBe(10010)
    expect((await call('group_open_http_svc/group_msg_get_simple', { GroupId: communityGroupId, ReqMsgNumber: 20 }))['RspMsgList']).toEqual([])
  })

  test('/_sim/topic adds a topic and /_sim/append a message, which the next calls see', async () => {
    const id = `${communityGroupId}@TOPIC#_later`
    expect((await control('topic', { groupId: communityGroupId, topicId: id, name: 'Later 后来' })).json).toEqual({ ok: true })
    expect((await control('append', { groupId: communityGroupId, topicId: id, from: 'kenji', text: 'first!' })).json).toEqual({ ok: true, seqs: [1] })
    const r = await call('million_group_open_http_svc/get_topic', { GroupId: communityGroupId, From_Account: 'administrator' })
    expect((r['TopicAndSelfInfo'] as Topic[]).map((t) => t.TopicInfo?.TopicId)).toContain(id)
    const h = await call('group_open_http_svc/group_msg_get_simple', { GroupId: communityGroupId, ReqMsgNumber: 20, TopicId: id })
    expect((h['RspMsgList'] as { MsgBody: { MsgContent: { Text: string } }[] }[])[0]?.MsgBody[0]?.MsgContent.Text).toBe('first!')
  })
})

const bodyText = async (seq: number, topicId?: string): Promise<{ text: string; ccd?: string }> => {
  const r = await call('group_open_http_svc/group_msg_get_simple', {
    GroupId: topicId ? communityGroupId : demoGroupIds.team,
    ReqMsgNumber: 1,
    ReqMsgSeq: seq,
    ...(topicId ? { TopicId: topicId } : {})
  })
  const m = (r['RspMsgList'] as { MsgBody: { MsgContent: { Text: string } }[]; CloudCustomData?: string }[])[0]
  return { text: m?.MsgBody[0]?.MsgContent.Text ?? '', ...(m?.CloudCustomData === undefined ? {} : { ccd: m.CloudCustomData }) }
}

describe('edits', () => {
  test('modify_group_msg overwrites the body and keeps no old version', async () => {
    expect((await bodyText(TEAM_SEQS.edited)).text).toBe(EDIT.before)
    const r = await call('openim/modify_group_msg', {
      GroupId: demoGroupIds.team,
      MsgSeq: TEAM_SEQS.edited,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: EDIT.after } }]
    })
    expect(r.ErrorCode).toBe(0)
    expect((await bodyText(TEAM_SEQS.edited)).text).toBe(EDIT.after)
  })

  test('modify_group_msg: CloudCustomData alone, in a topic; nothing to change, a hole or a live group are errors', async () => {
    const t = communityTopicIds.general
    expect((await call('openim/modify_group_msg', { GroupId: communityGroupId, TopicId: t, MsgSeq: 1, CloudCustomData: '{"pinned":true}' })).ErrorCode).toBe(0)
    expect(await bodyText(1, t)).toEqual({ text: 'Welcome to the community!', ccd: '{"pinned":true}' })
    expect((await call('openim/modify_group_msg', { GroupId: demoGroupIds.team, MsgSeq: 3 })).ErrorCode).toBe(10004)
    expect((await call('openim/modify_group_msg', { GroupId: demoGroupIds.team, MsgSeq: 57, CloudCustomData: 'x' })).ErrorCode).toBe(10004)
    expect((await call('openim/modify_group_msg', { GroupId: demoGroupIds.live, MsgSeq: 1, CloudCustomData: 'x' })).ErrorCode).toBe(10007)
  })

  test('/_sim/edit edits between two syncs', async () => {
    const before = await bodyText(TEAM_SEQS.quoted)
    const r = await control('edit', {
      groupId: demoGroupIds.team,
      seq: TEAM_SEQS.quoted,
      body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Release 2.4 moved to tomorrow.' } }]
    })
    expect(r.json).toEqual({ ok: true })
    expect(before.text).not.toBe('Release 2.4 moved to tomorrow.')
    expect((await bodyText(TEAM_SEQS.quoted)).text).toBe('Release 2.4 moved to tomorrow.')
  })
})
