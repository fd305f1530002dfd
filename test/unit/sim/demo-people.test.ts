// The demo's conversation (tools/sim/demo-people.ts): what each documented seq holds, in TUIKit's
// and Tencent's conventions, so the renderer's and the store's tests can rely on them.
import { describe, expect, test } from 'vitest'
import type { MsgElement } from '../../../src-main/shared/tim-types'
import { communityGroupId, communityTopicIds, COMMUNITY_SEQS, EDIT, TEAM_SEQS } from '../../../tools/sim/demo-people'
import { demoApp, demoGroupIds, systemSender } from '../../../tools/sim/seed'

const NOW = 1_765_065_600
const app = demoApp({ benchMessages: 10, now: NOW })
const team = app.groups.get(demoGroupIds.team)!
const at = (seq: number) => team.messages.get(seq)!
const body = (seq: number) => at(seq).body as MsgElement[]
const textOf = (seq: number) => (body(seq)[0]?.MsgContent as { Text?: string }).Text
type Reply = { messageReply: Record<string, unknown> }
const replyOf = (ccd: string | undefined) => (JSON.parse(ccd ?? 'null') as Reply | null)?.messageReply

describe('the team chat', () => {
  test('keeps its size: 600 seqs, five holes', () => {
    expect(team.nextMsgSeq).toBe(601)
    expect(team.messages.size).toBe(595)
  })

  test('a quote and a reply carry TUIKit’s messageReply pointing at the quoted seq', () => {
    const quote = replyOf(at(TEAM_SEQS.quote).cloudCustomData)
    expect(quote).toMatchObject({ messageSequence: TEAM_SEQS.quoted, messageTime: at(TEAM_SEQS.quoted).time, messageType: 1, version: 1 })
    expect(quote?.['messageAbstract']).toBe(textOf(TEAM_SEQS.quoted))
    expect(quote).not.toHaveProperty('messageRootID')
    const reply = replyOf(at(TEAM_SEQS.reply).cloudCustomData)
    expect(reply).toMatchObject({ messageSequence: TEAM_SEQS.mention, messageSender: '陈伟 · 架构' })
    expect(typeof reply?.['messageRootID']).toBe('string')
    const old = replyOf(at(TEAM_SEQS.quoteOld).cloudCustomData)
    expect(old?.['messageSequence']).toBe(120)
  })

  test('mentions are in the text, as TUIKit writes them', () => {
    expect(textOf(TEAM_SEQS.mention)).toMatch(/^@Alice Wang /)
    expect(textOf(TEAM_SEQS.mentionAll)).toMatch(/^@所有人 /)
  })

  test('a sticker, TUIKit custom messages and the edit target', () => {
    expect(body(TEAM_SEQS.sticker)).toEqual([{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'yz05' } }])
    const data = (seq: number) => JSON.parse((body(seq)[0]?.MsgContent as { Data: string }).Data) as Record<string, unknown>
    expect(data(TEAM_SEQS.groupCreate)).toMatchObject({ businessID: 'group_create', opUser: 'administrator' })
    expect(data(TEAM_SEQS.textLink)).toMatchObject({ businessID: 'text_link', link: 'https://docs.example.com/notes/v2.4' })
    expect(textOf(TEAM_SEQS.edited)).toBe(EDIT.before)
  })

  test('forwarded chats: one inline with a TUIKit reply inside, one held on the server by JsonMsgKey only', () => {
    const held = body(TEAM_SEQS.relayOnServer)[0]?.MsgContent as Record<string, unknown>
    expect(held['MsgNum']).toBe(240)
    expect(typeof held['JsonMsgKey']).toBe('string')
    expect(held).not.toHaveProperty('MsgList')
    const inline = body(TEAM_SEQS.relayInline)[0]?.MsgContent as { MsgList: Record<string, unknown>[] }
    expect(replyOf(inline.MsgList[1]?.['CloudCustomData'] as string)?.['messageSequence']).toBe(inline.MsgList[0]?.['MsgSeq'])
  })

  test('no CloudCustomData uses an invented convention: TUIKit messageReply, or the one deliberately unreadable string', () => {
    for (const m of team.messages.values()) {
      if (m.cloudCustomData === undefined) continue
      if (m.cloudCustomData.startsWith('v1|')) continue
      expect(Object.keys(JSON.parse(m.cloudCustomData) as object), `seq ${m.seq}`).toEqual(['messageReply'])
    }
  })

  test('li_lei left at the Quit tip: his member entry has leftAt, and he still has a profile', () => {
    const quit = [...team.messages.values()].find((m) => m.from === systemSender && (m.body as { OpType?: string }).OpType === 'Quit')!
    expect(team.members?.find((m) => m.account === 'li_lei')?.leftAt).toBe(quit.time)
    expect(app.profiles?.get('li_lei')?.nick[0]?.value).toBe('李雷')
    expect(team.members?.filter((m) => m.leftAt === undefined)).toHaveLength(team.MemberNum!)
  })

  test('every sender of the demo groups has a profile, except the system sender', () => {
    for (const g of app.groups.values())
      for (const m of g.messages.values()) if (m.from !== systemSender) expect(app.profiles?.has(m.from), `${g.GroupId} ${m.from}`).toBe(true)
  })
})

describe('the Community', () => {
  const c = app.groups.get(communityGroupId)!
  test('is a Community with an @TGS#_ ID and three topics whose IDs extend it', () => {
    expect(c.Type).toBe('Community')
    expect(communityGroupId.startsWith('@TGS#_')).toBe(true)
    expect([...c.topics!.keys()]).toEqual(Object.values(communityTopicIds))
    for (const id of c.topics!.keys()) expect(id.startsWith(`${communityGroupId}@TOPIC#_`)).toBe(true)
    expect(c.messages.size).toBe(0)
  })

  test('the releases topic holds a reply to its announcement', () => {
    const releases = c.topics!.get(communityTopicIds.releases)!
    const reply = replyOf(releases.messages.get(COMMUNITY_SEQS.releasesReply)?.cloudCustomData)
    expect(reply?.['messageSequence']).toBe(COMMUNITY_SEQS.releasesAnnouncement)
  })
})
