/**
 * Names in exports (issue 18 §1, §3): who sent a message, as the chat showed it at the message's
 * time, from the people an archive's context file holds (archive/context-file.ts) or the app's
 * store. The account ID is never replaced: JSON, JSON Lines and CSV keep it where it was (CSV adds
 * a `sender_name` column), HTML shows it on hover (a title), text and Markdown after the name.
 */
import { nameAt, type Person } from '../shared/people'
import type { ExportMeta } from './types'

/** The name of `account` in `groupId` for a message at `timeSec` (Unix seconds); undefined when no name is known. */
export type SenderNames = (groupId: string, account: string, timeSec: number | undefined) => { name: string; current: string } | undefined

/** A lookup over the people of an export (ExportMeta.people). */
export function senderNames(people: readonly Person[] | undefined): SenderNames | undefined {
  if (!people?.length) return undefined
  const by = new Map<string, Person>()
  for (const p of people) by.set(`${p.groupId}\u0000${p.account}`, p)
  return (groupId, account, timeSec) => {
    const p = by.get(`${groupId}\u0000${account}`)
    if (!p) return undefined
    // Without a time, the current name (nameAt's fallback for a time before every sighting).
    const r = nameAt(p, account, timeSec === undefined ? Number.NEGATIVE_INFINITY : timeSec * 1000)
    return r.name === account && r.current === account ? undefined : { name: r.name, current: r.current }
  }
}

const topicMark = '@TOPIC#_'

/**
 * The heading of a group's section, or of one of a Community's topics (issue 18 §2): "Name (ID)"
 * for a group, "<group name> / <topic name> (<topic ID>)" for a topic, from the export's groups
 * (the context file's or the app's names); the IDs stand in for names not known.
 */
export function unitTitle(meta: Pick<ExportMeta, 'groups'>, groupId: string, topicId?: string): string {
  const g = meta.groups.find((x) => x.groupId === groupId)
  const group = g?.name && g.name !== groupId ? g.name : undefined
  if (!topicId) return group ? `${group} (${groupId})` : groupId
  const at = topicId.indexOf(topicMark)
  const topic = g?.topics?.find((t) => t.topicId === topicId)?.name || (at >= 0 ? topicId.slice(at + topicMark.length) : topicId)
  return `${group ?? groupId} / ${topic} (${topicId})`
}

/** The name of a topic when the export knows one ('' otherwise), for the CSV's topic_name column. */
export function topicName(meta: Pick<ExportMeta, 'groups'>, groupId: string, topicId: string): string {
  return meta.groups.find((x) => x.groupId === groupId)?.topics?.find((t) => t.topicId === topicId)?.name ?? ''
}

/** Whether an export may hold topics: one of its groups is a Community (ID `@TGS#_…`, type or topics known). */
export function mayHoldTopics(meta: Pick<ExportMeta, 'groups'>): boolean {
  return meta.groups.some((g) => g.groupId.startsWith('@TGS#_') || g.groupType === 'Community' || (g.topics?.length ?? 0) > 0)
}
