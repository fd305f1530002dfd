/**
 * `tim-archive pull`'s context step (issue 18 §1, §3): after a group's messages are in, its name
 * and type (get_group_info), a Community's topics (get_topic) and its people (people/resolve.ts)
 * go to the archive's context file (archive/context-file.ts). Every failure here is a warning:
 * the group's messages are archived whatever the context step answers.
 */
import type { ContextWriter } from '../archive/context-file'
import { resolveGroupPeople, type PeopleSource } from '../people/resolve'
import type { GroupInfo, TopicList } from '../shared/tim-types'
import { formatCount } from '../shared/format'

export interface ContextSource extends PeopleSource {
  getGroupInfos(groupIds: string[], signal?: AbortSignal): Promise<GroupInfo[]>
  getTopics(groupId: string, opts: { signal?: AbortSignal }): Promise<TopicList>
}

export interface GroupContextResult {
  /** People resolved (members and past senders). */
  people: number
  members?: number
  topics: number
  /** Lines appended to the context file. */
  lines: number
  /** Accounts whose profile was not answered. */
  failedProfiles: string[]
  warnings: string[]
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export async function pullGroupContext(
  client: ContextSource,
  writer: Pick<ContextWriter, 'note'>,
  groupId: string,
  senders: Iterable<string>,
  signal: AbortSignal,
  now: () => number = Date.now,
  /** With `pull --media`: keeps the avatars the context file records (MediaPull.keepAvatars). */
  keepAvatars?: (groupId: string, urls: string[]) => void
): Promise<GroupContextResult> {
  const res: GroupContextResult = { people: 0, topics: 0, lines: 0, failedProfiles: [], warnings: [] }
  try {
    let group: { name?: string; groupType?: string } | null = null
    try {
      const [info] = await client.getGroupInfos([groupId], signal)
      if (info && info.ErrorCode === 0) {
        group = {}
        if (typeof info.Name === 'string') group.name = info.Name
        if (typeof info.Type === 'string') group.groupType = info.Type
      } else if (info) res.warnings.push(`group name not read: error ${info.ErrorCode} ${info.ErrorInfo}`)
    } catch (e) {
      if (signal.aborted) throw e
      res.warnings.push(`group name not read: ${message(e)}`)
    }
    const groupType = group?.groupType
    const topics: { topicId: string; name?: string }[] = []
    if (groupType === 'Community') {
      try {
        const list = await client.getTopics(groupId, { signal })
        for (const t of list.topics) topics.push({ topicId: t.TopicId, ...(typeof t.TopicName === 'string' ? { name: t.TopicName } : {}) })
        if (list.failed.length) res.warnings.push(`${list.failed.length} topic(s) answered with an error`)
      } catch (e) {
        if (signal.aborted) throw e
        // A Community without topics enabled answers get_topic with an error: not a problem.
      }
    }
    res.topics = topics.length
    const seenAt = now()
    const people = await resolveGroupPeople(client, { groupId, ...(groupType ? { groupType } : {}), senders, now: seenAt, signal })
    res.people = people.sightings.length
    if (people.members !== undefined) res.members = people.members
    if (people.memberNote) res.warnings.push(people.memberNote)
    res.failedProfiles = people.failed.map((f) => f.id ?? '?')
    if (people.failed.length) {
      const shown = res.failedProfiles.slice(0, 5).join(', ') + (people.failed.length > 5 ? ', …' : '')
      res.warnings.push(`${formatCount(people.failed.length, 'en')} profile(s) not answered (${shown}); the names seen before stand`)
    }
    res.lines = await writer.note(groupId, seenAt, { group, topics, people: people.sightings })
    // The ledger is the record of an avatar's outcome; the person line keeps only its URL.
    const urls = people.sightings.map((p) => p.sighting.avatar).filter((u): u is string => typeof u === 'string' && u !== '')
    if (urls.length) keepAvatars?.(groupId, urls)
  } catch (e) {
    if (signal.aborted) throw e
    res.warnings.push(`context not saved: ${message(e)}`)
  }
  return res
}

/** "names: 5 people (4 members), 1 topic; 3 lines added to the context file". */
export function contextSummary(c: GroupContextResult): string {
  const parts = [
    `${formatCount(c.people, 'en')} ${c.people === 1 ? 'person' : 'people'} named${c.members !== undefined ? ` (${formatCount(c.members, 'en')} members)` : ''}`
  ]
  if (c.topics) parts.push(`${formatCount(c.topics, 'en')} topic${c.topics === 1 ? '' : 's'}`)
  return `${parts.join(', ')}; ${c.lines ? `${formatCount(c.lines, 'en')} context line${c.lines === 1 ? '' : 's'} added` : 'context unchanged'}`
}
