/**
 * Who the people of a group are (issue 18 §1), as the server answers now: the member list with
 * name cards (get_group_member_info) and the profiles (portrait_get: nickname, avatar) of the
 * members and of every sender the archive holds who is no longer a member. Used by
 * `tim-archive pull` (the context file) and, later, the app's host.
 *
 * Limits (docs/reference/tencent-im-api.md §9.2) are the client's: portrait_get takes at most 100
 * accounts a request (getProfiles splits), member pages are at most 200 (getGroupMembers pages by
 * Offset, a Community by Next), and every request goes through the SDKAppID's shared 200/s limiter.
 * An audio-video group (AVChatRoom) has no member list to read: its senders are resolved by
 * profile only, with a note. A failed profile request, or accounts the server answered with an
 * error, do not fail anything: they are named in `failed`.
 */
import { sighting } from '../shared/people'
import type { GroupMember, ItemFailure, ProfilesResult } from '../shared/tim-types'
import type { ArchivedMessage } from '../shared/archive-record'
import type { PersonSighting } from '../archive/context-file'

export interface PeopleSource {
  getGroupMembers(groupId: string, opts: { groupType?: string; fields?: string[]; signal?: AbortSignal }): Promise<GroupMember[]>
  getProfiles(accounts: readonly string[], opts: { signal?: AbortSignal; concurrency?: number }): Promise<ProfilesResult>
}

export interface ResolvedPeople {
  groupId: string
  /** One per account resolved: members and former members who sent messages. */
  sightings: PersonSighting[]
  /** Members listed (undefined when the list was not read). */
  members?: number
  /** Why the member list was not read, when it was not. */
  memberNote?: string
  /** Accounts whose profile the server did not give (an item error or a failed request). */
  failed: ItemFailure[]
}

/** Group types without a member list the REST API can page (get_group_member_info refuses them). */
const NO_MEMBER_LIST = new Set(['AVChatRoom', 'BChatRoom'])

/** Most accounts a group's people lookup resolves (members + senders): a bound on one pull's work. */
export const MAX_PEOPLE_PER_GROUP = 200_000

/**
 * The server's own sender, `@TIM#SYSTEM` (the simulator's system messages; the name Tencent's SDKs
 * give the system conversation; not confirmed on a REST page, docs/reference/tencent-im-api.md
 * §9.2): no account, so no profile is asked for it (portrait_get would answer 40003 every pull).
 */
export function isSystemSender(account: string): boolean {
  return account === '@TIM#SYSTEM'
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export async function resolveGroupPeople(
  source: PeopleSource,
  opts: { groupId: string; groupType?: string; senders: Iterable<string>; now: number; signal?: AbortSignal; concurrency?: number }
): Promise<ResolvedPeople> {
  const { groupId } = opts
  const out: ResolvedPeople = { groupId, sightings: [], failed: [] }
  let members: GroupMember[] | null = null
  if (opts.groupType && NO_MEMBER_LIST.has(opts.groupType)) {
    out.memberNote = `${opts.groupType} groups have no member list; senders resolved by profile only`
  } else {
    try {
      members = await source.getGroupMembers(groupId, {
        ...(opts.groupType ? { groupType: opts.groupType } : {}),
        fields: ['Member_Account', 'NameCard'],
        ...(opts.signal ? { signal: opts.signal } : {})
      })
      out.members = members.length
    } catch (e) {
      if (opts.signal?.aborted) throw e
      out.memberNote = `member list not read: ${message(e)}`
    }
  }
  const cards = new Map<string, string | undefined>()
  for (const m of members ?? []) if (typeof m.Member_Account === 'string' && m.Member_Account) cards.set(m.Member_Account, m.NameCard)
  const accounts = new Set(cards.keys())
  for (const s of opts.senders) {
    if (accounts.size >= MAX_PEOPLE_PER_GROUP) break
    if (s && !isSystemSender(s)) accounts.add(s)
  }
  const list = [...accounts].slice(0, MAX_PEOPLE_PER_GROUP)
  const profiles = new Map<string, { nick?: string; image?: string }>()
  if (list.length > 0) {
    try {
      const res = await source.getProfiles(list, { concurrency: opts.concurrency ?? 2, ...(opts.signal ? { signal: opts.signal } : {}) })
      for (const p of res.profiles) profiles.set(p.account, p)
      out.failed.push(...res.failed)
    } catch (e) {
      if (opts.signal?.aborted) throw e
      // The request failed as a whole: the names cards still name the members; nobody is lost.
      for (const a of list) if (!profiles.has(a)) out.failed.push({ id: a, info: message(e) })
    }
  }
  for (const account of list) {
    const p = profiles.get(account)
    const isMember = members ? cards.has(account) : undefined
    const s = sighting(opts.now, { nick: p?.nick, avatar: p?.image, nameCard: cards.get(account) })
    // An account neither listed nor answered (its profile failed) has nothing to note.
    if (!p && !isMember) continue
    out.sightings.push({ account, sighting: s, ...(isMember === undefined ? {} : { member: isMember }), ...(p ? {} : { profileMissing: true }) })
  }
  return out
}

/**
 * The senders of each group, as the archive's lines go by (JsonlArchive's hooks: onRecord when it
 * opens, onAppend as new lines commit).
 */
export class SenderIndex {
  private readonly byGroup = new Map<string, Set<string>>()
  note(rec: ArchivedMessage): void {
    const from = rec.From_Account
    if (typeof from !== 'string' || from === '' || typeof rec.GroupId !== 'string') return
    let s = this.byGroup.get(rec.GroupId)
    if (!s) this.byGroup.set(rec.GroupId, (s = new Set()))
    if (s.size < MAX_PEOPLE_PER_GROUP) s.add(from)
  }
  senders(groupId: string): Set<string> {
    return this.byGroup.get(groupId) ?? new Set()
  }
}
