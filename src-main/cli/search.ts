/**
 * `tim-archive search --db URL "query"` (issue 20 §3): the app's query language over the team
 * archive in PostgreSQL, newest first (src-main/pg-search).
 */
import { parseArgs } from 'node:util'
import { openPool, parseDbUrl, withDbErrors } from '../db/connect'
import { ensureSchema } from '../db/migrate'
import { describe, docText } from '../export/model'
import { visibleControls } from '../export/text-safety'
import { loadContext, Search } from '../pg-search/search'
import { checkTimeZone, formatCount, isoTime, localTimeZone } from '../shared/format'
import { isQueryError, parseQuery } from '../shared/search/query'
import { UsageError } from './env-creds'
import { offsetMinutes } from './export'

export const searchHelp = `tim-archive search --db URL "QUERY" [--group ID ...] [--limit N] [--format jsonl|table]

Searches the team archive in PostgreSQL (written by pull --db) with the app's search language:
words (Chinese included), "phrases", prefix*, from:ID, in:GROUP (ID or name), on:/before:/after:DATE,
has:image|file|sound|video|location|custom|link|face|relay, is:deleted|recalled|system|removed|edited,
and -clause for "not". Matches come newest first; the number of matches goes to stderr.
  --db URL           postgres://USER@HOST[:PORT]/DATABASE (a read-only role is enough)
  --group ID         only this group (repeat for several)
  --limit N          at most N matches (default 50)
  --format F         jsonl (default: each archived record as pull --out writes it) or table
                     (time, group, sender and text, one line each)
  --tz TZ            the IANA time zone for dates in the query and times in the table (default:
                     this machine's)

Exit status: 0 when the search ran (whether or not it found anything); 1 when the database failed
(named with its cause); 2 for usage errors (a bad query names the problem and where it is).`

/** One line of the table: time, group, sender, text (control characters shown as escapes). */
function tableLine(r: { groupId: string; topicId: string; record: Parameters<typeof describe>[0] }, tz: string): string {
  const d = describe(r.record, tz)
  const text = visibleControls(docText(d, tz)).replace(/\s+/g, ' ').trim()
  const where = r.topicId ? `${r.groupId} ${r.topicId}` : r.groupId
  const time = typeof r.record.MsgTimeStamp === 'number' ? isoTime(r.record.MsgTimeStamp, tz) : '(no time)'
  return `${time}  ${where}  #${r.record.MsgSeq}  ${visibleControls(d.from || '-')}: ${text.length > 200 ? `${text.slice(0, 199)}…` : text}`
}

export async function runSearch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      group: { type: 'string', multiple: true },
      limit: { type: 'string' },
      format: { type: 'string' },
      tz: { type: 'string' },
      'time-zone': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    allowPositionals: true,
    strict: true
  })
  if (values.help) {
    process.stdout.write(searchHelp + '\n')
    return 0
  }
  const url = parseDbUrl(values.db)
  if (positionals.length > 1) throw new UsageError(`Give the query as one argument, in quotes: tim-archive search --db URL "${positionals.join(' ')}".`)
  const text = positionals[0] ?? ''
  const parsed = parseQuery(text)
  if (isQueryError(parsed)) throw new UsageError(`query: ${parsed.error} (at character ${parsed.at + 1})\n  ${text}\n  ${' '.repeat(parsed.at)}^`)
  const limit = values.limit === undefined ? 50 : Number(values.limit)
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit ${values.limit} is not a count: give a whole number above 0.`)
  const format = values.format ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'table') throw new UsageError(`--format must be jsonl or table, got "${format}".`)
  const tz = values.tz ?? values['time-zone'] ?? localTimeZone()
  try {
    checkTimeZone(tz)
  } catch {
    throw new UsageError(`--tz ${tz} is not a time zone: use an IANA name such as UTC or Asia/Shanghai.`)
  }
  const pool = openPool(url, 2)
  try {
    return await withDbErrors(url, async () => {
      await ensureSchema(pool)
      const context = await loadContext(pool)
      const search = await Search.prepare(pool, parsed, {
        context,
        timeZoneOffsetMinutes: offsetMinutes(tz),
        ...(values.group?.length ? { onlyGroups: [...new Set(values.group)] } : {})
      })
      const { rows } = await search.page(limit)
      for (const r of rows) process.stdout.write(format === 'jsonl' ? `${JSON.stringify(r.record)}\n` : `${tableLine(r, tz)}\n`)
      const total = rows.length < limit ? rows.length : await search.count()
      process.stderr.write(`${formatCount(rows.length, 'en')} of ${formatCount(total, 'en')} matches, newest first\n`)
      return 0
    })
  } finally {
    await pool.end()
  }
}
