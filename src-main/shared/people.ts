/**
 * People (issue 18 §1): who an account was, as the app's users saw it, over time.
 *
 * Tencent keeps only the current nickname and avatar (profile API, `Tag_Profile_IM_Nick`,
 * `Tag_Profile_IM_Image`) and the current group name card (`get_group_member_info` `NameCard`),
 * docs/reference/tencent-im-api.md §9.2. The archive keeps every value it has seen, with when it
 * first saw it: a person's `history` gains a sighting only when something changed, so it stays
 * short however often a sync runs.
 *
 * A person is kept per group (a name card belongs to one group; the nickname is the account's,
 * repeated in each group it appears in). The name shown is TUIKit's: the group name card, else the
 * nickname, else the account ID (§9.2).
 *
 * Pure and shared by the CLI, the hosts and the renderer. Input is untrusted: strings are bounded.
 */

/** One sighting of a person's names: what the server answered at `seenAt` (ms). Absent fields were empty. */
export interface NameSighting {
  seenAt: number
  nick?: string
  nameCard?: string
  /** The avatar's URL as the profile gave it (kept as media by its identity, never fetched by the page). */
  avatar?: string
}

export interface Person {
  groupId: string
  account: string
  /** Oldest first; each differs from the one before it in at least one field. */
  history: NameSighting[]
  /** Whether the member list had the account at the last sighting (false: left the group, resolved through the profile). */
  member?: boolean
}

/** Longest name kept (characters); longer values are cut. */
export const MAX_NAME_CHARS = 256
/** Longest avatar URL kept. */
export const MAX_AVATAR_CHARS = 2048
/** Sightings kept per person: the first and the latest ones (a rename loop cannot grow a record). */
export const MAX_SIGHTINGS = 50

function clean(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined
  const s = v.trim()
  if (s === '') return undefined
  return s.length > max ? s.slice(0, max) : s
}

/** A sighting with its strings checked and bounded (empty strings are absent). */
export function sighting(seenAt: number, fields: { nick?: unknown; nameCard?: unknown; avatar?: unknown }): NameSighting {
  const s: NameSighting = { seenAt }
  const nick = clean(fields.nick, MAX_NAME_CHARS)
  const nameCard = clean(fields.nameCard, MAX_NAME_CHARS)
  const avatar = clean(fields.avatar, MAX_AVATAR_CHARS)
  if (nick) s.nick = nick
  if (nameCard) s.nameCard = nameCard
  if (avatar) s.avatar = avatar
  return s
}

function sameNames(a: NameSighting, b: NameSighting): boolean {
  return a.nick === b.nick && a.nameCard === b.nameCard && a.avatar === b.avatar
}

/**
 * The person after a new sighting: unchanged (the same object) when the names are those of the
 * latest sighting, else with the sighting added in time order. Past MAX_SIGHTINGS the oldest after
 * the first are dropped: the first name seen and the latest ones stay.
 */
export function notePerson(prev: Person | undefined, groupId: string, account: string, s: NameSighting, member?: boolean): Person {
  if (!prev) return { groupId, account, history: [s], ...(member === undefined ? {} : { member }) }
  const history = prev.history
  const last = history[history.length - 1]
  const memberChanged = member !== undefined && member !== prev.member
  if (last && sameNames(last, s) && s.seenAt >= last.seenAt) {
    return memberChanged ? { ...prev, member } : prev
  }
  // A sighting older than the latest (a merge of two archives) goes in its place, unless it repeats a neighbour.
  const at = history.findIndex((h) => h.seenAt > s.seenAt)
  const i = at === -1 ? history.length : at
  const before = history[i - 1]
  if (before && sameNames(before, s)) return memberChanged ? { ...prev, member } : prev
  let next = [...history.slice(0, i), s, ...history.slice(i)]
  // A later neighbour that now repeats the new one is the same name seen again: the earlier sighting stands.
  if (next[i + 1] && sameNames(next[i + 1]!, s)) next.splice(i + 1, 1)
  if (next.length > MAX_SIGHTINGS) next = [next[0]!, ...next.slice(next.length - (MAX_SIGHTINGS - 1))]
  return { ...prev, history: next, ...(member === undefined ? {} : { member }) }
}

/** Every sighting of both, merged (two copies of an archive); membership as the copy seen last says. */
export function mergePeople(a: Person, b: Person): Person {
  let p = a
  for (const s of b.history) p = notePerson(p, a.groupId, a.account, s)
  const lastA = a.history[a.history.length - 1]?.seenAt ?? Number.NEGATIVE_INFINITY
  const lastB = b.history[b.history.length - 1]?.seenAt ?? Number.NEGATIVE_INFINITY
  const member = b.member !== undefined && (a.member === undefined || lastB >= lastA) ? b.member : a.member
  return member === p.member ? p : { ...p, member }
}

/** The name TUIKit shows for a sighting: the group name card, else the nickname. */
export function shownName(s: NameSighting | undefined): string | undefined {
  return s?.nameCard ?? s?.nick
}

/**
 * The name to show for a message sent at `timeMs`: the one in force then (the latest sighting at
 * or before that time) where the archive knows it, else the current one, else the account ID.
 * `known` says whether the name came from a sighting at or before the message.
 */
export function nameAt(p: Person | undefined, account: string, timeMs: number): { name: string; known: boolean; current: string } {
  const history = p?.history ?? []
  const current = shownName(history[history.length - 1]) ?? account
  let then: NameSighting | undefined
  for (const s of history) {
    if (s.seenAt <= timeMs) then = s
    else break
  }
  const name = shownName(then)
  return name ? { name, known: true, current } : { name: current, known: false, current }
}

/** The avatar in force at `timeMs` (as nameAt), else the current one. */
export function avatarAt(p: Person | undefined, timeMs: number): string | undefined {
  const history = p?.history ?? []
  let then: NameSighting | undefined
  for (const s of history) {
    if (s.seenAt <= timeMs) then = s
    else break
  }
  return (then ?? history[history.length - 1])?.avatar
}
