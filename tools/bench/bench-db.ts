/**
 * npm run bench:db — the team archive in PostgreSQL (issue 20 §6), in one run:
 * - **pull**: the sync engine from the simulator into PostgreSQL (PgArchive) and into JSON Lines
 *   (JsonlArchive), alternating, each into a fresh archive, after one uncounted warm-up pull of each; the database's rate against the file's
 *   (target ≥ 0.9), as Tencent serves (50 ms, 200 requests/s) and with no latency and no limit
 *   (where the write path itself is the bottleneck);
 * - **load**: --messages generated messages (bench:search's text pool, tools/bench/search-corpus.ts,
 *   spread over --groups groups) written through the real write path (PgArchive.commit: merge,
 *   search column, coverage, one transaction per flush), msgs/s and the size on disk;
 * - **search**: bench:search's query forms through `tim-archive search --db`'s code (pg-search):
 *   first page of 50 (p50 / p95 over --repeats) and the count (the median of --count-repeats, and
 *   the first: pages not in shared buffers yet), each against a sequential scan of the
 *   same query when --scan (default up to 1,000,000 messages) — counts must agree.
 * The last line is one JSON object with the figures.
 *
 * Flags: --db URL (required: a role that may CREATE DATABASE; the benchmark makes its own databases
 *        and drops them unless --keep), --messages N (default 10000000), --groups N (default 1000),
 *        --pull-messages N (default 30000), --pull-rounds N (default 2), --repeats N (default 20),
 *        --count-repeats N (default 3),
 *        --writers N (concurrent PgArchive writers for the load, default 2), --scan / --no-scan,
 *        --reuse (search the load database a --keep run left: no load figures), --skip-pull,
 *        --pull-only (the pull part alone: the load database is left as it is).
 */
import { rm, mkdtemp } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { syncGroup } from '../../src-main/archive/engine'
import { JsonlArchive } from '../../src-main/archive/jsonl-archive'
import { PgArchive } from '../../src-main/archive/pg-archive'
import { openPool } from '../../src-main/db/connect'
import { migrate } from '../../src-main/db/migrate'
import { emptyContext } from '../../src-main/shared/context-lines'
import { loadContext, Search } from '../../src-main/pg-search/search'
import { isQueryError, parseQuery } from '../../src-main/shared/search/query'
import type { RawMessage } from '../../src-main/shared/tim-types'
import { TimClient } from '../../src-main/tim/client'
import { Simulator } from '../sim/server'
import { benchGroupId, demoApp, demoCredentials } from '../sim/seed'
import { fmt, ms, quantile, round } from './bench-page'
import { benchMessage, makeCorpus, queryForms } from './search-corpus'

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')
}

function dbUrl(base: string, name: string): string {
  const u = new URL(base)
  u.pathname = `/${name}`
  return u.toString()
}

async function admin<T>(base: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: base })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

async function freshDb(base: string, name: string): Promise<string> {
  await admin(base, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name}`)
    await c.query(`CREATE DATABASE ${name}`)
  })
  return dbUrl(base, name)
}

async function dropDb(base: string, name: string): Promise<void> {
  await admin(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name}`))
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      messages: { type: 'string', default: '10000000' },
      groups: { type: 'string', default: '1000' },
      'pull-messages': { type: 'string', default: '30000' },
      'pull-rounds': { type: 'string', default: '2' },
      repeats: { type: 'string', default: '20' },
      'count-repeats': { type: 'string', default: '3' },
      writers: { type: 'string', default: '2' },
      scan: { type: 'boolean' },
      'no-scan': { type: 'boolean' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      'skip-pull': { type: 'boolean', default: false },
      'pull-only': { type: 'boolean', default: false }
    }
  })
  if (!values.db) throw new Error('--db postgres://USER@127.0.0.1:PORT/postgres is required (a role that may CREATE DATABASE)')
  const base = values.db
  const total = Number(values.messages)
  const groupsN = Number(values.groups)
  const pullN = Number(values['pull-messages'])
  const rounds = Number(values['pull-rounds'])
  const repeats = Number(values.repeats)
  const countRepeats = Number(values['count-repeats'])
  const writers = Number(values.writers)
  for (const [flag, v] of Object.entries({
    messages: total,
    groups: groupsN,
    'pull-messages': pullN,
    'pull-rounds': rounds,
    repeats,
    'count-repeats': countRepeats,
    writers
  })) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${flag} must be a positive integer`)
  }
  const scan = values['no-scan'] ? false : (values.scan ?? total <= 1_000_000)
  const server = await admin(base, async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version)
  console.log(`bench:db  PostgreSQL ${server}; ${new Date().toISOString()}; load ${load()}`)
  const figures: Record<string, unknown> = { messages: total, groups: groupsN, postgres: server }

  // ---- pull: the engine into PostgreSQL and into JSON Lines, alternating, in two settings: as
  // Tencent serves (50 ms latency, 200 requests/s: bench:sync's), and with neither (the sink is the
  // bottleneck: what each write path costs).
  if (!values['skip-pull'] && !values.reuse) {
    const pull: Record<string, unknown> = {}
    let warmedUp = false
    for (const setting of [
      { name: 'api', latencyMs: 50, rate: 200, label: '50 ms, 200 req/s (as Tencent)' },
      { name: 'sink', latencyMs: 0, rate: 100_000, label: 'no latency, no limit (the write path is the bottleneck)' }
    ]) {
      const sim = new Simulator({ apps: [demoApp({ benchMessages: pullN })], latencyMs: setting.latencyMs, rateLimit: setting.rate })
      const { url } = await sim.start()
      const creds = { ...demoCredentials, endpoint: url }
      const dir = await mkdtemp(join(tmpdir(), 'tim-bench-db-'))
      const rates: { pg: number[]; jsonl: number[] } = { pg: [], jsonl: [] }
      try {
        // Round 0 warms up (not counted): the first pull of the process, whichever sink it uses,
        // pays the JIT and the server's cold caches (measured: twice as slow as the next).
        for (let r = warmedUp ? 1 : 0; r <= rounds; r++) {
          for (const kind of r % 2 === 1 ? (['pg', 'jsonl'] as const) : (['jsonl', 'pg'] as const)) {
            // Let the simulator's rate bucket refill between runs.
            await new Promise((res) => setTimeout(res, 1100))
            const client = new TimClient(creds, { rate: setting.rate })
            let secs: number
            let archived: number
            const cpu0 = process.cpuUsage()
            if (kind === 'pg') {
              const name = `tim_bench_pull_${process.pid}_${r}`
              const pool = openPool(await freshDb(base, name), 4)
              try {
                await migrate(pool)
                const sink = new PgArchive(pool)
                await sink.openUnit(benchGroupId)
                const t = performance.now()
                await syncGroup({ source: client, groupId: benchGroupId, sink, concurrency: 16 })
                await sink.drain()
                secs = (performance.now() - t) / 1000
                archived = await sink.messageCount(benchGroupId)
              } finally {
                await pool.end()
                await dropDb(base, name)
              }
            } else {
              const sink = await JsonlArchive.open(join(dir, `pull-${setting.name}-${r}.jsonl`))
              const t = performance.now()
              await syncGroup({ source: client, groupId: benchGroupId, sink, concurrency: 16 })
              secs = (performance.now() - t) / 1000
              archived = sink.messageCount(benchGroupId)
              await sink.close()
            }
            if (r === 0) {
              console.log(`pull          ${setting.name.padEnd(4)} ${kind.padEnd(5)} warm-up: ${fmt(archived)} messages in ${secs.toFixed(2)} s (not counted)`)
              continue
            }
            rates[kind].push(archived / secs)
            // This process's CPU (engine, sink, simulator alike) per 1,000 messages: what the write
            // path costs in Node, apart from the server's own CPU and the machine's load.
            const cpu = process.cpuUsage(cpu0)
            const cpuMs = (cpu.user + cpu.system) / 1000 / (archived / 1000)
            console.log(
              `pull          ${setting.name.padEnd(4)} ${kind.padEnd(5)} round ${r}: ${fmt(archived)} messages in ${secs.toFixed(2)} s, ${fmt(Math.round(archived / secs))} msgs/s, Node CPU ${cpuMs.toFixed(0)} ms / 1,000 messages; load ${load()}`
            )
          }
        }
      } finally {
        await sim.stop()
        await rm(dir, { recursive: true, force: true })
      }
      warmedUp = true
      const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length
      const ratio = mean(rates.pg) / mean(rates.jsonl)
      console.log(
        `pull          ${setting.label}: PostgreSQL ${fmt(Math.round(mean(rates.pg)))} msgs/s, JSON Lines ${fmt(Math.round(mean(rates.jsonl)))} msgs/s: ratio ${ratio.toFixed(2)} (target ≥ 0.9)`
      )
      pull[setting.name] = { pgMsgsPerSec: Math.round(mean(rates.pg)), jsonlMsgsPerSec: Math.round(mean(rates.jsonl)), ratio: Math.round(ratio * 100) / 100 }
    }
    figures.pull = { messages: pullN, ...pull }
  }
  if (values['pull-only']) {
    figures.loadavg = loadavg().map((x) => round(x))
    console.log(JSON.stringify(figures))
    return
  }

  // ---- load: generated messages through PgArchive
  const corpus = makeCorpus()
  const start = 1_640_995_200 // 2022-01-01, as bench:search
  const per = Math.ceil(total / groupsN)
  const gap = (2 * 365 * 86_400) / per
  const loadName = 'tim_bench_db_load'
  const url = values.reuse ? dbUrl(base, loadName) : await freshDb(base, loadName)
  const pool = openPool(url, writers + 2)
  try {
    if (!values.reuse) {
      await migrate(pool)
      const batch = 1000
      let written = 0
      let next = 0
      const t = performance.now()
      let lastReport = t
      const groupIds = Array.from({ length: groupsN }, (_, g) => `@TGS#BENCHDB${String(g).padStart(4, '0')}`)
      const writer = async (): Promise<void> => {
        const sink = new PgArchive(pool)
        for (let g = next++; g < groupsN; g = next++) {
          const groupId = groupIds[g]!
          const count = Math.min(per, total - g * per)
          if (count <= 0) continue
          await sink.openUnit(groupId)
          const pending: Promise<void>[] = []
          for (let s = 1; s <= count; s += batch) {
            const hi = Math.min(count, s + batch - 1)
            const messages: RawMessage[] = []
            for (let q = s; q <= hi; q++) messages.push(benchMessage(corpus, g + 1, q, start + Math.floor(q * gap)))
            pending.push(sink.commit({ groupId, messages, range: [s, hi], ...(s === 1 ? { floor: 1 } : {}), top: count }))
            if (pending.length >= 4) await pending.shift()
          }
          await Promise.all(pending)
          written += count
          const now = performance.now()
          if (now - lastReport > 30_000) {
            lastReport = now
            console.log(`load          ${fmt(written)} of ${fmt(total)} (${fmt(Math.round(written / ((now - t) / 1000)))} msgs/s); load ${load()}`)
          }
        }
        await sink.drain()
      }
      await Promise.all(Array.from({ length: writers }, writer))
      const secs = (performance.now() - t) / 1000
      const rate = written / secs
      await pool.query('VACUUM ANALYZE tim_archive.messages')
      const size = await pool.query<{ db: string; tbl: string; heap: string; search: string; newest: string }>(
        `SELECT pg_database_size(current_database()) AS db, pg_total_relation_size('tim_archive.messages') AS tbl,
                pg_relation_size('tim_archive.messages') AS heap, pg_relation_size('tim_archive.messages_search') AS search,
                pg_relation_size('tim_archive.messages_newest') AS newest`
      )
      const sz = size.rows[0]!
      console.log(
        `load          ${fmt(written)} messages over ${fmt(groupsN)} groups in ${secs.toFixed(1)} s: ${fmt(Math.round(rate))} msgs/s (${writers} writers); load ${load()}`
      )
      console.log(
        `size          database ${mb(Number(sz.db))}; messages with indexes ${mb(Number(sz.tbl))} (heap ${mb(Number(sz.heap))}, search GIN ${mb(Number(sz.search))}, newest-first btree ${mb(Number(sz.newest))}); ${(Number(sz.db) / written).toFixed(0)} bytes a message`
      )
      figures.load = {
        msgsPerSec: Math.round(rate),
        seconds: round(secs),
        writers,
        dbBytes: Number(sz.db),
        tableBytes: Number(sz.tbl),
        searchIndexBytes: Number(sz.search)
      }
    }

    // ---- search: bench:search's query forms
    const context = await loadContext(pool).catch(() => emptyContext())
    const forms = queryForms(corpus, { start, messages: per, gap })
    console.log(`queries       form                 matches    first page p50 / p95     count (first)          scan count  load ${load()}`)
    let worstPage = 0
    let worstCount = 0
    let worstCountFirst = 0
    const perForm: Record<string, unknown> = {}
    for (const f of forms) {
      const q = parseQuery(f.query)
      if (isQueryError(q)) throw new Error(q.error)
      const times: number[] = []
      for (let i = 0; i < repeats; i++) {
        const t = performance.now()
        const s = await Search.prepare(pool, q, { context })
        await s.page(50)
        times.push(performance.now() - t)
      }
      // The count --count-repeats times: the first finds pages not yet in shared buffers after a
      // load or a restart; the median is a server in service, whose table is in memory.
      const countTimes: number[] = []
      let count = 0
      for (let i = 0; i < countRepeats; i++) {
        const t = performance.now()
        count = await (await Search.prepare(pool, q, { context })).count()
        countTimes.push(performance.now() - t)
      }
      const countMs = quantile(countTimes, 0.5)
      const countFirstMs = countTimes[0]!
      let scanText = '-'
      if (scan) {
        const c = await pool.connect()
        try {
          await c.query('SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off')
          const n = await (await Search.prepare(c, q, { context })).count()
          scanText = fmt(n)
          if (n !== count) console.log(`MISMATCH      ${f.form} (${f.query}): index ${count}, scan ${n}`)
        } finally {
          await c.query('RESET ALL')
          c.release()
        }
      }
      const p50 = quantile(times, 0.5)
      const p95 = quantile(times, 0.95)
      worstPage = Math.max(worstPage, p95)
      worstCount = Math.max(worstCount, countMs)
      worstCountFirst = Math.max(worstCountFirst, countFirstMs)
      perForm[f.form] = { matches: count, pageP50Ms: round(p50), pageP95Ms: round(p95), countMs: round(countMs), countFirstMs: round(countFirstMs) }
      console.log(
        `              ${f.form.padEnd(20)} ${fmt(count).padStart(9)}    ${ms(p50).padStart(8)} / ${ms(p95).padStart(8)}   ${ms(countMs).padStart(8)} ${`(${ms(countFirstMs)})`.padStart(11)}   ${scanText.padStart(9)}   ${f.query}`
      )
    }
    console.log(
      `targets       worst first-page p95 ${ms(worstPage)} (target < 200 ms), worst count ${ms(worstCount)}, median of ${countRepeats} (target < 2 s; worst first count ${ms(worstCountFirst)}); load ${load()}`
    )
    figures.search = {
      worstPageP95Ms: round(worstPage),
      worstCountMs: round(worstCount),
      worstCountFirstMs: round(worstCountFirst),
      repeats,
      countRepeats,
      forms: perForm
    }
  } finally {
    await pool.end()
    if (!values.keep && !values.reuse) await dropDb(base, loadName)
  }
  figures.loadavg = loadavg().map((x) => round(x))
  console.log(JSON.stringify(figures))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
