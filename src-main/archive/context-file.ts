/**
 * The archive's context file (issue 18 §3): `FILE.context.jsonl` beside a `tim-archive pull` file
 * `FILE`, holding what a reader needs to read the messages as the chat's members saw them: each
 * group's name and type, a Community's topics, and every name (nickname, name card, avatar) seen
 * for each person, with when it was seen. The format is in docs/dev/architecture.md ("The archive
 * line"); in short, one JSON object per line, each with a `type`:
 *
 *   {"type":"group","groupId","seenAt","name"?,"groupType"?}
 *   {"type":"topic","groupId","topicId","seenAt","name"?}
 *   {"type":"person","groupId","account","seenAt","nick"?,"nameCard"?,"avatar"?,"member"?}
 *
 * `seenAt` is ISO 8601 (UTC), as `_archive.seenAt` in the archive. The file is append-only: a line
 * is written only when something changed since the last line of that group, topic or person, so
 * the history is the lines in order. Reading folds them (a person's through shared/people.ts
 * notePerson). Lines of an unknown `type`, lines that are not JSON (a torn last line after a
 * crash) and lines with wrong fields are skipped and counted, never fatal: the context is an aid,
 * the messages are the archive.
 *
 * Durability as the archive's: each batch of lines is appended and fsynced before the writer
 * returns. A kill mid-append leaves at most a torn last line; the next writer starts on a new line.
 */
import { open, readFile } from 'node:fs/promises'
import { notePerson, sighting, type NameSighting, type Person } from '../shared/people'

export const contextSuffix = '.context.jsonl'

/** The context file of an archive file. */
export function contextPathFor(archivePath: string): string {
  return archivePath + contextSuffix
}

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
const MAX_NAME = 256

function str(v: unknown, max: number): string | undefined {
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

/** The context beside an archive file; null when there is none (an archive pulled before §3, or with --no-people). */
export async function readContextFile(path: string): Promise<ArchiveContext | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  return parseContext(text)
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** A person sighting with its line (the sighting as shared/people.ts bounds it). */
export interface PersonSighting {
  account: string
  sighting: NameSighting
  /** Whether the member list had the account; undefined when the list was not read. */
  member?: boolean
  /** The profile was not answered this time: the nickname and avatar last seen stand. */
  profileMissing?: boolean
}

/**
 * Appends context lines to a context file, only those that change what it says. Serialized: the
 * groups of a pull may call it concurrently.
 */
export class ContextWriter {
  private chain: Promise<void> = Promise.resolve()
  /** Lines appended by this writer. */
  appended = 0

  private constructor(
    readonly path: string,
    readonly ctx: ArchiveContext,
    private endsWithNewline: boolean
  ) {}

  static async open(path: string): Promise<ContextWriter> {
    let text = ''
    try {
      text = await readFile(path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    return new ContextWriter(path, parseContext(text), text === '' || text.endsWith('\n'))
  }

  /** The lines a group's sightings add (nothing when nothing changed), applied to ctx. */
  private linesFor(
    groupId: string,
    seenAt: number,
    group: { name?: string; groupType?: string } | null,
    topics: { topicId: string; name?: string }[],
    people: PersonSighting[]
  ): ContextLine[] {
    const lines: ContextLine[] = []
    const at = iso(seenAt)
    if (group) {
      const prev = this.ctx.groups.get(groupId)
      const name = str(group.name, MAX_NAME)
      const groupType = str(group.groupType, 64)
      if (!prev || prev.name !== name || prev.groupType !== groupType) {
        const l: GroupLine = { type: 'group', groupId, seenAt: at }
        if (name) l.name = name
        if (groupType) l.groupType = groupType
        lines.push(l)
      }
    }
    const known = this.ctx.topics.get(groupId)
    for (const t of topics) {
      const prev = known?.get(t.topicId)
      const name = str(t.name, MAX_NAME)
      if (!prev || prev.name !== name) {
        const l: TopicLine = { type: 'topic', groupId, topicId: t.topicId, seenAt: at }
        if (name) l.name = name
        lines.push(l)
      }
    }
    for (const p of people) {
      const prev = this.ctx.people.get(personKey(groupId, p.account))
      let s = p.sighting
      if (p.profileMissing) {
        const last = prev?.history[prev.history.length - 1]
        s = sighting(s.seenAt, { nick: last?.nick, avatar: last?.avatar, nameCard: s.nameCard })
      }
      const next = notePerson(prev, groupId, p.account, s, p.member)
      if (next === prev) continue
      const l: PersonLine = { type: 'person', groupId, account: p.account, seenAt: iso(s.seenAt) }
      if (s.nick) l.nick = s.nick
      if (s.nameCard) l.nameCard = s.nameCard
      if (s.avatar) l.avatar = s.avatar
      if (p.member !== undefined) l.member = p.member
      lines.push(l)
    }
    for (const l of lines) applyContextLine(this.ctx, l)
    return lines
  }

  /**
   * Notes what a pull saw of one group: appends the lines that change the context and fsyncs
   * them. Answers how many lines were appended.
   */
  note(
    groupId: string,
    seenAt: number,
    what: { group?: { name?: string; groupType?: string } | null; topics?: { topicId: string; name?: string }[]; people?: PersonSighting[] }
  ): Promise<number> {
    const run = async (): Promise<number> => {
      const lines = this.linesFor(groupId, seenAt, what.group ?? null, what.topics ?? [], what.people ?? [])
      if (lines.length === 0) return 0
      const text = (this.endsWithNewline ? '' : '\n') + lines.map((l) => JSON.stringify(l)).join('\n') + '\n'
      const fh = await open(this.path, 'a')
      try {
        await fh.appendFile(text, 'utf8')
        await fh.datasync()
      } finally {
        await fh.close()
      }
      this.endsWithNewline = true
      this.appended += lines.length
      return lines.length
    }
    const p = this.chain.then(run)
    this.chain = p.then(
      () => undefined,
      () => undefined
    )
    return p
  }
}
