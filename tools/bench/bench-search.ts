/**
 * npm run bench:search — the app's search in Debian's Chromium over a store of 1,000,000 generated
 * messages (Chinese and English, Zipf-distributed words, 200 senders, images and placeholders; one
 * group of 80% and four of 5%), written through the app's own write path (commitBatches: messages,
 * coverage, statistics and search index in one transaction per 2,000 messages).
 *
 * The page is out-tools/bench-pages/bench-search.html (tools/bench-pages/search-bench.ts), served from
 * a loopback server; IndexedDB lives in a temporary on-disk Chromium profile, as in the app.
 *
 * Reports, in one run:
 * - ingest with the index and without it (a second store, written interleaved with the first for
 *   the first --raw-messages messages, so both rates are measured at the same store size and load);
 * - per query form: time to the first page of 50 (p50, p95 over --repeats searches, and the first
 *   of them, run right after the page loads in a Chromium started again after the ingest, as the
 *   app opening an archive: colder caches, and the store may still be compacting what the ingest
 *   wrote), time to the total count on its own (a fresh search asked for the count
 *   first), and the same query as a full scan (the reference, once), whose count and first page
 *   must equal the index's;
 * - jump to date as the timeline does it (message at or before a time, then a page of 100 around it).
 * The last line is one JSON object with the figures (worst query form for the query figures).
 *
 * Flags: --messages N (default 1000000), --raw-messages N (default 200000), --repeats N (default 20;
 *        p95 is then the 19th of 20, not simply the slowest),
 *        --no-scan (skip the scans; no ratio then), --profile DIR (keep the Chromium profile there
 *        instead of a temporary one) with --reuse (query the store a previous run left in DIR: no
 *        ingest figures then), --samples (print every run's times, in ms, under each form). Environment: CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import { queryForms, type Corpus } from './search-corpus'
import { chromiumPath, fmt, launchChromium, ms, quantile, round, serveStatic } from './bench-page'

interface BenchGroup {
  groupId: string
  seed: number
  messages: number
  start: number
  gap: number
}
interface QueryResult {
  firstPageMs: number
  count: number
  countMs: number
  first: string[]
  /** What the index search read for the first page, and for every result (the count): postings rows, their encoded postings' bytes, ms spent awaiting the reads. */
  pageRead: { rows: number; bytes: number; readMs: number }
  read: { rows: number; bytes: number; readMs: number }
}
interface BenchApi {
  corpus(): Corpus
  reset(name: string, groups: BenchGroup[]): Promise<void>
  ingest(name: string, g: BenchGroup, from: number, to: number, perTx: number, index: boolean): Promise<number>
  query(name: string, query: string, kind: 'index' | 'scan'): Promise<QueryResult>
  dateJump(name: string, groupId: string, times: number[]): Promise<number[]>
  postingsRows(name: string): Promise<number>
  open(name: string): Promise<void>
  indexWriteStats(): { termsMs: number; writeMs: number; mergeMs: number; merges: number; mergeMsByLevel: number[]; mergesByLevel: number[] }
  drop(name: string): Promise<void>
}
/** The page's global, as the functions passed to page.evaluate see it. */
type PageGlobal = { benchSearch: BenchApi; benchReady?: boolean }

/** The store written without the search index (the ingest's baseline). */
const rawStore = 'bench-raw'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000000' },
      'raw-messages': { type: 'string', default: '200000' },
      repeats: { type: 'string', default: '20' },
      'no-scan': { type: 'boolean', default: false },
      profile: { type: 'string' },
      reuse: { type: 'boolean', default: false },
      samples: { type: 'boolean', default: false }
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
  const start = 1_640_995_200 // 2022-01-01
  const bigN = Math.round(total * 0.8)
  const smallN = Math.floor((total - bigN) / 4)
  const groups: BenchGroup[] = [
    { groupId: '@TGS#BENCHSEARCH0', seed: 1, messages: bigN, start, gap: (2 * 365 * 86_400) / bigN },
    ...[1, 2, 3, 4].map((i) => ({
      groupId: `@TGS#BENCHSEARCH${i}`,
      seed: 1 + i,
      messages: i === 4 ? total - bigN - 3 * smallN : smallN,
      start,
      gap: (2 * 365 * 86_400) / Math.max(1, smallN)
    }))
  ]

  const root = join(__dirname, '../bench-pages')
  // IndexedDB belongs to the page's origin: a kept profile is found again only on the same port.
  const { server, url } = await serveStatic(root, values.profile ? 47_913 : 0)
  const profileDir = values.profile ?? (await mkdtemp(join(tmpdir(), 'tim-bench-search-profile-')))
  if (values.reuse && !values.profile) throw new Error('--reuse needs --profile DIR (the store of an earlier run)')
  let context: BrowserContext | undefined
  try {
    const errors: string[] = []
    const openPage = async (): Promise<Page> => {
      const c = (context = await launchChromium(profileDir))
      const p = c.pages()[0] ?? (await c.newPage())
      p.on('pageerror', (e) => errors.push(String(e)))
      await p.goto(`${url}/bench-search.html`)
      await p.waitForFunction(() => (globalThis as unknown as PageGlobal).benchReady === true, undefined, { timeout: 30_000 })
      return p
    }
    let page = await openPage()
    console.log(
      `bench:search  ${context?.browser()?.version() ?? 'Chromium'} (${executablePath}); load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    )
    console.log(
      `              ${fmt(total)} messages in ${groups.length} groups (${fmt(bigN)} + ${groups
        .slice(1)
        .map((g) => fmt(g.messages))
        .join(' + ')}), ${perTx} per transaction`
    )

    const indexed = 'bench-indexed'
    const ingest = values.reuse ? undefined : await ingestAll(page, groups, total, rawTotal, perTx, chunk)
    // The figures below measure the index only, as the app finds the archive when it opens it:
    // Chromium closed after the ingest and started again, no heap or caches left from the writes.
    if (ingest) {
      await context?.close()
      page = await openPage()
    }
    const ingestPerSec = ingest?.ingestPerSec ?? NaN
    const rawIngestPerSec = ingest?.rawIngestPerSec ?? NaN
    if (values.reuse && (await page.evaluate((n) => (globalThis as unknown as PageGlobal).benchSearch.postingsRows(n), indexed)) === 0) {
      throw new Error(`--reuse: no search index in ${profileDir} (run once with --profile ${profileDir} and without --reuse)`)
    }
    // The app opens the store (and lists the groups) before anyone can search: so does the bench.
    await page.evaluate((n) => (globalThis as unknown as PageGlobal).benchSearch.open(n), indexed)
    const corpus = await page.evaluate(() => (globalThis as unknown as PageGlobal).benchSearch.corpus())
    const forms = queryForms(corpus, groups[0]!)
    const first = new Map<string, number[]>()
    const counts = new Map<string, number[]>()
    const results = new Map<string, QueryResult>()
    for (let r = 0; r < repeats; r++) {
      for (const f of forms) {
        const res = await page.evaluate(([n, q]) => (globalThis as unknown as PageGlobal).benchSearch.query(n, q, 'index'), [indexed, f.query] as const)
        if (!first.has(f.form)) first.set(f.form, [])
        if (!counts.has(f.form)) counts.set(f.form, [])
        first.get(f.form)!.push(res.firstPageMs)
        counts.get(f.form)!.push(res.countMs)
        results.set(f.form, res)
      }
    }
    console.log('queries       form                 matches    first page p50 / p95 (1st run)   count p95    scan        ratio   rows / KB read: page, all')
    let worstP50 = 0
    let worstP95 = 0
    let worstCount = 0
    let minRatio = Infinity
    let mismatches = 0
    for (const f of forms) {
      const p50 = quantile(first.get(f.form)!, 0.5)
      const p95 = quantile(first.get(f.form)!, 0.95)
      const c95 = quantile(counts.get(f.form)!, 0.95)
      worstP50 = Math.max(worstP50, p50)
      worstP95 = Math.max(worstP95, p95)
      worstCount = Math.max(worstCount, c95)
      const res = results.get(f.form)!
      let scanText = '-'
      let ratioText = '-'
      if (values.samples)
        console.log(
          `                each run: first page ${first
            .get(f.form)!
            .map((x) => x.toFixed(0))
            .join(' ')} | count ${counts
            .get(f.form)!
            .map((x) => x.toFixed(0))
            .join(' ')}`
        )
      if (!values['no-scan']) {
        const scan = await page.evaluate(([n, q]) => (globalThis as unknown as PageGlobal).benchSearch.query(n, q, 'scan'), [indexed, f.query] as const)
        const same = scan.count === res.count && scan.first.join() === res.first.join()
        if (!same) {
          mismatches++
          console.log(`MISMATCH      ${f.form} (${f.query}): index ${res.count} matches, scan ${scan.count}`)
        }
        const ratio = scan.firstPageMs / p50
        minRatio = Math.min(minRatio, ratio)
        scanText = ms(scan.firstPageMs)
        ratioText = `${ratio.toFixed(0)}×`
      }
      console.log(
        `              ${f.form.padEnd(20)} ${fmt(res.count).padStart(8)}    ${ms(p50).padStart(9)} / ${ms(p95).padStart(9)} (${ms(first.get(f.form)![0]!).padStart(8)})   ${ms(c95).padStart(9)}   ${scanText.padStart(10)}  ${ratioText.padStart(6)}   ${fmt(res.pageRead.rows)} / ${fmt(Math.round(res.pageRead.bytes / 1024))}, ${fmt(res.read.rows)} / ${fmt(Math.round(res.read.bytes / 1024))}   ${f.query}`
      )
    }

    const big = groups[0]!
    const times = Array.from({ length: 60 }, (_, i) => big.start + Math.floor((((i * 7919) % 1000) / 1000) * big.messages * big.gap))
    const jumps = (
      await page.evaluate(([n, id, t]) => (globalThis as unknown as PageGlobal).benchSearch.dateJump(n, id, t), [indexed, big.groupId, times] as const)
    ).slice(10)
    const dateJumpMs = quantile(jumps, 0.95)
    console.log(
      `date jump     p50 ${ms(quantile(jumps, 0.5))}, p95 ${ms(dateJumpMs)} (message at a date in the ${fmt(big.messages)} group, then 100 around it)`
    )
    if (errors.length) console.log(`page errors: ${errors.join('; ')}`)
    // The store without the index goes only now. Deleted before the queries (as until 2026-12-07),
    // its 200,000 messages' keys, deleted but not yet compacted away, lay right after the indexed
    // store's last table (people): every read there stepped over them (the empty people table read
    // in 108–127 ms), and the first `from:` search, which reads it, took 160–350 ms.
    if (ingest) await page.evaluate((n) => (globalThis as unknown as PageGlobal).benchSearch.drop(n), rawStore)
    console.log(
      JSON.stringify({
        messages: total,
        p50FirstPageMs: round(worstP50),
        p95FirstPageMs: round(worstP95),
        p95CountMs: round(worstCount),
        scanRatio: values['no-scan'] ? null : round(minRatio),
        dateJumpMs: round(dateJumpMs),
        ingestPerSec: Number.isNaN(ingestPerSec) ? null : Math.round(ingestPerSec),
        rawIngestPerSec: Number.isNaN(rawIngestPerSec) ? null : Math.round(rawIngestPerSec)
      })
    )
    if (mismatches || errors.length) process.exitCode = 1
  } finally {
    await context?.close()
    server.close()
    if (!values.profile) await rm(profileDir, { recursive: true, force: true })
  }
}

/** Writes the archive into the indexed store (and the first rawTotal into a store without the index). */
async function ingestAll(
  page: Page,
  groups: BenchGroup[],
  total: number,
  rawTotal: number,
  perTx: number,
  chunk: number
): Promise<{ ingestPerSec: number; rawIngestPerSec: number }> {
  const indexed = 'bench-indexed'
  const raw = rawStore
  await page.evaluate(([n, g]) => (globalThis as unknown as PageGlobal).benchSearch.reset(n, g), [indexed, groups] as const)
  await page.evaluate(([n, g]) => (globalThis as unknown as PageGlobal).benchSearch.reset(n, g), [raw, groups] as const)

  // Ingest: chunks of 20k in group order; the first rawTotal messages go into both stores,
  // alternating which goes first, so both rates are taken under the same conditions.
  let done = 0
  let indexedMs = 0
  let indexedSameMs = 0
  let rawMs = 0
  let rawDone = 0
  let k = 0
  const ingestStart = performance.now()
  for (const g of groups) {
    for (let lo = 1; lo <= g.messages; lo += chunk) {
      const hi = Math.min(g.messages, lo + chunk - 1)
      const n = hi - lo + 1
      const both = rawDone < rawTotal
      const order: boolean[] = both ? (k++ % 2 ? [false, true] : [true, false]) : [true]
      for (const withIndex of order) {
        const took = await page.evaluate(([name, grp, a, b, p, ix]) => (globalThis as unknown as PageGlobal).benchSearch.ingest(name, grp, a, b, p, ix), [
          withIndex ? indexed : raw,
          g,
          lo,
          hi,
          perTx,
          withIndex
        ] as const)
        if (withIndex) {
          indexedMs += took
          if (both) indexedSameMs += took
        } else rawMs += took
      }
      if (both) rawDone += n
      done += n
      if (done % 200_000 < chunk) process.stdout.write(`              ingested ${fmt(done)} (${((performance.now() - ingestStart) / 1000).toFixed(0)} s)\n`)
    }
  }
  const ingestPerSec = rawDone / (indexedSameMs / 1000)
  const rawIngestPerSec = rawDone / (rawMs / 1000)
  const allIngestPerSec = total / (indexedMs / 1000)
  const rows = await page.evaluate((n) => (globalThis as unknown as PageGlobal).benchSearch.postingsRows(n), indexed)
  console.log(
    `ingest        with the index ${fmt(Math.round(ingestPerSec))} msgs/s, without ${fmt(Math.round(rawIngestPerSec))} msgs/s (first ${fmt(rawDone)}, interleaved): ratio ${(ingestPerSec / rawIngestPerSec).toFixed(2)}`
  )
  console.log(`              all ${fmt(total)} with the index: ${fmt(Math.round(allIngestPerSec))} msgs/s; ${fmt(rows)} postings rows`)
  const w = await page.evaluate(() => (globalThis as unknown as PageGlobal).benchSearch.indexWriteStats())
  const byLevel = w.mergesByLevel.flatMap((n, l) => (n ? [`${n} into level ${l} ${(w.mergeMsByLevel[l]! / 1000).toFixed(1)} s`] : [])).join(', ')
  console.log(
    `              indexing time: terms ${(w.termsMs / 1000).toFixed(1)} s, postings writes ${(w.writeMs / 1000).toFixed(1)} s (of which merges ${(w.mergeMs / 1000).toFixed(1)} s: ${byLevel || 'none'}), of ${(indexedMs / 1000).toFixed(1)} s writing with the index`
  )

  return { ingestPerSec, rawIngestPerSec }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
