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
import { unitKey } from '../shared/archive-record'
import { noSuchGroups } from './export'

export const reportHelp = `tim-archive report --in FILE.jsonl [--group ID ...] [--format text|json|html] [--out PATH]

Prints the health of a JSON Lines archive, per group and for the whole archive: seq coverage and
holes, deleted / expired / recalled placeholders and their seq ranges, messages the server has
removed since they were archived, system messages, first and last message time, last sync and
errors. Reads FILE.state.json (written by pull) when it is there. Reads the archive as a stream, so
any size works; it never changes the archive.
  --in FILE          the archive written by tim-archive pull
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
  if (!values.in) throw new UsageError('Give --in FILE.jsonl, an archive written by tim-archive pull.')
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
  const health = await reportFile(resolve(values.in), (w) => process.stderr.write(`tim-archive report: ${w}\n`), values.group)
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
  const groupOf = (unit: string): string => (unit.includes('@TOPIC#_') ? unit.slice(0, unit.indexOf('@TOPIC#_')) : unit)
  const states = only ? Object.fromEntries(Object.entries(allStates).filter(([g]) => only.has(groupOf(g)))) : allStates
  const present = new Set<string>()
  const acc = new HealthAccumulator(states)
  // Messages per sender per group, for the people line (bounded: past the cap a group's new senders are not counted).
  const senders = new Map<string, Map<string, number>>()
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
    // A topic's messages are counted as a channel of their own (their seqs are the topic's).
    const unit = unitKey(r.record.GroupId, r.record.TopicId)
    acc.add(unit === r.record.GroupId ? r.record : { ...r.record, GroupId: unit })
    let m = senders.get(unit)
    if (!m) senders.set(unit, (m = new Map()))
    countSender(m, r.record.From_Account)
  }
  if (only) {
    const known = [...new Set([...present, ...Object.keys(allStates).map(groupOf)])].sort()
    const unknown = [...only].filter((g) => !known.includes(g))
    if (unknown.length) throw new UsageError(noSuchGroups('--group', unknown, path, known))
  }
  // A kill mid-append leaves a torn last line; pull cuts it off on its next run.
  if (bad !== null) warn(`line ${bad}, the last, is torn (an interrupted pull); it is left out. The next pull repairs it.`)
  const health = acc.finish()
  await addContext(health, contextPathFor(path), senders, warn)
  return health
}

/**
 * Names the groups and people of a report from the archive's context file (issue 18 §3), when
 * there is one; without it the report is as before (account IDs and group IDs).
 */
async function addContext(health: ArchiveHealth, path: string, senders: Map<string, Map<string, number>>, warn: (message: string) => void): Promise<void> {
  const ctx = await readContextFile(path).catch((e: unknown) => {
    warn(`${path} could not be read (${e instanceof Error ? e.message : String(e)}): groups and people are shown by ID.`)
    return null
  })
  if (ctx && ctx.skipped) warn(`${path}: ${ctx.skipped} line(s) that are not context records were skipped.`)
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
