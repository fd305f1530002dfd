/**
 * For tests that need PostgreSQL: a fresh database of their own on the throwaway cluster that
 * test/helpers/pg.ts (globalSetup) started. Fails with the cluster's start error when there is none,
 * so a machine without PostgreSQL fails these tests clearly instead of skipping them.
 */
import pg from 'pg'
import { inject } from 'vitest'

let n = 0

/** The cluster's superuser URL; throws the reason it could not start. */
export function clusterUrl(): string {
  const url = inject('pgUrl')
  if (!url) throw new Error(`PostgreSQL is needed for this test and could not start: ${inject('pgError')}`)
  return url
}

/** Creates an empty database (on the shared cluster, or the one at `server`) and answers its URL. */
export async function freshDatabase(prefix = 't', server = clusterUrl()): Promise<string> {
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`.toLowerCase()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const u = new URL(server)
  u.pathname = `/${name}`
  return u.toString()
}
