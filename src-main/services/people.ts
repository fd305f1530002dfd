/**
 * People (issue 18 §1), the app's side: the names of a group's senders as the connected workspace
 * knows them now. The member list gives each member's group name card (get_group_member_info,
 * paged by the client, `NameCard`), the profile gives the nickname and avatar (portrait_get, 100
 * accounts per request: `Tag_Profile_IM_Nick`, `Tag_Profile_IM_Image`), docs/reference/
 * tencent-im-api.md §9.2. A sender who left the group is not on the member list and is resolved
 * through the profile alone. Every request goes through the client's shared 200/s limiter; the
 * page calls this after a sync, never during one, so a sync is never held up by names.
 *
 * The page keeps the history (lib/people, shared/people.ts notePerson): this answers sightings only.
 */
import type { PeopleResolved, PersonSighting, Result } from '../shared/ipc/contract'
import { sighting } from '../shared/people'
import { TimApiError, UnsupportedGroupError } from '../tim/errors'
import { apiError, ok } from './app-errors'
import type { Workspaces } from './workspaces'

/** portrait_get requests at a time (the limiter bounds the rate; this bounds one call's share of it). */
const profileConcurrency = 2

export class PeopleService {
  /** One resolve per group at a time: a second call for the same accounts shares the first's answer. */
  private readonly inFlight = new Map<string, Promise<Result<PeopleResolved>>>()

  constructor(
    private readonly workspaces: Workspaces,
    /** Keeps the avatars as media (services/media.ts enqueueAvatars); none in tests that do not need it. */
    private readonly avatars?: (groupId: string, urls: string[]) => void,
    private readonly now: () => number = Date.now
  ) {}

  resolve(groupId: string, accounts: string[], groupType?: string): Promise<Result<PeopleResolved>> {
    const unique = [...new Set(accounts)]
    const key = `${groupId}\u0000${unique.sort().join('\u0000')}`
    const running = this.inFlight.get(key)
    if (running) return running
    const p = this.run(groupId, unique, groupType).finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, p)
    return p
  }

  private async run(groupId: string, accounts: string[], groupType?: string): Promise<Result<PeopleResolved>> {
    const c = await this.workspaces.connected()
    if (!c.ok) return c
    try {
      const cards = new Map<string, string>()
      let note: PeopleResolved['note']
      let listed = true
      try {
        const members = await c.client.getGroupMembers(groupId, { fields: ['Member_Account', 'NameCard'], ...(groupType ? { groupType } : {}) })
        for (const m of members) if (typeof m?.Member_Account === 'string') cards.set(m.Member_Account, typeof m.NameCard === 'string' ? m.NameCard : '')
      } catch (e) {
        // No member list: a live-stream or broadcast group (refused before any request when the
        // type is known, else 10007 from the server), or a dismissed group (10010). Profiles still answer.
        const none = e instanceof UnsupportedGroupError || (e instanceof TimApiError && (e.code === 10007 || e.code === 10010))
        if (!none) throw e
        note = 'noMemberList'
        listed = false
      }
      const { profiles, failed } = await c.client.getProfiles(accounts, { concurrency: profileConcurrency })
      const seenAt = this.now()
      const failedIds = new Set(failed.map((f) => f.id))
      const byAccount = new Map(profiles.map((p) => [p.account, p]))
      const people: PersonSighting[] = []
      for (const account of accounts) {
        const profile = byAccount.get(account)
        const member = cards.has(account)
        // An account neither listed nor readable has nothing to say: the page keeps what it had.
        if (!profile && !member) continue
        const s = sighting(seenAt, { nick: profile?.nick, nameCard: cards.get(account), avatar: profile?.image })
        const out: PersonSighting = { account }
        if (s.nick) out.nick = s.nick
        if (s.nameCard) out.nameCard = s.nameCard
        if (s.avatar) out.avatar = s.avatar
        if (listed) out.member = member
        people.push(out)
      }
      const answer: PeopleResolved = { seenAt, people, failed: accounts.filter((a) => failedIds.has(a) && !byAccount.has(a)) }
      if (note) answer.note = note
      const urls = people.map((p) => p.avatar).filter((u): u is string => !!u)
      if (urls.length) this.avatars?.(groupId, urls)
      return ok(answer)
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, e.message, c.secret) }
      throw e
    }
  }
}
