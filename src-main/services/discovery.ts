/**
 * Group discovery: every group of the connected app, or the groups the admin typed, as profiles
 * that say whether their history can be archived (get_group_info through TimClient.getGroupInfos).
 */
import * as v from 'valibot'
import { describeCode } from '../shared/error-codes'
import type { GroupProfile, Result, TopicProfile } from '../shared/ipc/contract'
import { GroupIdSchema } from '../shared/ipc/schemas'
import type { GroupInfo, TopicList } from '../shared/tim-types'
import type { TimClient } from '../tim/client'
import { TimApiError } from '../tim/errors'
import { apiError, appError, fail, ok } from './app-errors'
import type { Workspaces } from './workspaces'

const noHistory: Record<string, string> = {
  AVChatRoom: 'Live-stream groups (AVChatRoom) keep no message history: Tencent IM does not store roaming messages for them',
  BChatRoom: 'Broadcast groups (BChatRoom) keep no message history: Tencent IM does not store roaming messages for them'
}

/**
 * get_group_info without a filter also returns every group's full member list
 * (docs/reference/tencent-im-api.md §6.2), which for 50 large groups is megabytes nobody here
 * reads. Naming the base fields leaves the list out.
 */
const groupInfoFilter = {
  GroupBaseInfoFilter: [
    'Type',
    'Name',
    'Introduction',
    'Notification',
    'FaceUrl',
    'Owner_Account',
    'CreateTime',
    'InfoSeq',
    'LastInfoTime',
    'LastMsgTime',
    'NextMsgSeq',
    'MemberNum',
    'MaxMemberNum',
    'ApplyJoinOption',
    'ShutUpAllMember'
  ]
}

export class Discovery {
  constructor(private readonly workspaces: Workspaces) {}

  /** Every group of the app (get_appid_group_list at 1 request/s, then get_group_info). */
  async discover(): Promise<Result<GroupProfile[]>> {
    const c = await this.workspaces.connected()
    if (!c.ok) return c
    try {
      const ids = await c.client.listAllGroupIds()
      return ok(await profiles(c.client, ids))
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, e.message, c.secret) }
      throw e
    }
  }

  /** Profiles for the given IDs (validates hand-typed IDs). */
  async lookup(groupIds: string[]): Promise<Result<GroupProfile[]>> {
    const ids = [...new Set(groupIds.map((id) => id.trim()))]
    const bad = ids.find((id) => !v.is(GroupIdSchema, id))
    if (bad !== undefined || ids.length === 0) {
      return fail('INVALID', 'A group ID must be 1 to 48 characters without control characters.', { params: { reason: 'groupId' } })
    }
    const c = await this.workspaces.connected()
    if (!c.ok) return c
    try {
      return ok(await profiles(c.client, ids))
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, e.message, c.secret) }
      throw e
    }
  }

  /** A Community's topics (get_topic, every topic), for the sync to pull each as its own unit. */
  async topics(groupId: string): Promise<Result<TopicProfile[]>> {
    const c = await this.workspaces.connected()
    if (!c.ok) return c
    try {
      // A topic ID is the group ID + @TOPIC#_… (§9.3): anything else is not this group's.
      return ok(topicProfiles(await c.client.getTopics(groupId)).filter((t) => t.topicId.startsWith(`${groupId}@TOPIC#_`)))
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, e.message, c.secret) }
      throw e
    }
  }
}

/**
 * Topics answered with an error of their own (get_topic's per-topic ErrorCode) are left out: the
 * next sync asks again.
 */
function topicProfiles(list: TopicList): TopicProfile[] {
  return list.topics.map((t) => ({ topicId: t.TopicId, name: typeof t.TopicName === 'string' ? t.TopicName : '' }))
}

/** get_group_info, 50 IDs per request, 4 requests at a time; one profile per ID, in order. */
async function profiles(client: TimClient, ids: string[]): Promise<GroupProfile[]> {
  const byId = new Map<string, GroupInfo>()
  const infos = await client.getGroupInfos(ids, undefined, { responseFilter: groupInfoFilter, concurrency: 4 })
  for (const item of infos) if (typeof item?.GroupId === 'string') byId.set(item.GroupId, item)
  return ids.map((id) => toProfile(id, byId.get(id)))
}

function toProfile(groupId: string, info: GroupInfo | undefined): GroupProfile {
  if (!info) {
    const reason = 'get_group_info returned nothing for this group ID'
    return {
      groupId,
      name: '',
      type: '',
      archivable: false,
      reason,
      problem: appError('NOT_FOUND', reason, { params: { command: 'get_group_info', groupId } })
    }
  }
  if (info.ErrorCode !== 0) {
    const server = info.ErrorInfo ? `; server said: ${info.ErrorInfo}` : ''
    const reason = `get_group_info: error ${describeCode(info.ErrorCode)}${server}`
    const problem = appError(info.ErrorCode, reason, {
      params: { command: 'get_group_info', groupId },
      detail: info.ErrorInfo ? String(info.ErrorInfo) : undefined
    })
    return { groupId, name: '', type: '', archivable: false, reason, problem, info }
  }
  const type = typeof info.Type === 'string' ? info.Type : ''
  const profile: GroupProfile = { groupId, name: typeof info.Name === 'string' ? info.Name : '', type, archivable: true, info }
  const reason = noHistory[type]
  if (reason) {
    profile.archivable = false
    profile.reason = reason
    profile.problem = appError('NO_HISTORY', reason, { params: { type } })
  }
  if (typeof info.MemberNum === 'number') profile.memberNum = info.MemberNum
  if (typeof info.NextMsgSeq === 'number' && Number.isSafeInteger(info.NextMsgSeq)) profile.newestSeq = Math.max(0, info.NextMsgSeq - 1)
  return profile
}
