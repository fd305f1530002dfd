/**
 * How a group's or a Community topic's archive is named where groups are listed together (search
 * results, charts, export, health, sync errors): a topic is a channel of its group, "Group / Topic"
 * (issue 18 §2).
 */
import type { GroupRow } from './app-db'

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
