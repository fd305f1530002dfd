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
import { notePerson, sighting, type NameSighting } from '../shared/people'
import {
  applyContextLine,
  contextSuffix,
  MAX_NAME,
  parseContext,
  personKey,
  str,
  type ArchiveContext,
  type ContextLine,
  type GroupLine,
  type PersonLine,
  type TopicLine
} from '../shared/context-lines'

// The pure line parser moved to shared/context-lines.ts (the app's import reads the file too).
export * from '../shared/context-lines'

/** The context file of an archive file. */
export function contextPathFor(archivePath: string): string {
  return archivePath + contextSuffix
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
      const lines = contextLinesFor(this.ctx, groupId, seenAt, what.group ?? null, what.topics ?? [], what.people ?? [])
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

/**
 * The lines a group's sightings add to a context (nothing when nothing changed), applied to `ctx`:
 * the context file's writer and the team archive's (db/context-lines.ts) both write these.
 */
export function contextLinesFor(
  ctx: ArchiveContext,
  groupId: string,
  seenAt: number,
  group: { name?: string; groupType?: string } | null,
  topics: { topicId: string; name?: string }[],
  people: PersonSighting[]
): ContextLine[] {
  const lines: ContextLine[] = []
  const at = iso(seenAt)
  if (group) {
    const prev = ctx.groups.get(groupId)
    const name = str(group.name, MAX_NAME)
    const groupType = str(group.groupType, 64)
    if (!prev || prev.name !== name || prev.groupType !== groupType) {
      const l: GroupLine = { type: 'group', groupId, seenAt: at }
      if (name) l.name = name
      if (groupType) l.groupType = groupType
      lines.push(l)
    }
  }
  const known = ctx.topics.get(groupId)
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
    const prev = ctx.people.get(personKey(groupId, p.account))
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
  for (const l of lines) applyContextLine(ctx, l)
  return lines
}
