/**
 * Group keys: a group is identified across workspaces by `gk` = `${workspaceId}|${groupId}`
 * (imported archives use the workspace id 'imported'; workspace ids contain no '|'). Every table of
 * the store keys its rows by it (app-db.ts).
 */

export function groupKey(workspaceId: string, groupId: string): string {
  return `${workspaceId}|${groupId}`
}

/** The group id part of a group key. */
export function groupIdOf(gk: string): string {
  const i = gk.indexOf('|')
  return i < 0 ? gk : gk.slice(i + 1)
}

/** The workspace id part of a group key ('' when it has none). */
export function workspaceOfKey(gk: string): string {
  const i = gk.indexOf('|')
  return i < 0 ? '' : gk.slice(0, i)
}

/**
 * A Community topic is a channel of its group, stored under its own group key: `gk` =
 * `${workspaceId}|${topicId}`. Tencent's topic ID is the Community's group ID (which starts
 * `@TGS#_`) + `@TOPIC#_` + a part of its own (docs/reference/tencent-im-api.md §9.3), so the
 * group is read off the ID. Answers the group ID, or undefined when `id` is not a topic's.
 */
export function topicGroupId(id: string): string | undefined {
  const i = id.indexOf('@TOPIC#_')
  return i > 0 && id.startsWith('@TGS#_') ? id.slice(0, i) : undefined
}

/**
 * What a group key's messages are pulled and archived as: the group, and for a topic's key the
 * topic (its records carry GroupId = the Community's ID and TopicId, as `pull` writes them).
 */
export function unitOfKey(gk: string): { groupId: string; topicId?: string } {
  const id = groupIdOf(gk)
  const groupId = topicGroupId(id)
  return groupId === undefined ? { groupId: id } : { groupId, topicId: id }
}
