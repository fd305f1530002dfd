/**
 * How a group's or a Community topic's archive is named where groups are listed together (search
 * results, charts, export, health, sync errors): a topic is a channel of its group, "Group / Topic"
 * (issue 18 §2).
 */
import type { GroupRow } from './app-db'
import type { GroupView } from './groups-repo'
import { groupIdOf, topicGroupId } from './group-key'

type Named = Pick<GroupRow, 'groupId' | 'profile' | 'topic'>

/** The row's own name: the group's name, or the topic's; its ID when it has none. */
export function ownName(row: Named): string {
  return row.profile.name || row.groupId
}

/** "Group / Topic" for a topic (the group's name from `rows`, else its ID), the group's name otherwise. */
export function channelName(row: Named, rows: Iterable<Named>): string {
  if (!row.topic) return ownName(row)
  let group: string = row.topic.groupId
  for (const r of rows) {
    if (!r.topic && r.groupId === row.topic.groupId) {
      group = ownName(r)
      break
    }
  }
  return `${group} / ${row.topic.name || row.groupId}`
}

/** A group of the sidebar and its topics. */
export interface NestedGroup {
  group: GroupView
  topics: GroupView[]
}

/** Groups with their topics under them (see GroupsState.nested); `shown`: the keys the filter keeps. */
export function nestTopics(list: readonly GroupView[], shown: ReadonlySet<string>): NestedGroup[] {
  const byGroup = new Map<string, GroupView[]>()
  const parents = new Set(list.filter((g) => !g.row.topic).map((g) => `${g.row.workspaceId}|${g.row.groupId}`))
  for (const g of list) {
    const parent = g.row.topic && `${g.row.workspaceId}|${g.row.topic.groupId}`
    if (!parent || !parents.has(parent)) continue
    let l = byGroup.get(parent)
    if (!l) byGroup.set(parent, (l = []))
    l.push(g)
  }
  const out: NestedGroup[] = []
  for (const g of list) {
    if (g.row.topic && parents.has(`${g.row.workspaceId}|${g.row.topic.groupId}`)) continue
    const topics = (byGroup.get(g.row.gk) ?? []).sort(
      (a, b) => a.row.profile.name.localeCompare(b.row.profile.name) || a.row.groupId.localeCompare(b.row.groupId)
    )
    const own = shown.has(g.row.gk)
    const matching = own ? topics : topics.filter((x) => shown.has(x.row.gk))
    if (own || matching.length) out.push({ group: g, topics: matching })
  }
  return out
}

/** How many groups these keys are, a Community's topics counted with their group ("into 1 group"). */
export function groupsOnly(gks: readonly string[]): number {
  return new Set(
    gks.map((gk) => {
      const id = groupIdOf(gk)
      return `${gk.slice(0, gk.length - id.length)}${topicGroupId(id) ?? id}`
    })
  ).size
}
