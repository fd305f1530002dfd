/**
 * The context file's lines (issue 18 §3), pure: the CLI (archive/context-file.ts reads and writes
 * `FILE.context.jsonl`) and the app's import (renderer lib/db/import-context.ts) parse them here,
 * so a file means the same to both. The format is in docs/dev/architecture.md ("The context
 * file"); in short, one JSON object per line, each with a `type`:
 *
 *   {"type":"group","groupId","seenAt","name"?,"groupType"?}
 *   {"type":"topic","groupId","topicId","seenAt","name"?}
 *   {"type":"person","groupId","account","seenAt","nick"?,"nameCard"?,"avatar"?,"member"?}
 *
 * Two readings: `parseContext` (the CLI's) skips and counts what it cannot read, since the context
 * is an aid and the messages are the archive; `checkContextLine` (the app's import) names the
 * first wrong field of a line, as shared/record-line.ts does for a message line, so a bad file is
 * refused whole. Both accept exactly the same lines, except that the checker refuses a wrongly
 * typed optional field the lenient reader drops.
 *
 * No node:* imports (the renderer uses it).
 */
import { notePerson, sighting, type Person } from './people'
import type { RecordProblem } from './record-line'

export const contextSuffix = '.context.jsonl'

export interface GroupContext {
  groupId: string
  name?: string
  groupType?: string
  /** ms */
  seenAt: number
}

export interface TopicContext {
  groupId: string
  topicId: string
  name?: string
  /** ms */
  seenAt: number
}

export interface ArchiveContext {
  groups: Map<string, GroupContext>
  /** By group, then topic ID. */
  topics: Map<string, Map<string, TopicContext>>
  /** By personKey(groupId, account). */
  people: Map<string, Person>
  /** Lines skipped (not JSON, unknown type, wrong fields). */
  skipped: number
}

export function personKey(groupId: string, account: string): string {
  return `${groupId}\u0000${account}`
}

export function emptyContext(): ArchiveContext {
  return { groups: new Map(), topics: new Map(), people: new Map(), skipped: 0 }
}

/** A group sighting as written (name and type as get_group_info answered). */
export interface GroupLine {
  type: 'group'
  groupId: string
  seenAt: string
  name?: string
  groupType?: string
}
export interface TopicLine {
  type: 'topic'
  groupId: string
  topicId: string
  seenAt: string
  name?: string
}
export interface PersonLine {
  type: 'person'
  groupId: string
  account: string
  seenAt: string
  nick?: string
  nameCard?: string
  avatar?: string
  member?: boolean
}
export type ContextLine = GroupLine | TopicLine | PersonLine

const MAX_ID = 256
export const MAX_NAME = 256

export function str(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined
  const s = v.trim()
  return s === '' ? undefined : s.slice(0, max)
}

function time(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined
  const ms = Date.parse(v)
  return Number.isFinite(ms) ? ms : undefined
}

/** Folds one parsed line into the context; false when it is not a context line this version reads. */
export function applyContextLine(ctx: ArchiveContext, v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const o = v as Record<string, unknown>
  const groupId = str(o['groupId'], MAX_ID)
  const seenAt = time(o['seenAt'])
  if (!groupId || seenAt === undefined) return false
  if (o['type'] === 'group') {
    const g: GroupContext = { groupId, seenAt }
    const name = str(o['name'], MAX_NAME)
    const groupType = str(o['groupType'], 64)
    if (name) g.name = name
    if (groupType) g.groupType = groupType
    const prev = ctx.groups.get(groupId)
    if (!prev || prev.seenAt <= seenAt) ctx.groups.set(groupId, g)
    return true
  }
  if (o['type'] === 'topic') {
    const topicId = str(o['topicId'], MAX_ID)
    if (!topicId) return false
    const t: TopicContext = { groupId, topicId, seenAt }
    const name = str(o['name'], MAX_NAME)
    if (name) t.name = name
    let m = ctx.topics.get(groupId)
    if (!m) ctx.topics.set(groupId, (m = new Map()))
    const prev = m.get(topicId)
    if (!prev || prev.seenAt <= seenAt) m.set(topicId, t)
    return true
  }
  if (o['type'] === 'person') {
    const account = str(o['account'], MAX_ID)
    if (!account) return false
    const member = typeof o['member'] === 'boolean' ? o['member'] : undefined
    const key = personKey(groupId, account)
    const s = sighting(seenAt, { nick: o['nick'], nameCard: o['nameCard'], avatar: o['avatar'] })
    ctx.people.set(key, notePerson(ctx.people.get(key), groupId, account, s, member))
    return true
  }
  return false
}

/** Reads a context text (the whole file). */
export function parseContext(text: string): ArchiveContext {
  const ctx = emptyContext()
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (t === '') continue
    let v: unknown
    try {
      v = JSON.parse(t)
    } catch {
      ctx.skipped++
      continue
    }
    if (!applyContextLine(ctx, v)) ctx.skipped++
  }
  return ctx
}

/** What a value was, as a RecordProblem words it (record-line.ts's rule). */
function gotOf(v: unknown): Pick<RecordProblem, 'got' | 'value'> {
  if (v === undefined) return { got: 'missing' }
  if (v === null) return { got: 'null' }
  if (Array.isArray(v)) return { got: 'array' }
  if (typeof v === 'string') return { got: 'string', value: JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) }
  if (typeof v === 'number' || typeof v === 'boolean') return { got: typeof v as 'number' | 'boolean', value: String(v) }
  return { got: 'object' }
}

/** The context line types this version reads; a line of another type is skipped by every reader. */
export const contextLineTypes = ['group', 'topic', 'person'] as const

/**
 * The first problem of a parsed context line, or null when applyContextLine reads it (or it is of a
 * type this version does not know, which every reader skips: a newer writer's line is not an error).
 */
export function checkContextLine(v: unknown): RecordProblem | null {
  const bad = (field: string, expected: RecordProblem['expected'], value: unknown): RecordProblem => ({ field, expected, ...gotOf(value) })
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('', 'json-object', v)
  const o = v as Record<string, unknown>
  if (typeof o['type'] !== 'string' || o['type'] === '') return bad('type', 'non-empty-string', o['type'])
  if (!(contextLineTypes as readonly string[]).includes(o['type'])) return null
  const required = (k: string): RecordProblem | null => (str(o[k], MAX_ID) ? null : bad(k, 'non-empty-string', o[k]))
  const optional = (k: string): RecordProblem | null => (o[k] === undefined || typeof o[k] === 'string' ? null : bad(k, 'string', o[k]))
  const first = (...ps: (RecordProblem | null)[]): RecordProblem | null => ps.find((p) => p) ?? null
  const idProblem = required('groupId')
  if (idProblem) return idProblem
  if (time(o['seenAt']) === undefined) return bad('seenAt', 'iso-time', o['seenAt'])
  if (o['type'] === 'group') return first(optional('name'), optional('groupType'))
  if (o['type'] === 'topic') return first(required('topicId'), optional('name'))
  if (o['member'] !== undefined && typeof o['member'] !== 'boolean') return bad('member', 'boolean', o['member'])
  return first(required('account'), optional('nick'), optional('nameCard'), optional('avatar'))
}
