import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { writeFileAtomic } from '../fs/atomic-write'
import { formatCount } from '../shared/format'
import { HealthAccumulator, countSender, peopleHealth, type ArchiveHealth, type GroupSyncState } from '../shared/report/health'
import { groupsAndTopics, renderJson, renderText } from '../shared/report/render'
import { renderHtml } from '../shared/report/render-html'
import { describeRecordProblem, parseRecordLine } from '../shared/record-line'
import { UsageError } from './env-creds'
import { contextPathFor, personKey, readContextFile } from '../archive/context-file'
import { unitKey, type ArchivedMessage } from '../shared/archive-record'
import type { ArchiveContext } from '../shared/context-lines'
import { noSuchGroups } from './export'
import type pg from 'pg'
import { inTransaction, openPool, parseDbUrl, redact, withDbErrors } from '../db/connect'
import { ensureSchema } from '../db/migrate'
import { fromMultirange } from '../archive/pg-archive'
import { loadContext } from '../pg-search/search'

export const reportHelp = `tim-archive report --in FILE.jsonl [--group ID ...] [--format text|json|html] [--out PATH]
tim-archive report --db URL [--group ID ...] [--format text|json|html] [--out PATH]

Prints the health of a JSON Lines archive, per group and for the whole archive: seq coverage and
holes, deleted / expired / recalled placeholders and their seq ranges, messages the server has
removed since they were archived, system messages, first and last message time, last sync and
errors. Reads FILE.state.json (written by pull) when it is there. Reads the archive as a stream, so
any size works; it never changes the archive.
  --in FILE          the archive written by tim-archive pull
  --db URL           or the team archive in PostgreSQL (pull --db): postgres://USER@HOST/DATABASE;
                     coverage comes from the database, committed with the messages it proves
  --group ID         only this group (repeat for several); a group that is not in the archive is a
                     usage error that lists those that are
  --format F         text (default), json, or html (one self-contained file, light and dark)
  --out PATH         write the report to PATH instead of stdout (the format follows a .json or
                     .html extension unless --format is given)

Exit status: 0 when the report was written (whatever the archive's health); 1 when the archive
cannot be read or a line is not a valid record (named with its field); 2 for usage errors.`

const formats = ['text', 'json', 'html'] as const
type Format = (typeof formats)[number]

export async function runReport(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      in: { type: 'string' },
      db: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      group: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(reportHelp + '\n')
    return 0
  }
  if (values.in !== undefined && values.db !== undefined) throw new UsageError('Give --in FILE.jsonl or --db URL, not both.')
  if (!values.in && values.db === undefined)
    throw new UsageError('Give --in FILE.jsonl, an archive written by tim-archive pull (or --db URL, the team archive).')
  const dbUrl = values.db !== undefined ? parseDbUrl(values.db) : undefined
  let format: Format = 'text'
  if (values.format !== undefined) {
    if (!(formats as readonly string[]).includes(values.format)) {
      throw new UsageError(`--format must be one of ${formats.join(', ')}, got "${values.format}".`)
    }
    format = values.format as Format
  } else if (values.out) {
    const ext = extname(values.out).toLowerCase()
    if (ext === '.json') format = 'json'
    else if (ext === '.html' || ext === '.htm') format = 'html'
  }
  const warn = (w: string) => process.stderr.write(`tim-archive report: ${w}\n`)
  const health = dbUrl !== undefined ? await reportDbUrl(dbUrl, warn, values.group) : await reportFile(resolve(values.in!), warn, values.group)
  const text = format === 'json' ? renderJson(health) : format === 'html' ? renderHtml(health) : renderText(health)
  if (values.out) {
    const out = resolve(values.out)
    await writeFileAtomic(out, text)
    process.stderr.write(`${out}: ${format} report of ${groupsAndTopics(health.totals)}, ${formatCount(health.totals.messages, 'en')} messages\n`)
  } else {
    process.stdout.write(text)
  }
  return 0
}

interface StateFile {
  format?: string
  fileBytes?: number
  groups?: Record<string, GroupSyncState>
}

/** Reads an archive and its state file (when present) into a health report, streaming. */
export async function reportFile(path: string, warn: (message: string) => void = () => {}, groups?: readonly string[]): Promise<ArchiveHealth> {
  const { size } = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'ENOENT' ? `${path}: no such file.` : `${path}: ${e.message}`)
  })
  const allStates = await readStates(`${path}.state.json`, size, warn)
  const only = groups?.length ? new Set(groups) : null
  // A Community topic is a channel of its group: its state is keyed by its topic ID (the group ID +
  // "@TOPIC#_…"), and --group of the Community takes its topics too.
  const groupOf = groupOfUnit
  const states = only ? Object.fromEntries(Object.entries(allStates).filter(([g]) => only.has(groupOf(g)))) : allStates
  const present = new Set<string>()
  const acc = new ReportBuilder(states)
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  let lineNo = 0
  let bad: number | null = null
  for await (const line of rl) {
    lineNo++
    if (!line) continue
    if (bad !== null) throw new Error(`${path}: line ${bad} is not valid JSON; the archive was edited or damaged.`)
    const r = parseRecordLine(line)
    if (!r.ok) {
      if (r.problem.got === 'not-json') {
        bad = lineNo
        continue
      }
      throw new Error(`${path}: ${describeRecordProblem(lineNo, r.problem)}; this is not a valid tim-archive file.`)
    }
    present.add(r.record.GroupId)
    if (only && !only.has(r.record.GroupId)) continue
    acc.add(r.record)
  }
  if (only) {
    const known = [...new Set([...present, ...Object.keys(allStates).map(groupOf)])].sort()
    const unknown = [...only].filter((g) => !known.includes(g))
    if (unknown.length) throw new UsageError(noSuchGroups('--group', unknown, path, known))
  }
  // A kill mid-append leaves a torn last line; pull cuts it off on its next run.
  if (bad !== null) warn(`line ${bad}, the last, is torn (an interrupted pull); it is left out. The next pull repairs it.`)
  const ctx = await readContextFile(contextPathFor(path)).catch((e: unknown) => {
    warn(`${contextPathFor(path)} could not be read (${e instanceof Error ? e.message : String(e)}): groups and people are shown by ID.`)
    return null
  })
  if (ctx && ctx.skipped) warn(`${contextPathFor(path)}: ${ctx.skipped} line(s) that are not context records were skipped.`)
  return acc.finish(ctx)
}

/** A unit's state key of a Community topic is its topic ID; --group of the Community takes its topics too. */
export function groupOfUnit(unit: string): string {
  return unit.includes('@TOPIC#_') ? unit.slice(0, unit.indexOf('@TOPIC#_')) : unit
}

/**
 * The health report built from records, whatever their source (an archive file, or the team
 * archive in PostgreSQL: report --db), so both report the same archive the same way.
 */
export class ReportBuilder {
  private readonly acc: HealthAccumulator
  // Messages per sender per group, for the people line (bounded: past the cap a group's new senders are not counted).
  private readonly senders = new Map<string, Map<string, number>>()

  constructor(states: Record<string, GroupSyncState>) {
    this.acc = new HealthAccumulator(states)
  }

  add(record: ArchivedMessage): void {
    // A topic's messages are counted as a channel of their own (their seqs are the topic's).
    const unit = unitKey(record.GroupId, record.TopicId)
    this.acc.add(unit === record.GroupId ? record : { ...record, GroupId: unit })
    let m = this.senders.get(unit)
    if (!m) this.senders.set(unit, (m = new Map()))
    countSender(m, record.From_Account)
  }

  /** The report, its groups and people named from the archive's context when there is one. */
  finish(ctx: ArchiveContext | null): ArchiveHealth {
    const health = this.acc.finish()
    addContext(health, ctx, this.senders)
    return health
  }
}

/** The report of the team archive at a URL (report --db). */
async function reportDbUrl(url: string, warn: (message: string) => void, groups?: readonly string[]): Promise<ArchiveHealth> {
  const pool = openPool(url, 2)
  try {
    return await withDbErrors(url, async () => {
      await ensureSchema(pool)
      return await reportDb(pool, redact(url), warn, groups)
    })
  } finally {
    await pool.end()
  }
}

/**
 * The health of the team archive in PostgreSQL: its records streamed through a cursor (any size),
 * its units' coverage as committed with them, its context lines. Read-only: one REPEATABLE READ
 * snapshot, so a pull running meanwhile does not make the counts disagree with the coverage.
 */
export async function reportDb(pool: pg.Pool, label: string, warn: (message: string) => void, groups?: readonly string[]): Promise<ArchiveHealth> {
  const only = groups?.length ? [...new Set(groups)] : null
  return inTransaction(
    pool,
    async (c) => {
      const known = (await c.query<{ group_id: string }>('SELECT group_id FROM tim_archive.groups ORDER BY group_id')).rows.map((r) => r.group_id)
      if (only) {
        const unknown = only.filter((g) => !known.includes(g))
        if (unknown.length) throw new UsageError(noSuchGroups('--group', unknown, label, known))
      }
      const states: Record<string, GroupSyncState> = {}
      const units = await c.query<{ group_id: string; topic_id: string; ranges: string; floor: string | null; top: string; last_sync_at: Date | null }>(
        `SELECT group_id, topic_id, ranges::text AS ranges, floor, top, last_sync_at FROM tim_archive.units${only ? ' WHERE group_id = ANY($1::text[])' : ''}`,
        only ? [only] : []
      )
      for (const u of units.rows) {
        // A unit opened and never committed to has no coverage yet, as a pull file's state has no line for it.
        if (u.last_sync_at === null) continue
        states[unitKey(u.group_id, u.topic_id || undefined)] = {
          ranges: fromMultirange(u.ranges),
          floor: u.floor === null ? null : Number(u.floor),
          top: Number(u.top),
          lastSyncAt: u.last_sync_at.toISOString()
        }
      }
      const acc = new ReportBuilder(states)
      await c.query({
        text: `DECLARE recs NO SCROLL CURSOR FOR SELECT record FROM tim_archive.messages${only ? ' WHERE group_id = ANY($1::text[])' : ''} ORDER BY group_id, topic_id, msg_seq`,
        values: only ? [only] : []
      })
      for (;;) {
        const r = await c.query<{ record: ArchivedMessage }>('FETCH 2000 FROM recs')
        for (const row of r.rows) acc.add(row.record)
        if (r.rows.length < 2000) break
      }
      const ctx = await loadContext(c)
      if (ctx.skipped) warn(`${label}: ${ctx.skipped} context line(s) that are not context records were skipped.`)
      return acc.finish(ctx)
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
  )
}

/**
 * Names the groups and people of a report from the archive's context file (issue 18 §3), when
 * there is one; without it the report is as before (account IDs and group IDs).
 */
function addContext(health: ArchiveHealth, ctx: ArchiveContext | null, senders: Map<string, Map<string, number>>): void {
  for (const g of health.groups) {
    // A topic's row is named "Group / Topic" (its group's name, or ID, and the topic's name).
    const at = g.groupId.indexOf('@TOPIC#_')
    const groupId = at > 0 ? g.groupId.slice(0, at) : g.groupId
    const c = ctx?.groups.get(groupId)
    if (at > 0) {
      const topic = ctx?.topics.get(groupId)?.get(g.groupId)
      g.name = `${c?.name ?? groupId} / ${topic?.name ?? g.groupId.slice(at + '@TOPIC#_'.length)}`
    } else if (c?.name) g.name = c.name
    if (c?.groupType) g.groupType = c.groupType
    if (!ctx) continue
    const counts = senders.get(g.groupId)
    if (!counts?.size) continue
    g.people = peopleHealth(counts, (account) => ctx.people.get(personKey(groupId, account)))
  }
}

async function readStates(path: string, archiveBytes: number, warn: (message: string) => void): Promise<Record<string, GroupSyncState>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      warn(`no sync state (${path}): coverage, holes and last sync are unknown; gaps between archived seqs are shown instead.`)
      return {}
    }
    throw e
  }
  let state: StateFile
  try {
    state = JSON.parse(text) as StateFile
  } catch {
    warn(`${path} is not valid JSON: coverage is unknown.`)
    return {}
  }
  if (state.format !== 'tim-archive-state' || typeof state.groups !== 'object' || state.groups === null) {
    warn(`${path} is not a tim-archive state file: coverage is unknown.`)
    return {}
  }
  if (typeof state.fileBytes === 'number' && state.fileBytes > archiveBytes) {
    // The same rule as pull: a shorter archive than the state describes was replaced since.
    warn(`${path} describes a longer archive than this one (it was replaced): coverage is unknown.`)
    return {}
  }
  return state.groups
}
