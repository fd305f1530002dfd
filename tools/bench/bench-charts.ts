/**
 * npm run bench:charts — the charts' cost in Debian's Chromium over one group of 1,000,000
 * generated messages spread evenly over two years (so every day and hour has messages: 731 day
 * rows holding 17,520 hourly counts, the most a two-year group can have), written through the app's own write path (commitBatches:
 * messages, coverage, statistics, search index and the charts' counts in one transaction per
 * 2,000 messages).
 *
 * The page is out-tools/bench-pages/bench-charts.html (tools/bench-pages/charts-bench.ts), served from
 * a loopback server; IndexedDB lives in a temporary on-disk Chromium profile, as in the app.
 *
 * Reports, in one run:
 * - ingest with the charts' counts and without them (a second store, written interleaved with the
 *   first for the first --raw-messages messages, so both rates are measured at the same store size
 *   and load): what keeping the counts costs a sync;
 * - opening the charts (two range reads, the folds into local days and weekday × hour, the top
 *   senders): p50 and p95 over --repeats;
 * - the same figures by scanning every message (the reference, once), which must equal the counts.
 * The last line is one JSON object with the figures.
 *
 * Flags: --messages N (default 1000000), --raw-messages N (default 200000), --repeats N (default 20),
 *        --no-scan. Environment: CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import { chromiumPath, fmt, launchChromium, ms, quantile, round, serveStatic } from './bench-page'

interface BenchGroup {
  groupId: string
  seed: number
  messages: number
  start: number
  gap: number
}
interface BenchApi {
  reset(name: string, g: BenchGroup): Promise<void>
  ingest(name: string, g: BenchGroup, from: number, to: number, perTx: number, activity: boolean): Promise<number>
  charts(name: string, groupId: string): Promise<{ ms: number; readMs: number; dayRows: number; senderRows: number; days: number; total: number }>
  scan(name: string, groupId: string): Promise<{ ms: number; messages: number; same: boolean }>
  activityRows(name: string): Promise<number>
  drop(name: string): Promise<void>
}
/** The page's global, as the functions passed to page.evaluate see it. */
type PageGlobal = { benchCharts: BenchApi; benchChartsReady?: boolean }

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000000' },
      'raw-messages': { type: 'string', default: '200000' },
      repeats: { type: 'string', default: '20' },
      'no-scan': { type: 'boolean', default: false }
    }
  })
  const total = Number(values.messages)
  const rawTotal = Math.min(total, Number(values['raw-messages']))
  const repeats = Number(values.repeats)
  for (const [flag, v] of Object.entries({ messages: total, 'raw-messages': rawTotal, repeats })) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${flag} must be a positive integer`)
  }
  const executablePath = chromiumPath()
  const perTx = 2000
  const chunk = 20_000
  const span = 2 * 365 * 86_400
  const group: BenchGroup = { groupId: '@TGS#BENCHCHARTS', seed: 7, messages: total, start: 1_640_995_200, gap: span / total }

  const root = join(__dirname, '../bench-pages')
  const { server, url } = await serveStatic(root)
  const profileDir = await mkdtemp(join(tmpdir(), 'tim-bench-charts-profile-'))
  let context: BrowserContext | undefined
  try {
    context = await launchChromium(profileDir, { timezoneId: 'Asia/Shanghai' })
    const page: Page = context.pages()[0] ?? (await context.newPage())
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(`${url}/bench-charts.html`)
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).benchChartsReady === true, undefined, { timeout: 30_000 })
    console.log(
      `bench:charts  ${context.browser()?.version() ?? 'Chromium'} (${executablePath}); load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    )
    console.log(`              ${fmt(total)} messages in one group over 2 years, ${perTx} per transaction`)

    // Ingest: chunks of 20k; the first rawTotal go into both stores, alternating which goes first.
    const withName = 'bench-charts'
    const withoutName = 'bench-charts-raw'
    await page.evaluate(([n, grp]) => (globalThis as unknown as PageGlobal).benchCharts.reset(n, grp), [withName, group] as const)
    await page.evaluate(([n, grp]) => (globalThis as unknown as PageGlobal).benchCharts.reset(n, grp), [withoutName, group] as const)
    let withMs = 0
    let withSameMs = 0
    let withoutMs = 0
    let rawDone = 0
    let k = 0
    const t0 = performance.now()
    for (let lo = 1; lo <= total; lo += chunk) {
      const hi = Math.min(total, lo + chunk - 1)
      const both = rawDone < rawTotal
      const order = both ? (k++ % 2 ? [false, true] : [true, false]) : [true]
      for (const activity of order) {
        const took = await page.evaluate(([n, grp, a, b, p, act]) => (globalThis as unknown as PageGlobal).benchCharts.ingest(n, grp, a, b, p, act), [
          activity ? withName : withoutName,
          group,
          lo,
          hi,
          perTx,
          activity
        ] as const)
        if (activity) {
          withMs += took
          if (both) withSameMs += took
        } else withoutMs += took
      }
      if (both) rawDone += hi - lo + 1
      if (hi % 200_000 < chunk) console.log(`              ingested ${fmt(hi)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
    }
    await page.evaluate((n) => (globalThis as unknown as PageGlobal).benchCharts.drop(n), withoutName)
    const ingestPerSec = rawDone / (withSameMs / 1000)
    const baselinePerSec = rawDone / (withoutMs / 1000)
    const rows = await page.evaluate((n) => (globalThis as unknown as PageGlobal).benchCharts.activityRows(n), withName)
    console.log(
      `ingest        with the charts' counts ${fmt(Math.round(ingestPerSec))} msgs/s, without ${fmt(Math.round(baselinePerSec))} msgs/s (first ${fmt(rawDone)}, interleaved): ratio ${(ingestPerSec / baselinePerSec).toFixed(2)}`
    )
    console.log(`              all ${fmt(total)}: ${fmt(Math.round(total / (withMs / 1000)))} msgs/s; ${fmt(rows)} activity rows`)

    const opens: number[] = []
    const reads: number[] = []
    let last: Awaited<ReturnType<BenchApi['charts']>> | undefined
    for (let r = 0; r < repeats; r++) {
      last = await page.evaluate(([n, id]) => (globalThis as unknown as PageGlobal).benchCharts.charts(n, id), [withName, group.groupId] as const)
      opens.push(last.ms)
      reads.push(last.readMs)
    }
    const p50 = quantile(opens, 0.5)
    const p95 = quantile(opens, 0.95)
    console.log(
      `open charts   p50 ${ms(p50)}, p95 ${ms(p95)} (of which reading p50 ${ms(quantile(reads, 0.5))}): ${fmt(last!.dayRows)} day + ${fmt(last!.senderRows)} sender rows read, ${fmt(last!.days)} days, ${fmt(last!.total)} messages counted`
    )
    let scanMs: number | null = null
    let mismatch = false
    if (!values['no-scan']) {
      const scan = await page.evaluate(([n, id]) => (globalThis as unknown as PageGlobal).benchCharts.scan(n, id), [withName, group.groupId] as const)
      scanMs = scan.ms
      mismatch = !scan.same
      console.log(
        `scan          ${ms(scan.ms)} to read ${fmt(scan.messages)} messages and compute the same: ${scan.same ? 'equal' : 'MISMATCH'}; ratio ${(scan.ms / p50).toFixed(0)}×`
      )
    }
    if (errors.length) console.log(`page errors: ${errors.join('; ')}`)
    console.log(
      JSON.stringify({
        messages: total,
        p50OpenMs: round(p50),
        p95OpenMs: round(p95),
        p50ReadMs: round(quantile(reads, 0.5)),
        dayRows: last!.dayRows,
        senderRows: last!.senderRows,
        scanMs: scanMs === null ? null : round(scanMs),
        ingestPerSec: Math.round(ingestPerSec),
        baselineIngestPerSec: Math.round(baselinePerSec)
      })
    )
    if (mismatch || errors.length) process.exitCode = 1
  } finally {
    await context?.close()
    server.close()
    await rm(profileDir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
