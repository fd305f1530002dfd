/**
 * Which groups an export covers and how its metadata names them (issue 18 §2): a Community topic is
 * a channel of its group. Choosing a Community exports it with all its topics; choosing a topic,
 * the topic alone. The metadata lists each group once, with the topics exported of it (ID and
 * name), as `tim-archive export` lists them from the context file.
 */
import type { ExportStartInput } from '@shared/ipc/contract'
import type { GroupRow } from '@renderer/lib/db/app-db'

type Row = Pick<GroupRow, 'gk' | 'workspaceId' | 'groupId' | 'profile' | 'topic'>

/** The rows of `chosen` with, after each Community, its topics (each row once, in order). */
export function withTheirTopics<T extends { row: Row }>(chosen: readonly T[], all: readonly T[]): T[] {
  const out: T[] = []
  const seen = new Set<string>()
  const add = (g: T) => {
    if (seen.has(g.row.gk)) return
    seen.add(g.row.gk)
    out.push(g)
  }
  for (const g of chosen) {
    add(g)
    if (g.row.topic) continue
    for (const x of all) if (x.row.workspaceId === g.row.workspaceId && x.row.topic?.groupId === g.row.groupId) add(x)
  }
  return out
}

/** export.start's `groups`: one entry per group, its exported topics under it. */
export function exportGroups(selected: readonly Row[], all: readonly Row[]): ExportStartInput['groups'] {
  const out: ExportStartInput['groups'] = []
  const byId = new Map<string, ExportStartInput['groups'][number]>()
  const entry = (workspaceId: string, groupId: string) => {
    let e = byId.get(`${workspaceId}|${groupId}`)
    if (!e) {
      const row = all.find((r) => !r.topic && r.workspaceId === workspaceId && r.groupId === groupId)
      e = { groupId, ...(row?.profile.name ? { name: row.profile.name } : {}) }
      byId.set(`${workspaceId}|${groupId}`, e)
      out.push(e)
    }
    return e
  }
  for (const r of selected) {
    if (!r.topic) {
      entry(r.workspaceId, r.groupId)
      continue
    }
    const e = entry(r.workspaceId, r.topic.groupId)
    ;(e.topics ??= []).push({ topicId: r.groupId, ...(r.topic.name ? { name: r.topic.name } : {}) })
  }
  return out
}
