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
