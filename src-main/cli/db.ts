/**
 * `tim-archive db migrate --db URL` (issue 20 §4): creates or upgrades the team archive's schema.
 * Every other --db command does the same when needed; this one does only that, for an operator who
 * upgrades the schema before a deployment's jobs run.
 */
import { parseArgs } from 'node:util'
import { openPool, parseDbUrl, redact, withDbErrors } from '../db/connect'
import { migrate } from '../db/migrate'
import { UsageError } from './env-creds'

export const dbHelp = `tim-archive db migrate --db postgres://USER@HOST[:PORT]/DATABASE

Creates the team archive's schema (tim_archive) in the database, or brings it up to this version's.
Safe to run again, and from several machines at once (an advisory lock: one migrates, the others
wait and find nothing to do). Each migration is one transaction. pull --db does this by itself.
The password, if any, from PGPASSWORD or ~/.pgpass (as psql reads them) rather than the URL.`

export async function runDb(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values } = parseArgs({ args: rest, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true })
  if (sub === '--help' || sub === '-h' || values.help) {
    process.stdout.write(dbHelp + '\n')
    return 0
  }
  if (sub !== 'migrate')
    throw new UsageError(
      sub === undefined ? 'Give a db command: tim-archive db migrate --db URL.' : `Unknown db command "${sub}": the one there is is "migrate".`
    )
  const url = parseDbUrl(values.db)
  const pool = openPool(url, 1)
  try {
    const r = await withDbErrors(url, () => migrate(pool))
    if (r.applied.length === 0) process.stdout.write(`${redact(url)}: the schema is up to date (version ${r.version})\n`)
    else for (const m of r.applied) process.stdout.write(`${redact(url)}: applied migration ${m.version} (${m.name})\n`)
    return 0
  } finally {
    await pool.end().catch(() => {})
  }
}
