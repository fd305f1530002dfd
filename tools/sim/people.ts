/**
 * People and topics in the simulator: profiles (v4/profile/portrait_get), group members
 * (v4/group_open_http_svc/get_group_member_info) and Community topics
 * (v4/million_group_open_http_svc/get_topic), with the limits and errors of
 * docs/reference/tencent-im-api.md §9.2 and §9.3.
 *
 * Names change over time: every nickname, avatar and name card is a list of versions, each with the
 * moment it took effect (`since`, Unix seconds). The API answers with the version in force at the
 * server's clock, as the real server does: it keeps no history. The history is the simulator's, so a
 * test can rename someone between two syncs and check what the archive kept.
 */
import type { SimApp, SimGroup, SimMessage } from './server'
import { fail, isInt, isStringArray, ok, type Answer } from './answers'

/** One value of a name, avatar or name card, in force from `since` (Unix seconds) on. */
export interface NameVersion {
  since: number
  value: string
}

export interface SimProfile {
  /** Tag_Profile_IM_Nick over time. */
  nick: NameVersion[]
  /** Tag_Profile_IM_Image over time: URLs, placeholder COS URLs (SIM_COS_ORIGIN) for the sim's avatars. */
  image: NameVersion[]
}

export interface SimMember {
  account: string
  role: 'Owner' | 'Admin' | 'Member'
  joinTime: number
  /** NameCard over time (none: ''). */
  nameCard: NameVersion[]
  /** When the member left (Unix seconds): absent from get_group_member_info from then on. */
  leftAt?: number
}

export interface SimTopic {
  /** GroupId + '@TOPIC#_' + a custom part (docs: at most 96 bytes). */
  TopicId: string
  TopicName: string
  CreateTime: number
  Introduction?: string
  Notification?: string
  FaceUrl?: string
  nextMsgSeq: number
  messages: Map<number, SimMessage>
}

/** At most this many accounts per portrait_get (the page: "no more than 100"). */
export const maxProfileAccounts = 100
/** At most this many members per get_group_member_info page (the page: 200, 100 recommended). */
export const maxMemberPage = 200

type Body = Record<string, unknown>

/** The value in force at `now`: the newest version with since ≤ now, '' before the first. */
export function valueAt(versions: readonly NameVersion[] | undefined, now: number): string {
  let out = ''
  let best = -Infinity
  for (const v of versions ?? [])
    if (v.since <= now && v.since >= best) {
      best = v.since
      out = v.value
    }
  return out
}

// ---------------------------------------------------------------------------------------------
// v4/profile/portrait_get

/**
 * `To_Account` 1..100 strings and `TagList` a non-empty array of strings, else 40001 (the profile
 * service's "bad parameters"). Accounts with no profile are listed in `Fail_Account` and get their
 * own item with ResultCode 40003 (account not found); the envelope stays OK. Tags other than the
 * nickname and the avatar are answered with '' (the simulator models no other profile fields).
 * `image` renders a stored placeholder URL into one this server serves.
 */
export function portraitGet(app: SimApp, body: Body, now: number, image: (url: string) => string): Answer {
  const { To_Account, TagList } = body
  if (!isStringArray(To_Account) || To_Account.length === 0) {
    return fail(40001, 'Err_Profile_Comm_Decode_Fail: To_Account must be a non-empty array of UserIDs')
  }
  if (To_Account.length > maxProfileAccounts) {
    return fail(40001, `Err_Profile_Comm_Decode_Fail: at most ${maxProfileAccounts} accounts per request, got ${To_Account.length}`)
  }
  if (!isStringArray(TagList) || TagList.length === 0) return fail(40001, 'Err_Profile_Comm_Decode_Fail: TagList must be a non-empty array of tags')
  const items: Answer[] = []
  const failed: string[] = []
  for (const acc of To_Account) {
    const p = app.profiles?.get(acc)
    if (!p) {
      failed.push(acc)
      items.push({ To_Account: acc, ProfileItem: [], ResultCode: 40003, ResultInfo: 'Err_Profile_Account_Not_Exist' })
      continue
    }
    const ProfileItem = TagList.map((Tag) => {
      if (Tag === 'Tag_Profile_IM_Nick') return { Tag, Value: valueAt(p.nick, now) }
      if (Tag === 'Tag_Profile_IM_Image') {
        const url = valueAt(p.image, now)
        return { Tag, Value: url ? image(url) : '' }
      }
      return { Tag, Value: '' }
    })
    items.push({ To_Account: acc, ProfileItem, ResultCode: 0, ResultInfo: '' })
  }
  const answer = ok({ UserProfileItem: items })
  if (failed.length > 0) answer['Fail_Account'] = failed
  return answer
}

// ---------------------------------------------------------------------------------------------
// v4/group_open_http_svc/get_group_member_info

export interface MemberRow {
  Member_Account: string
  Role: string
  JoinTime: number
  MsgSeq: number
  MsgFlag: string
  LastSendMsgTime: number
  ShutUpUntil: number
  NameCard: string
}

const MEMBER_FIELDS: Record<string, keyof MemberRow> = {
  Account: 'Member_Account',
  Member_Account: 'Member_Account',
  Role: 'Role',
  JoinTime: 'JoinTime',
  MsgSeq: 'MsgSeq',
  MsgFlag: 'MsgFlag',
  LastSendMsgTime: 'LastSendMsgTime',
  ShutUpUntil: 'ShutUpUntil',
  NameCard: 'NameCard'
}

/** Members of a group at `now`: its explicit member list, or else the synthetic one of get_group_info. */
export function memberRows(g: SimGroup, now: number, synthetic: (g: SimGroup) => MemberRow[]): MemberRow[] {
  if (!g.members) return synthetic(g)
  const last = new Map<string, number>()
  for (const m of g.messages.values()) {
    if (m.isSystem) continue
    const prev = last.get(m.from)
    if (prev === undefined || m.time > prev) last.set(m.from, m.time)
  }
  return g.members
    .filter((m) => m.joinTime <= now && (m.leftAt === undefined || m.leftAt > now))
    .map((m) => ({
      Member_Account: m.account,
      Role: m.role,
      JoinTime: m.joinTime,
      MsgSeq: g.nextMsgSeq - 1,
      MsgFlag: 'AcceptAndNotify',
      LastSendMsgTime: last.get(m.account) ?? 0,
      ShutUpUntil: 0,
      NameCard: valueAt(m.nameCard, now)
    }))
}

/** Community `Next` cursors: opaque strings that carry the index of the next member. */
const cursorOf = (i: number): string => `sim-next-${i}`
const indexOfCursor = (s: string): number | undefined => {
  const m = /^sim-next-(\d{1,9})$/.exec(s)
  return m ? Number(m[1]) : undefined
}

/**
 * GroupId required (10004), well formed (10015), existing (10010); AVChatRoom and BChatRoom are
 * not supported (10007). `Limit` 1..200 (10004 above); `Offset` ≥ 0 for every type but a
 * Community, which pages with `Next` ('' first) and refuses `Offset` (10004). Without `Limit`, every
 * member comes back in one answer. `MemberInfoFilter` picks fields (Member_Account always comes).
 */
export function getGroupMemberInfo(app: SimApp, body: Body, now: number, synthetic: (g: SimGroup) => MemberRow[], wellFormed: (id: string) => boolean): Answer {
  const { GroupId, Limit, Offset, Next, MemberInfoFilter } = body
  if (typeof GroupId !== 'string') return fail(10004, 'invalid parameter: GroupId is required and must be a string')
  if (Limit !== undefined && (!isInt(Limit) || Limit < 1 || Limit > maxMemberPage)) {
    return fail(10004, `invalid parameter: Limit must be an integer from 1 to ${maxMemberPage}`)
  }
  if (Offset !== undefined && (!isInt(Offset) || Offset < 0)) return fail(10004, 'invalid parameter: Offset must be a non-negative integer')
  if (Next !== undefined && typeof Next !== 'string') return fail(10004, 'invalid parameter: Next must be a string')
  if (MemberInfoFilter !== undefined && !isStringArray(MemberInfoFilter)) return fail(10004, 'invalid parameter: MemberInfoFilter must be an array of strings')
  if (!wellFormed(GroupId)) return fail(10015, `invalid group ID: ${JSON.stringify(GroupId)}`)
  const g = app.groups.get(GroupId)
  if (!g || g.dismissed) return fail(10010, 'the group does not exist or has been dismissed')
  if (g.Type === 'AVChatRoom' || g.Type === 'BChatRoom') {
    return fail(10007, `operation not permitted: get_group_member_info does not support ${g.Type} groups`)
  }
  const community = g.Type === 'Community'
  if (community && Offset !== undefined) return fail(10004, 'invalid parameter: a Community pages with Next, not Offset')
  const rows = memberRows(g, now, synthetic)
  let start = 0
  if (community) {
    if (Next !== undefined && Next !== '') {
      const i = indexOfCursor(Next)
      if (i === undefined || i > rows.length) return fail(10004, 'invalid parameter: Next is not a cursor this server returned')
      start = i
    }
  } else start = (Offset as number | undefined) ?? 0
  const page = rows.slice(start, Limit === undefined ? undefined : start + Limit)
  const fields = MemberInfoFilter === undefined ? undefined : new Set(MemberInfoFilter)
  const MemberList = page.map((r) => {
    if (!fields) return { ...r }
    const o: Answer = { Member_Account: r.Member_Account }
    for (const f of fields) {
      const k = MEMBER_FIELDS[f]
      if (k) o[k] = r[k]
    }
    return o
  })
  const answer = ok({ MemberNum: rows.length, MemberList })
  if (community) {
    const end = start + page.length
    answer['Next'] = end < rows.length ? cursorOf(end) : ''
  }
  return answer
}

// ---------------------------------------------------------------------------------------------
// v4/million_group_open_http_svc/get_topic

function lastTime(messages: Map<number, SimMessage>): number {
  let t = 0
  for (const m of messages.values()) if (m.time > t) t = m.time
  return t
}

/**
 * GroupId and From_Account required (10004); only topic-enabled Communities (10007 for other
 * types); TopicIdList optional, each unknown topic gets its own item with ErrorCode 10010 while the
 * envelope stays OK (the per-item ErrorCode/ErrorInfo of the community SDK's model).
 */
export function getTopic(app: SimApp, body: Body, wellFormed: (id: string) => boolean): Answer {
  const { GroupId, From_Account, TopicIdList, ResponseFilter } = body
  if (typeof GroupId !== 'string') return fail(10004, 'invalid parameter: GroupId is required and must be a string')
  if (typeof From_Account !== 'string' || From_Account === '') return fail(10004, 'invalid parameter: From_Account is required')
  if (TopicIdList !== undefined && !isStringArray(TopicIdList)) return fail(10004, 'invalid parameter: TopicIdList must be an array of strings')
  if (ResponseFilter !== undefined && !isStringArray(ResponseFilter)) return fail(10004, 'invalid parameter: ResponseFilter must be an array of strings')
  if (!wellFormed(GroupId)) return fail(10015, `invalid group ID: ${JSON.stringify(GroupId)}`)
  const g = app.groups.get(GroupId)
  if (!g || g.dismissed) return fail(10010, 'the group does not exist or has been dismissed')
  if (g.Type !== 'Community' || !g.topics) return fail(10007, 'operation not permitted: get_topic applies only to topic-enabled Communities')
  const ids = TopicIdList ?? [...g.topics.keys()]
  const filter = ResponseFilter === undefined ? undefined : new Set(ResponseFilter)
  const TopicAndSelfInfo = ids.map((id) => {
    const t = g.topics?.get(id)
    if (!t) return { ErrorCode: 10010, ErrorInfo: `topic ${id} does not exist` }
    const info: Answer = {
      TopicId: t.TopicId,
      TopicName: t.TopicName,
      GroupID: g.GroupId,
      FaceUrl: t.FaceUrl ?? '',
      Introduction: t.Introduction ?? '',
      Notification: t.Notification ?? '',
      CreateTime: t.CreateTime,
      LastMsgTime: lastTime(t.messages),
      NextMsgSeq: t.nextMsgSeq,
      ShutUpAllFlag: 0,
      CustomString: ''
    }
    if (filter) for (const k of Object.keys(info)) if (k !== 'TopicId' && !filter.has(k)) delete info[k]
    return { ErrorCode: 0, ErrorInfo: '', TopicInfo: info, SelfInfo: { ShutUpTime: 0, MsgSeq: t.nextMsgSeq - 1, MsgFlag: 'AcceptAndNotify' } }
  })
  return ok({ TopicAndSelfInfo })
}
