import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { runExport } from '../export/exporter'
import { scanJsonl, type ScanResult } from '../export/jsonl-source'
import { scanPg } from '../export/pg-source'
import { openPool, parseDbUrl, redact, withDbErrors } from '../db/connect'
import { ensureSchema } from '../db/migrate'
import { loadContext } from '../pg-search/search'
import { contextSuffix, type ArchiveContext } from '../shared/context-lines'
import { writeFileAtomic } from '../fs/atomic-write'
import type pg from 'pg'
import { contextPathFor, readContextFile } from '../archive/context-file'
import { contextForExport } from '../export/context'
import { MEDIA_FOLDER, readMediaFolder, type ExportMediaOptions, type MediaMode, type MediaSummary } from '../export/media'
import { LEDGER_FILE } from '../media/ledger'
import { checkTimeZone, formatBytes, formatCount, isoTime, localTimeZone, periodKey } from '../shared/format'
import { exportFormats, parseSplit, splitPeriod, type ExportFormat, type ExportMeta, type Split } from '../export/types'
import type { ArchivedMessage } from '../shared/archive-record'
import { expandNames } from '../shared/search/name-query'
import { compileQuery, isQueryError, parseQuery, type Clause } from '../shared/search/query'
import { UsageError } from './env-creds'
import { packageVersion } from './version'
import { formatDuration, ProgressLine } from './progress'

export const exportHelp = `tim-archive export --in FILE.jsonl --format FORMAT --out PATH [options]
tim-archive export --db URL --format FORMAT --out PATH [options]

Exports messages of a JSON Lines archive (as written by pull) to a file, in order (each group by
seq). The file appears only when complete: it is written under a temporary name and renamed.
  --in FILE          the archive to read
  --db URL           or the team archive in PostgreSQL (pull --db): postgres://USER@HOST/DATABASE;
                     the same formats and filters, groups in --group's order then by ID. A reviewer's
                     slice for the app: --format jsonl writes FILE and its FILE.context.jsonl
  --format F         html, json, jsonl, csv, txt or md
  --out PATH         the file to write (with --split: a new or empty folder)
  --group ID         only this group (repeat for several; the order given is the export's order);
                     a group that is not in the archive is a usage error that lists those that are
  --after DATE       only messages after DATE ends: YYYY-MM-DD, YYYY/MM/DD or YYYY-MM
  --before DATE      only messages before DATE begins
  --query Q          only messages matching Q, in the app's search language: words, "phrases",
                     from:ID|NAME in:GROUP on:/before:/after:DATE has:image|file|link|… is:deleted|…, -not
  --split S          several files: count:N messages, size:MB, or one per year, month or day
                     (HTML adds an index.html)
  --tz TZ            the IANA time zone for times and dates, e.g. Asia/Shanghai or UTC (default:
                     this machine's, from TZ or the system); also --time-zone
  --media DIR        carry the media kept by \`pull --media DIR\`: each saved object the exported
                     messages reference is copied once into a media/ folder beside the export (inside
                     the folder of a split export), named <sha256>.<ext>; HTML shows thumbnails and
                     links originals, voice, video and files; JSON/JSONL add "path" to each saved
                     _archive.media entry; TXT, Markdown and CSV name the local file
  --media-inline     with --format html: one self-contained page instead; thumbnails are inlined as
                     data: URLs up to --media-inline-max KB each (default 256), nothing is copied
  --media-inline-max KB   the largest image inlined by --media-inline

A saved object whose file is not in DIR is named in a summary line; the export still succeeds.
Lines of the archive that are not JSON (a torn last line) are skipped and reported; a record with a
field of the wrong type stops the export, naming the line and the field.
Exit status: 0 when the export is written; 1 when it failed (nothing is left at PATH);
2 for usage errors (a bad query names the problem and where it is).`

/** A query error as a usage error that shows where: the text with a caret under the offset. */
function queryClauses(label: string, q: string): Clause[] {
  const r = parseQuery(q)
  if (!isQueryError(r)) return r.clauses
  throw new UsageError(`${label}: ${r.error} (at character ${r.at + 1})\n  ${q}\n  ${' '.repeat(r.at)}^`)
}

/** Minutes east of UTC of a time zone now (the query language reads dates at one fixed offset). */
export function offsetMinutes(tz: string): number {
  const iso = isoTime(Math.floor(Date.now() / 1000), tz)
  const m = /([+-])(\d\d):(\d\d)$/.exec(iso)
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
}

export async function runExportCommand(argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      in: { type: 'string' },
      db: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      group: { type: 'string', multiple: true },
      after: { type: 'string' },
      before: { type: 'string' },
      query: { type: 'string' },
      split: { type: 'string' },
      'time-zone': { type: 'string' },
      tz: { type: 'string' },
      media: { type: 'string' },
      'media-inline': { type: 'boolean' },
      'media-inline-max': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(exportHelp + '\n')
    return 0
  }
  if (values.in !== undefined && values.db !== undefined) throw new UsageError('Give --in FILE.jsonl or --db URL, not both.')
  if (!values.in && values.db === undefined) throw new UsageError('Give --in FILE.jsonl, the archive to export (or --db URL, the team archive).')
  const dbUrl = values.db !== undefined ? parseDbUrl(values.db) : undefined
  if (!values.format) throw new UsageError(`Give --format: one of ${exportFormats.join(', ')}.`)
  if (!(exportFormats as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format ${values.format} is not a format: use one of ${exportFormats.join(', ')}.`)
  }
  const format = values.format as ExportFormat
  if (!values.out) throw new UsageError('Give --out PATH, the file to write.')
  const input = values.in !== undefined ? resolve(values.in) : undefined
  if (input !== undefined && !existsSync(input)) throw new UsageError(`--in ${values.in}: no such file.`)
  const out = resolve(values.out)
  const timeZone = values.tz ?? values['time-zone'] ?? localTimeZone()
  try {
    checkTimeZone(timeZone)
  } catch {
    throw new UsageError(`--tz ${timeZone} is not a time zone: use an IANA name such as UTC or Asia/Shanghai.`)
  }
  let split: Split | undefined
  if (values.split !== undefined) {
    const s = parseSplit(values.split)
    if ('error' in s) throw new UsageError(`--split: ${s.error}`)
    split = s
  }
  let media: ExportMediaOptions | undefined
  if (values['media-inline'] && format !== 'html') throw new UsageError('--media-inline makes a self-contained HTML page: use it with --format html.')
  if ((values['media-inline'] || values['media-inline-max'] !== undefined) && values.media === undefined)
    throw new UsageError('--media-inline needs --media DIR, the folder pull --media kept the media in.')
  let inlineMaxBytes: number | undefined
  if (values['media-inline-max'] !== undefined) {
    const kb = Number(values['media-inline-max'])
    if (!(kb > 0) || !Number.isFinite(kb)) throw new UsageError(`--media-inline-max ${values['media-inline-max']} is not a size: give kilobytes above 0.`)
    inlineMaxBytes = Math.round(kb * 1024)
  }
  if (values.media !== undefined) {
    const dir = resolve(values.media)
    if (!existsSync(join(dir, LEDGER_FILE)))
      throw new UsageError(`--media ${values.media}: no ${LEDGER_FILE} there; give the folder pull --media kept the media in.`)
    const source = await readMediaFolder(dir)
    media = { source, mode: values['media-inline'] ? 'inline' : 'folder', ...(inlineMaxBytes ? { inlineMaxBytes } : {}) }
  }
  const clauses = [
    ...queryClauses('--query', values.query ?? ''),
    ...(values.after !== undefined ? queryClauses('--after', `after:${values.after}`) : []),
    ...(values.before !== undefined ? queryClauses('--before', `before:${values.before}`) : [])
  ]
  const groups = [...new Set(values.group ?? [])]
  const groupSet = new Set(groups)
  // A period split puts every group's messages of one period in one file: read in period order.
  const period = splitPeriod(split)
  const primaryKey = period
    ? (m: ArchivedMessage): number => {
        const k = periodKey(typeof m.MsgTimeStamp === 'number' ? m.MsgTimeStamp : undefined, timeZone, period)
        return k === 'undated' ? Number.MAX_SAFE_INTEGER : Number(k.replace(/-/g, ''))
      }
    : undefined

  const progress = new ProgressLine(process.stderr)
  const onProgress = (read: number, total: number) => progress.update(`reading ${percent(read, total)}`, read / Math.max(1, total))
  const pool = dbUrl !== undefined ? openPool(dbUrl, 2) : undefined
  try {
    const run = async () => {
      // The archive's context (issue 18 §3): group names, topics, people's names; from the file
      // beside the archive, or the team archive's context lines.
      if (pool) await ensureSchema(pool)
      const context = pool ? await loadContext(pool) : await readContextFile(contextPathFor(input!))
      // `from:NAME` matches any name a person of the exported groups ever had, as the app's search does.
      const people = context ? [...context.people.values()].filter((p) => groupSet.size === 0 || groupSet.has(p.groupId)) : []
      const query = expandNames({ clauses }, people, '').query
      const matches = compileQuery(query, { timeZoneOffsetMinutes: offsetMinutes(timeZone) })
      const keep = (m: ArchivedMessage): boolean => (groupSet.size === 0 || groupSet.has(m.GroupId)) && matches(m)
      return exportFrom(pool, input, {
        values,
        format,
        out,
        split,
        media,
        clauses: query.clauses,
        groups,
        keep,
        primaryKey,
        timeZone,
        progress,
        onProgress,
        context
      })
    }
    return dbUrl !== undefined ? await withDbErrors(dbUrl, run) : await run()
  } finally {
    await pool?.end()
  }
}

interface ExportRun {
  values: { in?: string; db?: string; query?: string; after?: string; before?: string }
  format: ExportFormat
  out: string
  split: Split | undefined
  media: ExportMediaOptions | undefined
  clauses: Clause[]
  groups: string[]
  keep: (m: ArchivedMessage) => boolean
  primaryKey: ((m: ArchivedMessage) => number) | undefined
  timeZone: string
  progress: ProgressLine
  onProgress: (read: number, total: number) => void
  context: ArchiveContext | null
}

/** The export proper, from a JSON Lines file or the team archive: one path for every format. */
async function exportFrom(pool: pg.Pool | undefined, input: string | undefined, o: ExportRun): Promise<number> {
  const { values, format, out, split, media, groups, keep, primaryKey, timeZone, progress } = o
  const { context } = o
  let scan: ScanResult
  if (pool) {
    scan = await scanPg(pool, {
      query: { clauses: o.clauses },
      keep,
      groupOrder: groups,
      timeZoneOffsetMinutes: offsetMinutes(timeZone),
      ...(primaryKey ? { primaryKey } : {}),
      label: redact(values.db!),
      onProgress: o.onProgress
    })
  } else {
    scan = await scanJsonl(input!, { keep, groupOrder: groups, ...(primaryKey ? { primaryKey } : {}), onProgress: o.onProgress })
  }
  progress.done()
  // A group the archive does not hold is a typo, not an empty export: a cron backup must fail
  // loudly (issue 15 item 8). A group that is there but has no message matching the filters is fine.
  const unknown = groups.filter((g) => !scan.allGroups.includes(g))
  const source = values.in ?? scan.path
  if (unknown.length) throw new UsageError(noSuchGroups('--group', unknown, source, scan.allGroups))
  const missing = groups.filter((g) => !scan.groups.includes(g))
  if (missing.length) process.stderr.write(`no matching messages of ${missing.join(', ')} in ${source}\n`)
  if (scan.badLineCount > 0) {
    const shown = scan.badLines.join(', ') + (scan.badLineCount > scan.badLines.length ? ', …' : '')
    process.stderr.write(`skipped ${scan.badLineCount} line(s) that are not records (line ${shown})\n`)
  }

  const meta: ExportMeta = {
    app: 'tim-archive',
    version: packageVersion(),
    exportedAt: new Date().toISOString(),
    query: values.query ?? '',
    groups: scan.groups.map((groupId) => ({ groupId })),
    timeZone,
    count: scan.count
  }
  if (context) Object.assign(meta, contextForExport(context, scan.groups))
  if (values.after !== undefined) meta.after = values.after
  if (values.before !== undefined) meta.before = values.before

  const abort = new AbortController()
  const onSignal = () => abort.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const started = Date.now()
  try {
    const result = await runExport(scan.read(), {
      format,
      out,
      meta,
      signal: abort.signal,
      ...(split ? { split } : {}),
      ...(media ? { media } : {}),
      onProgress: (p) => {
        const secs = (Date.now() - started) / 1000
        const rate = p.messages / Math.max(secs, 0.001)
        const eta = rate > 0 ? formatDuration((scan.count - p.messages) / rate) : '--:--'
        const copied = p.mediaFiles !== undefined ? `  media ${formatCount(p.mediaFiles, 'en')} files ${formatBytes(p.mediaBytes ?? 0, 'en')}` : ''
        progress.update(
          `writing ${formatCount(p.messages, 'en')}/${formatCount(scan.count, 'en')} msgs  ${formatCount(rate, 'en')} msgs/s${copied}  ETA ${eta}`,
          p.messages / Math.max(1, scan.count)
        )
      }
    })
    progress.done()
    // A reviewer's slice of the team archive (issue 20 §3): its context beside it, as pull writes
    // one, so the app's import shows group and people's names (picked together with the file).
    if (pool && format === 'jsonl' && !split) {
      const lines = await pool.query<{ line: unknown }>(
        'SELECT line FROM tim_archive.context_lines WHERE group_id = ANY($1::text[]) ORDER BY group_id, line_no',
        [scan.groups]
      )
      if (lines.rows.length) {
        await writeFileAtomic(out + contextSuffix, lines.rows.map((r) => `${JSON.stringify(r.line)}\n`).join(''))
        process.stderr.write(`wrote the context of the exported groups to ${out + contextSuffix}\n`)
      }
    }
    const where = split ? `${result.files.length} files in ${out}` : out
    process.stderr.write(`exported ${formatCount(result.messages, 'en')} messages (${formatCount(scan.records, 'en')} in the archive) to ${where}\n`)
    if (result.media)
      process.stderr.write(mediaSummary(result.media, media?.mode ?? 'folder', split ? join(out, MEDIA_FOLDER) : join(dirname(out), MEDIA_FOLDER)))
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The media lines of the summary: what was copied (or inlined), and the saved files that were missing. */
export function mediaSummary(m: MediaSummary, mode: MediaMode, folder: string): string {
  // The senders' avatars are among the files: said apart, so the count stays honest.
  const avatars = m.avatars ? `; ${formatCount(m.avatars, 'en')} of them sender avatar${m.avatars === 1 ? '' : 's'}` : ''
  const what =
    mode === 'inline'
      ? `inlined ${formatCount(m.files, 'en')} images (${formatBytes(m.bytes, 'en')}${avatars})`
      : `copied ${formatCount(m.files, 'en')} media files (${formatBytes(m.bytes, 'en')}${avatars}) to ${folder}`
  let out = `${what}\n`
  if (m.missing > 0) {
    const more = m.missing > m.missingNames.length ? `, and ${formatCount(m.missing - m.missingNames.length, 'en')} more` : ''
    out += `${formatCount(m.missing, 'en')} saved media file(s) missing from the media folder, left out: ${m.missingNames.join(', ')}${more}\n`
  }
  return out
}

/** "--group @TGS#NOPE is not in a.jsonl. Groups in the archive: @TGS#A, @TGS#B." */
export function noSuchGroups(option: string, unknown: string[], file: string, present: readonly string[]): string {
  const list = present.length ? `Groups in the archive: ${present.join(', ')}.` : 'The archive holds no group.'
  return `${unknown.map((g) => `${option} ${g}`).join(', ')}: not in ${file}. ${list}`
}

function percent(n: number, total: number): string {
  return `${total > 0 ? ((n / total) * 100).toFixed(1) : '100.0'}%`
}
