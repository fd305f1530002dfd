/**
 * What an export takes from an archive's context file (archive/context-file.ts): the groups'
 * names, types and topics, and the people of the exported groups (ExportMeta.groups, .people).
 */
import type { ArchiveContext } from '../archive/context-file'
import type { Person } from '../shared/people'
import type { ExportGroup, ExportMeta } from './types'

export function contextForExport(ctx: ArchiveContext, groupIds: readonly string[]): Pick<ExportMeta, 'groups' | 'people'> {
  const wanted = new Set(groupIds)
  const groups: ExportGroup[] = groupIds.map((groupId) => {
    const g: ExportGroup = { groupId }
    const c = ctx.groups.get(groupId)
    if (c?.name) g.name = c.name
    if (c?.groupType) g.groupType = c.groupType
    const topics = ctx.topics.get(groupId)
    if (topics?.size) g.topics = [...topics.values()].map((t) => ({ topicId: t.topicId, ...(t.name ? { name: t.name } : {}) }))
    return g
  })
  const people: Person[] = []
  for (const p of ctx.people.values()) if (wanted.has(p.groupId)) people.push(p)
  people.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
  return people.length ? { groups, people } : { groups }
}
