/**
 * npm run bench:sync — `tim-archive pull` against the documented one-request-at-a-time procedure,
 * in the same run, on the same group, against the simulator (50 ms latency; 200 requests/s per
 * command per SDKAppID, refused with 60007 beyond).
 *
 * 1. The CLI: `bin/tim-archive.cjs pull` as a child process, as a user runs it. Its wall time runs
 *    from spawn to exit, process start included. The simulator notes when each request arrives:
 *    requests/s over the first second (from the first request), overall, and in the busiest
 *    second (the client's limiter must keep that at about 200).
 * 2. The engine in this process on the same group (no process start, no people): its own rate.
 * 3. The documented procedure on the same group: each request waits for the previous answer.
 *
 * Targets (issue 19): ≥ 190 requests/s over the first second; the CLI's wall time ≥ 8× faster
 * than the procedure's; < 1% of requests refused with 60007.
 *
 * Flags: --messages N (bench group size, default 12000), --latency MS (default 50),
 *        --seq-requests N (stop the one-at-a-time procedure after N requests and extrapolate its
 *        time from its message rate; default: the whole group), --concurrency N (default 16),
 *        --runs N (CLI pulls, each into a fresh archive; the median is reported; default 1),
 *        --no-people (pass --no-people to the CLI), --timeline (print the CLI's requests per 100 ms),
 *        --cli FILE (another build's bin/tim-archive.cjs, e.g. a copy of the tree before a change),
 *        --compare FILE (also run that build's CLI, in turn with this one, and print both medians).
 * Prints figures, then one JSON line.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { syncGroup } from '../../src-main/archive/engine'
import { JsonlArchive } from '../../src-main/archive/jsonl-archive'
import { TimClient } from '../../src-main/tim/client'
import { Simulator, type SimStats } from '../sim/server'
import { benchGroupId, demoApp, demoCredentials } from '../sim/seed'

const defaultBin = resolve(__dirname, '../../bin/tim-archive.cjs')

/** The simulator's counters, noting when each API request arrived (the server counts `requests` on arrival). */
class TimedStats implements SimStats {
  readonly arrivals: number[] = []
  refusedRateLimit = 0
  faultsInjected = 0
  byCommand: Record<string, number> = {}
  get requests(): number {
    return this.arrivals.length
  }
  set requests(n: number) {
    const now = performance.now()
    while (this.arrivals.length < n) this.arrivals.push(now)
  }
}

interface Rates {
  requests: number
  /** Requests arriving within 1 s of the first. */
  firstSecond: number
  /** Requests per second from the first arrival to the last. */
  overall: number
  /** The most requests arriving within any 1 s. */
  busiestSecond: number
}

function rates(arrivals: number[]): Rates {
  const n = arrivals.length
  if (n === 0) return { requests: 0, firstSecond: 0, overall: 0, busiestSecond: 0 }
  const t0 = arrivals[0]!
  let firstSecond = 0
  while (firstSecond < n && arrivals[firstSecond]! < t0 + 1000) firstSecond++
  let busiest = 0
  for (let i = 0, j = 0; i < n; i++) {
    while (arrivals[i]! - arrivals[j]! >= 1000) j++
    busiest = Math.max(busiest, i - j + 1)
  }
  const span = (arrivals[n - 1]! - t0) / 1000
  return { requests: n, firstSecond, overall: span > 0 ? n / span : n, busiestSecond: busiest }
}

/**
 * CPU seconds used by this process's finished children (Linux: /proc/self/stat's cutime + cstime,
 * in USER_HZ = 100 ticks per second); null elsewhere. The CLI's own CPU time, unlike its wall
 * time, does not depend on what else the machine runs.
 */
async function childCpuSecs(): Promise<number | null> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // f[0] is field 3 (state): cutime and cstime are fields 16 and 17.
    return (Number(f[13]) + Number(f[14])) / 100
  } catch {
    return null
  }
}

/** Requests arriving in each 100 ms from `t0`. */
function perTenth(arrivals: number[], t0: number): number[] {
  const out: number[] = []
  for (const t of arrivals) {
    const i = Math.floor((t - t0) / 100)
    while (out.length <= i) out.push(0)
    out[i]!++
  }
  return out
}

/** Resolves after the simulator's buckets are full again (each holds one second of tokens). */
const refill = () => new Promise((r) => setTimeout(r, 1100))

interface CliRun {
  wallSecs: number
  /** From spawn to the first request's arrival: process start, argument checks, opening the archive. */
  startSecs: number
  /** From the last request's arrival to exit: the last answers, closing the archive, exit. */
  tailSecs: number
  rates: Rates
  refused: number
  byCommand: Record<string, number>
  lines: number
  /** CPU seconds of the child (user + system), or null where it cannot be read. */
  cpuSecs: number | null
  arrivals: number[]
  spawnedAt: number
}

async function runCli(sim: Simulator, url: string, dir: string, run: number, bin: string, noPeople: boolean): Promise<CliRun> {
  const out = join(dir, `cli-${run}.jsonl`)
  const stats = new TimedStats()
  sim.stats = stats
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TIM_SDKAPPID: String(demoCredentials.sdkAppId),
    TIM_IDENTIFIER: demoCredentials.identifier,
    TIM_SECRET_KEY: demoCredentials.secretKey,
    TIM_ENDPOINT: url
  }
  const args = [bin, 'pull', '--group', benchGroupId, '--out', out, ...(noPeople ? ['--no-people'] : [])]
  const cpu0 = await childCpuSecs()
  const t0 = performance.now()
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stdout.resume()
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
  const t1 = performance.now()
  const cpu1 = await childCpuSecs()
  if (code !== 0) throw new Error(`tim-archive pull exited with ${code}:\n${stderr}`)
  const lines = (await readFile(out, 'utf8')).split('\n').filter(Boolean).length
  const a = stats.arrivals
  return {
    wallSecs: (t1 - t0) / 1000,
    startSecs: a.length > 0 ? (a[0]! - t0) / 1000 : 0,
    tailSecs: a.length > 0 ? (t1 - a[a.length - 1]!) / 1000 : 0,
    rates: rates(a),
    refused: stats.refusedRateLimit,
    byCommand: { ...stats.byCommand },
    lines,
    cpuSecs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    arrivals: a,
    spawnedAt: t0
  }
}

const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor((xs.length - 1) / 2)]!

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '12000' },
      latency: { type: 'string', default: '50' },
      'seq-requests': { type: 'string' },
      concurrency: { type: 'string', default: '16' },
      runs: { type: 'string', default: '1' },
      'no-people': { type: 'boolean', default: false },
      timeline: { type: 'boolean', default: false },
      cli: { type: 'string' },
      compare: { type: 'string' }
    }
  })
  const messages = Number(values.messages)
  const latencyMs = Number(values.latency)
  const runs = Math.max(1, Number(values.runs))
  const sim = new Simulator({ apps: [demoApp({ benchMessages: messages })], latencyMs, rateLimit: 200 })
  const { url } = await sim.start()
  const dir = await mkdtemp(join(tmpdir(), 'tim-bench-'))
  const creds = { ...demoCredentials, endpoint: url }
  const f1 = (x: number) => x.toFixed(1)
  const f2 = (x: number) => x.toFixed(2)
  try {
    // On a shared machine the figures swing with what else runs: the load average says how busy it was.
    const load = () =>
      loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')
    console.log(`bench:sync  simulator ${url}  latency ${latencyMs} ms  limit 200 req/s per command  group of ${messages} messages  load ${load()}`)

    // 1. The CLI, as a child process; with --compare, another build's in turn (same group, same run).
    const builds: { name: string; bin: string }[] = [{ name: 'cli', bin: values.cli ?? defaultBin }]
    if (values.compare) builds.unshift({ name: 'compare', bin: values.compare })
    const cliRuns = new Map<string, CliRun[]>(builds.map((b) => [b.name, []]))
    for (let i = 0; i < runs; i++) {
      for (const b of builds) {
        await refill()
        const r = await runCli(sim, url, dir, cliRuns.get(b.name)!.length + (b.name === 'cli' ? 0 : 1000), b.bin, values['no-people'])
        cliRuns.get(b.name)!.push(r)
        if (r.lines !== messages) throw new Error(`the CLI archived ${r.lines} lines, not ${messages}`)
        const cmds = Object.entries(r.byCommand)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
        console.log(
          `${b.name.padEnd(11)} ${f2(r.wallSecs)} s from spawn to exit (${f2(r.startSecs)} s to the first request, ${f2(r.tailSecs)} s after the last; ${r.cpuSecs === null ? 'CPU time n/a' : `${f2(r.cpuSecs)} s of CPU`}); ${r.rates.requests} requests (${cmds})`
        )
        console.log(
          `            first second ${r.rates.firstSecond} req/s; overall ${f1(r.rates.overall)} req/s; busiest second ${r.rates.busiestSecond}; ${r.refused} refused with 60007`
        )
        if (values.timeline) console.log(`            requests per 100 ms from spawn: ${perTenth(r.arrivals, r.spawnedAt).join(' ')}`)
      }
    }
    const summaries = builds.map((b) => {
      const rs = cliRuns.get(b.name)!
      const mid = median(rs, (r) => r.wallSecs)
      const cpu = rs.every((r) => r.cpuSecs !== null) ? median(rs, (r) => r.cpuSecs!).cpuSecs : null
      const first = median(rs, (r) => r.rates.firstSecond).rates.firstSecond
      return { name: b.name, mid, cpu, first }
    })
    if (runs > 1 || values.compare)
      for (const m of summaries)
        console.log(
          `${m.name.padEnd(11)} median of ${runs}: ${f2(m.mid.wallSecs)} s from spawn to exit; first second ${m.first} req/s; overall ${f1(m.mid.rates.overall)} req/s${m.cpu === null ? '' : `; ${f2(m.cpu)} s of CPU`}`
        )
    const cliSummary = summaries.find((m) => m.name === 'cli')!
    const compareSummary = summaries.find((m) => m.name === 'compare')
    const cli = cliSummary.mid
    const refusedPct = (100 * cli.refused) / Math.max(1, cli.rates.requests)

    // 2. The engine in this process.
    await refill()
    const engineStats = new TimedStats()
    sim.stats = engineStats
    const archive = await JsonlArchive.open(join(dir, 'engine.jsonl'))
    const client = new TimClient(creds, { rate: 200 })
    const t1 = performance.now()
    const result = await syncGroup({ source: client, groupId: benchGroupId, sink: archive, concurrency: Number(values.concurrency) })
    const engineSecs = (performance.now() - t1) / 1000
    const archived = archive.messageCount(benchGroupId)
    await archive.close()
    const engine = rates(engineStats.arrivals)
    console.log(
      `engine      ${f2(engineSecs)} s in this process; ${engine.requests} requests: first second ${engine.firstSecond}, overall ${f1(engine.requests / engineSecs)} req/s; ${archived} messages, complete=${result.complete}; ${engineStats.refusedRateLimit} refused with 60007`
    )

    // 3. The documented procedure (docs/reference/tencent-im-api.md §1.5): each request waits for the previous answer.
    await refill()
    sim.resetStats()
    const seqClient = new TimClient(creds, { rate: 200 })
    const cap = values['seq-requests'] === undefined ? Infinity : Number(values['seq-requests'])
    let got = 0
    let cursor: number | undefined
    const t2 = performance.now()
    for (let i = 0; i < cap; i++) {
      const res = await seqClient.groupMsgGetSimple({ GroupId: benchGroupId, ReqMsgNumber: 20, WithRecalledMsg: 1, ...(cursor ? { ReqMsgSeq: cursor } : {}) })
      const list = res.RspMsgList ?? []
      if (list.length === 0) break
      got += list.length
      cursor = Math.min(...list.map((m) => m.MsgSeq)) - 1
      if (cursor < 1) break
    }
    const seqMeasured = (performance.now() - t2) / 1000
    const whole = got >= messages
    const seqSecs = whole ? seqMeasured : (seqMeasured * messages) / Math.max(1, got)
    console.log(
      `one at a time  ${seqClient.stats.requests} requests, ${got} messages in ${f2(seqMeasured)} s (${f1(seqClient.stats.requests / seqMeasured)} req/s)${whole ? '' : `; the whole group extrapolated: ${f2(seqSecs)} s`}`
    )

    const ratio = seqSecs / cli.wallSecs
    if (compareSummary)
      console.log(
        `compare     the other build ${(seqSecs / compareSummary.mid.wallSecs).toFixed(1)}× the procedure, first second ${compareSummary.first} req/s; this build ${ratio.toFixed(1)}×, ${cliSummary.first} req/s`
      )
    console.log(
      `result      first second ${cliSummary.first} req/s (target ≥ 190); the CLI ${ratio.toFixed(1)}× the procedure, process start included (target ≥ 8×); ${f2(refusedPct)}% refused with 60007 (target < 1%)`
    )
    console.log(`            load average at the end ${load()} (${cpus().length} cores)`)
    console.log(
      JSON.stringify({
        latencyMs,
        messages,
        cliRuns: runs,
        cliWallSecs: +f2(cli.wallSecs),
        cliStartSecs: +f2(cli.startSecs),
        cliCpuSecs: cliSummary.cpu === null ? null : +f2(cliSummary.cpu),
        ...(compareSummary
          ? {
              compareWallSecs: +f2(compareSummary.mid.wallSecs),
              compareFirstSecondReqPerSec: compareSummary.first,
              compareCpuSecs: compareSummary.cpu === null ? null : +f2(compareSummary.cpu),
              compareRatio: +f2(seqSecs / compareSummary.mid.wallSecs)
            }
          : {}),
        cliRequests: cli.rates.requests,
        cliFirstSecondReqPerSec: cliSummary.first,
        cliReqPerSec: +f1(cli.rates.overall),
        cliBusiestSecond: cli.rates.busiestSecond,
        refused60007Pct: +f2(refusedPct),
        engineSecs: +f2(engineSecs),
        engineFirstSecondReqPerSec: engine.firstSecond,
        engineReqPerSec: +f1(engine.requests / engineSecs),
        sequentialSecs: +f2(seqSecs),
        sequentialExtrapolated: !whole,
        ratio: +f2(ratio),
        complete: result.complete,
        loadAverage: +loadavg()[0]!.toFixed(1)
      })
    )
  } finally {
    await sim.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
