/**
 * Applying the schema's migrations (migrations.ts): `tim-archive db migrate`, and every --db
 * command before it starts (ensureSchema).
 *
 * - One migrations table, tim_archive.schema_migrations (version, name, applied_at).
 * - Each migration in one transaction with its row in that table: a failure leaves the schema as
 *   it was before that migration.
 * - An advisory lock (transaction-independent, on one connection) held for the whole run, so two
 *   processes starting at once do not both migrate: the second waits, then finds nothing to do.
 */
import type pg from 'pg'
import { migrations, SCHEMA, type Migration } from './migrations'

/** Advisory lock keys: the class ('TIMA' as an int32) and the object (0: migrations). */
export const LOCK_CLASS = 0x54494d41
const MIGRATE_LOCK = 0

export interface MigrateResult {
  applied: Migration[]
  /** The schema's version after the run. */
  version: number
}

export class SchemaTooNewError extends Error {}

/** The newest version this build knows. */
export const latestVersion = migrations[migrations.length - 1]!.version

async function currentVersion(c: pg.PoolClient | pg.Client): Promise<number | null> {
  const t = await c.query<{ exists: boolean }>(`SELECT to_regclass('${SCHEMA}.schema_migrations') IS NOT NULL AS exists`)
  if (!t.rows[0]?.exists) return null
  const r = await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${SCHEMA}.schema_migrations`)
  return r.rows[0]?.v ?? 0
}

/** Applies every migration not applied yet. Safe to run concurrently and repeatedly. `list`: for tests. */
export async function migrate(pool: pg.Pool, list: readonly Migration[] = migrations): Promise<MigrateResult> {
  const latest = list[list.length - 1]!.version
  const c = await pool.connect()
  let broken = false
  try {
    await c.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, MIGRATE_LOCK])
    try {
      let version = await currentVersion(c)
      if (version !== null && version > latest) {
        throw new SchemaTooNewError(`The database's archive schema is version ${version}, newer than this tim-archive knows (${latest}): update tim-archive.`)
      }
      if (version === null) {
        await c.query('BEGIN')
        try {
          await c.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`)
          await c.query(
            `CREATE TABLE ${SCHEMA}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`
          )
          await c.query('COMMIT')
        } catch (e) {
          await c.query('ROLLBACK').catch(() => {})
          throw e
        }
        version = 0
      }
      const applied: Migration[] = []
      for (const m of list) {
        if (m.version <= version) continue
        await c.query('BEGIN')
        try {
          await c.query(m.sql)
          await c.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name])
          await c.query('COMMIT')
        } catch (e) {
          await c.query('ROLLBACK').catch(() => {})
          throw new Error(`Migration ${m.version} (${m.name}) failed and was rolled back: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
        }
        applied.push(m)
        version = m.version
      }
      return { applied, version }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, MIGRATE_LOCK]).catch(() => {
        broken = true
      })
    }
  } catch (e) {
    broken = true
    throw e
  } finally {
    // A connection that failed mid-way is not returned to the pool (its session state is unknown).
    c.release(broken ? true : undefined)
  }
}

/** What every --db command runs first: migrates when the schema is missing or older. */
export async function ensureSchema(pool: pg.Pool): Promise<MigrateResult> {
  const c = await pool.connect()
  let v: number | null
  try {
    v = await currentVersion(c)
  } finally {
    c.release()
  }
  if (v === latestVersion) return { applied: [], version: v }
  return migrate(pool)
}
