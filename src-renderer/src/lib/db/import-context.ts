/**
 * Imports an archive's context file (`FILE.context.jsonl`, issue 18 §3; the format in
 * docs/dev/architecture.md "The context file") onto groups of the workspace 'imported':
 * - a group line sets the imported group's profile name and type (the latest line of the file);
 * - person lines go into the people table with their history, merged with what the table has
 *   (shared/people.ts mergePeople: no sighting is lost, importing the same file twice changes nothing);
 * - a topic line names the imported topic's channel (issue 18 §2: its row, keyed by the topic ID,
 *   is made by the JSONL import from the lines that carry its TopicId; a topic without messages gets
 *   a row of its own here, so the sidebar lists it under its group).
 *
 * Every line is checked first (shared/context-lines.ts checkContextLine, the CLI reader's rule):
 * one bad line stores nothing, and the error names the line and the field, as the JSONL import's.
 * Lines of a type this version does not know are skipped, as the CLI skips them.
 *
 * Groups of the file that are not in the workspace (the archive was not imported) are left out and
 * listed: the context describes an archive, it does not make one.
 */
import { applyContextLine, checkContextLine, contextLineTypes, contextSuffix, emptyContext, type ArchiveContext } from '@shared/context-lines'
import { mergePeople } from '@shared/people'
import { db as appDb, emptyStats, importedWorkspaceId, type AppDB, type PersonRow } from './app-db'
import { groupKey, topicGroupId } from './group-key'
import { ImportLineError, importedProfile } from './import-jsonl'

export interface ContextImportResult {
  lines: number
  /** Imported groups whose profile the file named. */
  groups: string[]
  /** People rows written (new, or with a sighting or membership the table lacked). */
  people: number
  /** Group keys whose people changed (the page's name cache rereads them). */
  peopleGroups: string[]
  /** Topics of imported groups named (or listed) by the file. */
  topics: number
  /** Group IDs the file describes that are not imported: nothing of them was stored. */
  notImported: string[]
  /** Lines of a type this version does not read. */
  skipped: number
}

/** Whether a picked file is a context file (by its name, as `pull` writes it beside the archive). */
export function isContextFile(name: string): boolean {
  return name.toLowerCase().endsWith(contextSuffix)
}

/** Reads and checks a whole context text; throws ImportLineError at the first bad line. */
export function parseContextStrict(text: string): { ctx: ArchiveContext; lines: number } {
  const ctx = emptyContext()
  const known = contextLineTypes as readonly string[]
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim()
    if (t === '') continue
    let v: unknown
    try {
      v = JSON.parse(t)
    } catch {
      throw new ImportLineError(i + 1, { field: '', expected: 'json-object', got: 'not-json' })
    }
    const problem = checkContextLine(v)
    if (problem) throw new ImportLineError(i + 1, problem)
    const type = (v as { type: string }).type
    if (!known.includes(type) || !applyContextLine(ctx, v)) ctx.skipped++
  }
  // A final newline is not a line.
  const count = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length
  return { ctx, lines: count }
}

/** Imports a context file's text onto the imported groups. */
export async function importContextText(text: string, database: AppDB = appDb): Promise<ContextImportResult> {
  const { ctx, lines } = parseContextStrict(text.startsWith('\uFEFF') ? text.slice(1) : text)
  const result: ContextImportResult = { lines, groups: [], people: 0, peopleGroups: [], topics: 0, notImported: [], skipped: ctx.skipped }
  const groupIds = new Set<string>([...ctx.groups.keys(), ...ctx.topics.keys()])
  for (const p of ctx.people.values()) groupIds.add(p.groupId)
  await database.transaction('rw', database.groups, database.people, async () => {
    const peopleGroups = new Set<string>()
    for (const groupId of groupIds) {
      const gk = groupKey(importedWorkspaceId, groupId)
      const row = await database.groups.get(gk)
      if (!row) {
        result.notImported.push(groupId)
        continue
      }
      const g = ctx.groups.get(groupId)
      if (g && (g.name || g.groupType)) {
        const profile = { ...row.profile, name: g.name ?? row.profile.name, type: g.groupType ?? row.profile.type }
        if (profile.name !== row.profile.name || profile.type !== row.profile.type) await database.groups.update(gk, { profile })
        result.groups.push(gk)
      }
      for (const t of ctx.topics.get(groupId)?.values() ?? []) {
        if (topicGroupId(t.topicId) !== groupId) continue
        const tk = groupKey(importedWorkspaceId, t.topicId)
        const topicRow = await database.groups.get(tk)
        const name = t.name ?? topicRow?.topic?.name ?? ''
        const profile = { ...(topicRow?.profile ?? importedProfile(t.topicId)), name: name || t.topicId, type: g?.groupType ?? row.profile.type }
        if (!topicRow) {
          const { addedAt, lastSyncAt, lastError, stats } = { addedAt: Date.now(), lastSyncAt: null, lastError: null, stats: emptyStats() }
          await database.groups.put({
            gk: tk,
            workspaceId: importedWorkspaceId,
            groupId: t.topicId,
            profile,
            topic: { groupId, name },
            addedAt,
            lastSyncAt,
            lastError,
            stats
          })
        } else if (topicRow.topic?.name !== name || topicRow.profile.name !== profile.name || topicRow.profile.type !== profile.type) {
          await database.groups.update(tk, { profile, topic: { groupId, name } })
        }
        result.topics++
      }
      const mine = [...ctx.people.values()].filter((p) => p.groupId === groupId)
      if (mine.length === 0) continue
      // A Community's people are its topics' people too (names are per key: lib/people).
      const topicKeys = await database.groups
        .where('workspaceId')
        .equals(importedWorkspaceId)
        .filter((r) => r.topic?.groupId === groupId)
        .primaryKeys()
      for (const key of [gk, ...topicKeys]) {
        const rows = await database.people.bulkGet(mine.map((p) => [key, p.account] as [string, string]))
        const changed: PersonRow[] = []
        for (let i = 0; i < mine.length; i++) {
          const p = mine[i]!
          const prev = rows[i]
          if (!prev) {
            changed.push({ ...p, gk: key })
            continue
          }
          const { gk: _gk, ...prevPerson } = prev
          const next = mergePeople(prevPerson, p)
          if (JSON.stringify(next) !== JSON.stringify(prevPerson)) changed.push({ ...next, gk: key })
        }
        if (changed.length) {
          await database.people.bulkPut(changed)
          if (key === gk) result.people += changed.length
          peopleGroups.add(key)
        }
      }
    }
    result.peopleGroups = [...peopleGroups]
  })
  return result
}

/** Imports a picked context file (read whole: a context file holds a line per change, not per message). */
export async function importContext(file: File, database: AppDB = appDb): Promise<ContextImportResult> {
  return importContextText(await file.text(), database)
}
