/**
 * Vitest globalSetup: a throwaway PostgreSQL cluster for the tests that need one (issue 20 §5).
 *
 * Once per test run: initdb in a temp folder, started with pg_ctl on 127.0.0.1 and a free port,
 * as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root; `.ci/run`
 * runs as root), otherwise as the current user. Removed after the run. No mocks: the tests talk to
 * a real server. If it cannot start, the reason is provided to the tests instead of a URL, so every
 * test that needs PostgreSQL fails with it (never skips) while the others run (test/helpers/pg-db.ts).
 *
 * A test that restarts PostgreSQL starts a cluster of its own (startCluster), so the restart cuts
 * no other test's connections.
 *
 * The binaries: $PG_BIN, else the newest /usr/lib/postgresql/<n>/bin (Debian's `postgresql`).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the throwaway cluster's superuser, or '' when it could not start. */
    pgUrl: string
    /** Why the cluster could not start ('' when it did). */
    pgError: string
  }
}

export function findPgBin(): string | null {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length ? join(root, versions[0]!, 'bin') : null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

const asRoot = process.getuid?.() === 0

/** Runs a PostgreSQL binary as the cluster's owner: `postgres` when we are root. */
export function runAsOwner(bin: string, args: string[]): { status: number | null; output: string } {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` }
}

export interface Cluster {
  url: string
  dataDir: string
  bin: string
  /** pg_ctl restart -m fast: every connection is cut, as an operator's restart does. */
  restart(): void
  stop(): void
}

/**
 * Starts a throwaway cluster: initdb in a temp folder, pg_ctl start on 127.0.0.1 and a free port.
 * Throws, naming the cause, when it cannot.
 */
export async function startCluster(): Promise<Cluster> {
  const bin = findPgBin()
  if (!bin) throw new Error('PostgreSQL was not found (no /usr/lib/postgresql/<n>/bin, no $PG_BIN): install Debian\'s "postgresql" (.ci/run does).')
  const tmp = mkdtempSync(join(tmpdir(), 'tim-pg-'))
  const dataDir = join(tmp, 'data')
  const log = join(tmp, 'log')
  try {
    // The cluster's owner must own its folder; the socket goes there too (not /var/run/postgresql).
    if (asRoot) execFileSync('chown', ['postgres:', tmp])
    const init = runAsOwner(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
    if (init.status !== 0) throw new Error(`initdb failed: ${init.output.trim().slice(-600)}`)
    const port = await freePort()
    // Loopback only, a socket in the temp folder, and enough connections for parallel test files
    // and their CLI child processes. fsync off: the tests kill clients, never the machine.
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${tmp} -c max_connections=200 -c fsync=off -c full_page_writes=off`
    // -l: the server must not inherit this call's pipes (spawnSync would wait for it to exit).
    const start = runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', opts, '-l', log, '-w', '-t', '60', 'start'])
    if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.output.trim().slice(-600)}`)
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dataDir,
      bin,
      restart() {
        const r = runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart'])
        if (r.status !== 0) throw new Error(`pg_ctl restart failed: ${r.output}`)
      },
      stop() {
        runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
        rmSync(tmp, { recursive: true, force: true })
      }
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  try {
    const c = await startCluster()
    project.provide('pgUrl', c.url)
    project.provide('pgError', '')
    return () => c.stop()
  } catch (e) {
    project.provide('pgUrl', '')
    project.provide('pgError', e instanceof Error ? e.message : String(e))
    return () => {}
  }
}
