// people/resolve.ts over a source that fails in the ways the server can (issue 18 §1): a failed
// profile request or member list never fails the pull; the names seen before stand.
import { describe, expect, it } from 'vitest'
import { resolveGroupPeople, type PeopleSource } from '../../../src-main/people/resolve'
import type { GroupMember, ProfilesResult } from '../../../src-main/shared/tim-types'

function source(opts: { members?: GroupMember[] | Error; profiles?: ProfilesResult | Error }): PeopleSource & { asked: string[][] } {
  const asked: string[][] = []
  return {
    asked,
    getGroupMembers: async () => {
      if (opts.members instanceof Error) throw opts.members
      return opts.members ?? []
    },
    getProfiles: async (accounts) => {
      asked.push([...accounts])
      if (opts.profiles instanceof Error) throw opts.profiles
      return opts.profiles ?? { profiles: [], failed: [] }
    }
  }
}

describe('resolveGroupPeople', () => {
  it('asks profiles for members and past senders once each, never for the system sender', async () => {
    const s = source({
      members: [
        { Member_Account: 'alice', NameCard: 'Alice (PM)' },
        { Member_Account: 'bob', NameCard: '' }
      ],
      profiles: {
        profiles: [
          { account: 'alice', nick: 'Alice Wang' },
          { account: 'bob', nick: 'Bob' },
          { account: 'li_lei', nick: '李雷' }
        ],
        failed: []
      }
    })
    const r = await resolveGroupPeople(s, { groupId: 'g', senders: ['bob', 'li_lei', '@TIM#SYSTEM', ''], now: 5 })
    expect(s.asked).toEqual([['alice', 'bob', 'li_lei']])
    expect(r.members).toBe(2)
    expect(r.sightings).toEqual([
      { account: 'alice', sighting: { seenAt: 5, nick: 'Alice Wang', nameCard: 'Alice (PM)' }, member: true },
      { account: 'bob', sighting: { seenAt: 5, nick: 'Bob' }, member: true },
      { account: 'li_lei', sighting: { seenAt: 5, nick: '李雷' }, member: false }
    ])
  })

  it('a failed profile request names every account and keeps the members (name cards), marked profileMissing', async () => {
    const s = source({ members: [{ Member_Account: 'alice', NameCard: 'Alice (PM)' }], profiles: new Error('portrait_get: error 40006') })
    const r = await resolveGroupPeople(s, { groupId: 'g', senders: ['li_lei'], now: 5 })
    expect(r.failed.map((f) => f.id)).toEqual(['alice', 'li_lei'])
    expect(r.failed[0]!.info).toContain('40006')
    // li_lei, neither listed nor answered, has nothing to note; alice keeps her card.
    expect(r.sightings).toEqual([{ account: 'alice', sighting: { seenAt: 5, nameCard: 'Alice (PM)' }, member: true, profileMissing: true }])
  })

  it('a member list that cannot be read is a note; senders are still named by profile, membership unknown', async () => {
    const s = source({ members: new Error('get_group_member_info: error 10004'), profiles: { profiles: [{ account: 'bob', nick: 'Bob' }], failed: [] } })
    const r = await resolveGroupPeople(s, { groupId: 'g', senders: ['bob'], now: 5 })
    expect(r.memberNote).toMatch(/member list not read: .*10004/)
    expect(r.members).toBeUndefined()
    expect(r.sightings).toEqual([{ account: 'bob', sighting: { seenAt: 5, nick: 'Bob' } }])
  })

  it('an abort is not swallowed as a note', async () => {
    const ac = new AbortController()
    ac.abort(new Error('interrupted'))
    const s = source({ members: new Error('aborted') })
    await expect(resolveGroupPeople(s, { groupId: 'g', senders: [], now: 5, signal: ac.signal })).rejects.toThrow('aborted')
  })
})
