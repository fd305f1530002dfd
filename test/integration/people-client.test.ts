// The client's people and topic calls against the simulator over real HTTP on 127.0.0.1
// (docs/reference/tencent-im-api.md §9.2, §9.3): profiles in chunks of 100, member pages by Offset
// or by a Community's Next, topics, and a topic's history with TopicId.
import { afterEach, describe, expect, it } from 'vitest'
import { TimClient, maxProfileAccounts } from '../../src-main/tim/client'
import { TimApiError, UnsupportedGroupError } from '../../src-main/tim/errors'
import { communityFanIds, communityGroupId, communityTopicIds } from '../../tools/sim/demo-people'
import { demoApp, demoGroupIds } from '../../tools/sim/seed'
import type { Simulator } from '../../tools/sim/server'
import { credsFor, freshAppId, startSim } from '../helpers/sim'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function demo(): Promise<{ sim: Simulator; client: TimClient; url: string; appId: number }> {
  const appId = freshAppId()
  const s = await startSim({ apps: [{ ...demoApp({ benchMessages: 10 }), sdkAppId: appId }], rateLimit: 1000 })
  stops.push(() => s.sim.stop())
  return { ...s, appId, client: new TimClient(credsFor(appId, s.url), { retries: 1, backoffMs: 5 }) }
}

describe('getProfiles', () => {
  it('resolves 245 accounts (one asked twice) in three requests, with nicknames, loopback avatars, a member who left and an unknown account', async () => {
    const { sim, client, url } = await demo()
    const asked = ['alice', 'bob', 'li_lei', '144115198339527735', 'ghost', 'alice', ...communityFanIds()]
    sim.resetStats()
    const { profiles, failed } = await client.getProfiles(asked)
    expect(sim.stats.byCommand['portrait_get']).toBe(3)
    const by = new Map(profiles.map((p) => [p.account, p]))
    expect(by.get('alice')?.nick).toBe('Alice Wang')
    expect(by.get('bob')?.nick).toBe('Bob Zhang 张博')
    expect(by.get('li_lei')?.nick).toBe('李雷')
    expect(by.get('144115198339527735')).toEqual({ account: '144115198339527735', nick: 'Watermelon Girl', image: '' })
    expect(failed).toEqual([{ id: 'ghost', code: 40003, info: 'Err_Profile_Account_Not_Exist' }])
    expect(profiles).toHaveLength(244)
    const avatar = by.get('alice')?.image ?? ''
    expect(avatar.startsWith(`${url}/cos/`)).toBe(true)
    expect((await fetch(avatar)).status).toBe(200)
  })

  it('a later call sees a rename made on the server in between', async () => {
    const { sim, client, appId } = await demo()
    expect((await client.getProfiles(['yossi'])).profiles[0]?.nick).toBe('יוסי Yossi')
    sim.setProfile(appId, 'yossi', { nick: 'Yossi Cohen' })
    expect((await client.getProfiles(['yossi'])).profiles[0]?.nick).toBe('Yossi Cohen')
  })

  it('refuses more than 100 accounts in one portrait_get, and names a request error', async () => {
    const { client } = await demo()
    expect(() => client.portraitGet({ To_Account: communityFanIds().slice(0, maxProfileAccounts + 1), TagList: ['Tag_Profile_IM_Nick'] })).toThrow(RangeError)
    const e = await client.portraitGet({ To_Account: ['alice'], TagList: [] }).then(
      () => null,
      (err: unknown) => err
    )
    expect(e).toBeInstanceOf(TimApiError)
    expect((e as TimApiError).code).toBe(40001)
    expect((e as TimApiError).message).toMatch(/40001 \(profile request parameters are wrong/)
  })
})

describe('group members', () => {
  it('pages a group by Offset and reads name cards; the member who left is not listed', async () => {
    const { sim, client } = await demo()
    sim.resetStats()
    const pages: number[] = []
    for await (const page of client.groupMemberPages(demoGroupIds.team, { pageSize: 5 })) pages.push(page.length)
    expect(pages).toEqual([5, 5, 2])
    const all = await client.getGroupMembers(demoGroupIds.team)
    expect(all.map((m) => m.Member_Account)).not.toContain('li_lei')
    expect(all.find((m) => m.Member_Account === 'alice')?.NameCard).toBe('Alice (PM)')
  })

  it('pages a Community with Next (no Offset), 100 at a time', async () => {
    const { sim, client } = await demo()
    sim.resetStats()
    const all = await client.getGroupMembers(communityGroupId, { groupType: 'Community' })
    expect(all).toHaveLength(247)
    expect(sim.stats.byCommand['get_group_member_info']).toBe(3)
    // The ID's @TGS#_ prefix is enough to know it is a Community.
    expect(await client.getGroupMembers(communityGroupId)).toHaveLength(247)
  })

  it('refuses a live-stream group before asking, and surfaces the server’s 10007 when the type is not known', async () => {
    const { client, sim } = await demo()
    sim.resetStats()
    await expect(client.getGroupMembers(demoGroupIds.live, { groupType: 'AVChatRoom' })).rejects.toBeInstanceOf(UnsupportedGroupError)
    expect(sim.stats.byCommand['get_group_member_info']).toBeUndefined()
    const e = await client.getGroupMembers(demoGroupIds.live).then(
      () => null,
      (err: unknown) => err
    )
    expect((e as TimApiError).code).toBe(10007)
    expect(() => client.getGroupMemberInfo({ GroupId: demoGroupIds.team, Limit: 201 })).toThrow(RangeError)
  })
})

describe('topics', () => {
  it('lists a Community’s topics, finds a new one later, and pulls a topic’s history with TopicId', async () => {
    const { client, sim, appId } = await demo()
    const first = await client.getTopics(communityGroupId)
    expect(first.failed).toEqual([])
    expect(first.topics.map((t) => [t.TopicId, t.TopicName])).toEqual([
      [communityTopicIds.general, 'General 综合'],
      [communityTopicIds.releases, 'Releases 发布'],
      [communityTopicIds.ideas, 'Ideas 想法']
    ])
    const later = `${communityGroupId}@TOPIC#_later`
    sim.addTopic(appId, communityGroupId, { TopicId: later, TopicName: 'Later' })
    expect((await client.getTopics(communityGroupId)).topics.map((t) => t.TopicId)).toContain(later)
    const some = await client.getTopics(communityGroupId, { topicIds: [communityTopicIds.ideas, `${communityGroupId}@TOPIC#_gone`] })
    expect(some.topics.map((t) => t.TopicId)).toEqual([communityTopicIds.ideas])
    expect(some.failed).toEqual([{ id: `${communityGroupId}@TOPIC#_gone`, code: 10010, info: expect.stringContaining('does not exist') }])

    const page = await client.groupMsgGetSimple({ GroupId: communityGroupId, ReqMsgNumber: 20, TopicId: communityTopicIds.general })
    expect(page.RspMsgList.map((m) => m.MsgSeq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
  })
})
