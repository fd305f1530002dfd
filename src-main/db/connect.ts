/**
 * Connecting to the team archive's PostgreSQL (issue 20): the URL checked, a pool, and every
 * failure worded by its cause. The client library is node-postgres (`pg`).
 */
import pg from 'pg'
import { UsageError } from '../cli/env-creds'

/** Checks a --db value; answers it for pg. Refuses what is not a postgres:// URL, naming the cause. */
export function parseDbUrl(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new UsageError('--db needs a PostgreSQL URL, e.g. --db postgres://archiver@db.example.com/tim.')
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new UsageError(`--db is not a URL: "${redact(raw)}". Give postgres://USER@HOST[:PORT]/DATABASE.`)
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new UsageError(`--db must be a postgres:// or postgresql:// URL, got "${u.protocol}//…".`)
  }
  if (!u.hostname && !u.searchParams.get('host')) throw new UsageError('--db has no host: give postgres://USER@HOST[:PORT]/DATABASE.')
  if (u.pathname.length <= 1) throw new UsageError('--db names no database: give postgres://USER@HOST[:PORT]/DATABASE.')
  return raw
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@')
  }
}

/** A pool for the archive. An idle connection's error (the server went away) is noted, never fatal to the process. */
export function openPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 15_000, application_name: 'tim-archive' })
  pool.on('error', () => {
    // The next query fails with the cause; an idle client's error must not crash the process.
  })
  // A checked-out client between two queries (mid-transaction) emits its connection's error too;
  // unheard, Node would end the process. Its next query fails with the cause instead.
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

/** SQLSTATE classes and codes worth naming (PostgreSQL Appendix A). */
const RESTART_CODES = new Set(['57P01', '57P02', '57P03'])

/**
 * A PostgreSQL failure in words a user can act on: the server unreachable, restarted, the login
 * refused, the database missing. Answers null for errors that are not about the connection.
 */
export function describeDbError(e: unknown, url: string): string | null {
  const err = e as { code?: string; message?: string }
  const where = redact(url)
  const msg = err?.message ?? String(e)
  if (err?.code === 'ECONNREFUSED') return `PostgreSQL at ${where} refused the connection (is the server running, on that host and port?): ${msg}`
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') return `PostgreSQL host of ${where} does not resolve: ${msg}`
  if (err?.code === 'ETIMEDOUT' || /timeout expired|Connection terminated due to connection timeout/i.test(msg))
    return `PostgreSQL at ${where} did not answer in time: ${msg}`
  if (err?.code && RESTART_CODES.has(err.code))
    return `PostgreSQL at ${where} ended the connection: the server was restarted or shut down (${err.code}: ${msg}). What was committed is kept; run the same command again to resume.`
  if (/Connection terminated|ECONNRESET|server closed the connection|Client has encountered a connection error/i.test(msg) || err?.code === 'ECONNRESET')
    return `PostgreSQL at ${where} closed the connection mid-work (the server restarted, or the network dropped): ${msg}. What was committed is kept; run the same command again to resume.`
  if (err?.code === '28P01' || err?.code === '28000') return `PostgreSQL at ${where} refused the login: ${msg}`
  if (err?.code === '3D000') return `PostgreSQL at ${where}: ${msg} (create it first: createdb, or CREATE DATABASE)`
  if (err?.code === '42501') return `PostgreSQL at ${where}: ${msg} (the role lacks a privilege the archive needs)`
  return null
}

/** An error about the database, already worded (describeDbError). */
export class DbError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
  }
}

/** Runs `fn`, turning a connection failure into a DbError that names its cause. */
export async function withDbErrors<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof DbError) throw e
    const d = describeDbError(e, url)
    if (d) throw new DbError(d, e)
    throw e
  }
}

/**
 * Runs `fn` in one transaction on a client of the pool (`begin` opens it: e.g. a read-only
 * snapshot), commits, and gives the client back. On any error it rolls back and rethrows; a client
 * that cannot even roll back (its connection is gone) is destroyed, not returned to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const c = await pool.connect()
  let healthy = true
  try {
    await c.query(begin)
    const out = await fn(c)
    await c.query('COMMIT')
    return out
  } catch (e) {
    healthy = await c.query('ROLLBACK').then(
      () => true,
      () => false
    )
    throw e
  } finally {
    c.release(healthy ? undefined : true)
  }
}
