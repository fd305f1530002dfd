/**
 * npm run bench:app-sync — the app's sync against the CLI's, in the same run, on the same groups:
 * the built app (`tim-archive serve`, browser mode, a child process as a user starts it) in Debian's
 * Chromium, and `tim-archive pull` (a child process), both against one simulator (in this process)
 * with 50 ms latency and its 200 req/s limit.
 *
 * Per group (12,000 and 30,000 messages by default), the CLI pulls it into a fresh JSON Lines
 * archive (--no-people: the messages only, as the app's Sync), then the app syncs it: the group is
 * opened from the sidebar and its header's Sync pressed; the time runs from the click to "Sync
 * finished.", which the app shows once every batch has been acknowledged, and a batch is acknowledged
 * only after the one IndexedDB transaction holding its messages, coverage, statistics, charts'
 * counts and search index has committed. Both ends of the app's time are taken by the page's own
 * clock (the click event's time; a MutationObserver on the sync panel): Playwright's waitFor polls
 * every 500 ms after its first few tries, which added 0.05–0.47 s to the app's time until 2026-12-07
 * (the polled time is printed beside it). The CLI's time includes its process start. Both are
 * checked afterwards: the archive holds every seq once (the app's count straight from IndexedDB).
 *
 * Then the UI while a sync runs, in two runs on copies of the big group, each pulled with "Sync all":
 * one while the big group's timeline scrolls back (150 px per animation frame: frame times), one
 * while the search panel searches that group (first page of results, from Enter to the results
 * shown; a search every --search-every ms, counted only if the sync still ran when it was shown).
 * The same scroll and searches run once at rest, before, as the baseline. Each run's sync time is
 * printed against the big group's own without them: searching must not stall the sync. The two
 * are apart because the scroll alone takes the page's main thread whole. Last, the store's
 * ingest with and without the search index (the bench:search page, interleaved in one Chromium).
 *
 * Flags: --sizes LIST (group sizes, default 12000,30000), --latency MS (default 50),
 *        --searches N (at rest, default 30; while syncing, as many as the sync lasts),
 *        --search-every MS (from one search's Enter to the next, default 500),
 *        --ingest N (messages for the ingest figures, default 60000; 0 skips them), --profile-page FILE (a CPU profile of the page during the
 *        largest group's app sync, .cpuprofile, for Chrome DevTools).
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium).
 * Prints figures, then one JSON line.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import { Simulator, type SimApp } from '../sim/server'
import { benchGroup, benchGroupId, demoApp, demoCredentials } from '../sim/seed'
import { chromiumPath, fmt, launchChromium, quantile, round, serveStatic } from './bench-page'

const root = join(__dirname, '../..')
const cliJs = join(root, 'out/main/cli.js')

interface Plan {
  groupId: string
  name: string
  messages: number
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}

/** The built CLI with the demo admin's credentials in its environment; resolves once it exits. */
async function runCli(args: string[], endpoint: string): Promise<{ code: number | null; out: string; secs: number; cpuSecs: number | null }> {
  const t0 = performance.now()
  // Under /usr/bin/time where there is one: the CLI's CPU seconds, beside the app's.
  const timed = existsSync('/usr/bin/time')
  const child = spawn(timed ? '/usr/bin/time' : process.execPath, [...(timed ? ['-f', 'cpu %U %S', process.execPath] : []), cliJs, ...args], {
    env: {
      PATH: process.env['PATH'],
      TIM_SDKAPPID: String(demoCredentials.sdkAppId),
      TIM_IDENTIFIER: demoCredentials.identifier,
      TIM_SECRET_KEY: demoCredentials.secretKey,
      TIM_ENDPOINT: endpoint
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
  const cpu = /cpu (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(out)
  return { code, out, secs: (performance.now() - t0) / 1000, cpuSecs: cpu ? Number(cpu[1]) + Number(cpu[2]) : null }
}

/** `tim-archive serve` as a child process; resolves with its token URL. */
async function startServe(configDir: string): Promise<{ url: string; pid: number | undefined; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, [cliJs, 'serve', '--port', '0', '--config-dir', configDir], {
    env: { ...process.env, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const url = await new Promise<string>((resolve, reject) => {
    const started = Date.now()
    const check = (): void => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out)
      if (m) return resolve(m[1]!)
      if (child.exitCode !== null) return reject(new Error(`serve exited (${child.exitCode}):\n${out}`))
      if (Date.now() - started > 30_000) return reject(new Error(`serve did not print its URL:\n${out}`))
      setTimeout(check, 50)
    }
    check()
  })
  return {
    url,
    pid: child.pid,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const closed = new Promise((r) => child.once('close', r))
      child.kill('SIGTERM')
      await closed
    }
  }
}

/**
 * CPU seconds (user + system, /proc) of this run's processes, by role: the host (`serve`), and
 * Chromium's browser process (where IndexedDB's backend runs), its renderer (the page), and the
 * rest (GPU, network, storage utilities). Linux only; empty elsewhere.
 */
async function cpuByRole(tmp: string, servePid: number | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  const tick = 100 // USER_HZ on Linux
  let pids: string[] = []
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d))
  } catch {
    return out
  }
  for (const pid of pids) {
    try {
      const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ')
      let role: string | undefined
      if (Number(pid) === servePid) role = 'host'
      else if (cmd.includes(tmp) && /chrom/.test(cmd)) {
        const type = /--type=(\S+)/.exec(cmd)?.[1]
        role = type === undefined ? 'browser' : type === 'renderer' ? 'renderer' : `other`
      }
      if (!role) continue
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out[role] = (out[role] ?? 0) + (Number(f[11]) + Number(f[12])) / tick
    } catch {
      // the process ended
    }
  }
  return out
}

/** The whole machine's CPU time so far (/proc/stat, seconds summed over cores): busy and all. */
type MachineCpu = { busy: number; all: number } | null

async function machineCpu(): Promise<MachineCpu> {
  try {
    const f = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const all = f.reduce((a, b) => a + b, 0) / 100
    return { busy: all - ((f[3] ?? 0) + (f[4] ?? 0)) / 100, all }
  } catch {
    return null
  }
}

/** How busy the machine's cores were between two readings: "87% of 2 cores". */
function machineBusy(a: MachineCpu, b: MachineCpu): { text: string; share: number | null } {
  if (!a || !b || b.all <= a.all) return { text: 'machine busy: unknown', share: null }
  const share = (b.busy - a.busy) / (b.all - a.all)
  return { text: `machine busy ${Math.round(share * 100)}% of ${availableParallelism()} cores`, share }
}

function cpuDelta(a: Record<string, number>, b: Record<string, number>): { text: string; total: number } {
  const roles = ['host', 'renderer', 'browser', 'other']
  const d = roles.map((k) => (b[k] ?? 0) - (a[k] ?? 0))
  const total = d.reduce((x, y) => x + y, 0)
  return { text: `${roles.map((k, i) => `${k} ${d[i]!.toFixed(1)} s`).join(', ')}; ${total.toFixed(1)} s in all`, total }
}

// ---------------------------------------------------------------------------------------------
// In the page (self-contained functions: Playwright sends their source text). This file is
// type-checked against Node's libs, so the few DOM calls go through `any`-free minimal shapes.

interface El {
  scrollTop: number
  textContent: string | null
  getAttribute(n: string): string | null
  querySelector(s: string): El | null
  scrollBy(o: { top: number }): void
  requestSubmit?(): void
  dispatchEvent(e: unknown): boolean
  value?: string
}
interface Win {
  document: { querySelector(s: string): El | null; body: El }
  performance: { now(): number }
  requestAnimationFrame(cb: (t: number) => void): number
  MutationObserver: new (cb: () => void) => {
    observe(t: El, o: { subtree: boolean; childList: boolean; characterData: boolean; attributes: boolean }): void
    disconnect(): void
  }
  Event: new (type: string, init: { bubbles: boolean }) => unknown
  HTMLInputElement: { prototype: object }
  __benchScroll?: { stop: boolean; frames: number[]; done: Promise<void> }
}
interface PageDb {
  transaction(s: string): {
    objectStore(s: string): { count(range: unknown): { result: number; onsuccess: (() => void) | null; onerror: (() => void) | null; error: unknown } }
  }
  close(): void
}

/** Starts scrolling the feed back `step` px per frame, recording frame intervals, until stopped. */
function startScroll(step: number): void {
  const w = globalThis as unknown as Win
  const feed = w.document.querySelector('[role="feed"]')
  if (!feed) throw new Error('no feed')
  const state: { stop: boolean; frames: number[]; done: Promise<void> } = { stop: false, frames: [], done: Promise.resolve() }
  state.done = new Promise<void>((resolve) => {
    let last = -1
    let dir = -1
    let stuck = 0
    const tick = (t: number): void => {
      if (last >= 0) state.frames.push(t - last)
      last = t
      if (state.stop) return resolve()
      const before = feed.scrollTop
      feed.scrollBy({ top: dir * step })
      // At an end with nothing more to load for a second: turn around.
      if (feed.scrollTop === before) {
        if (++stuck > 60) {
          dir = -dir
          stuck = 0
        }
      } else stuck = 0
      w.requestAnimationFrame(tick)
    }
    w.requestAnimationFrame(tick)
  })
  w.__benchScroll = state
}

async function stopScroll(): Promise<number[]> {
  const w = globalThis as unknown as Win
  const s = w.__benchScroll
  if (!s) return []
  s.stop = true
  await s.done
  w.__benchScroll = undefined
  return s.frames
}

/**
 * Arms `__benchSearch`: it resolves with the ms from the next Enter keydown (its event time) until
 * the first page of results is shown (the panel went through "Searching…" and lists hits).
 */
function armSearchProbe(): void {
  const w = globalThis as unknown as Win & {
    addEventListener(t: string, l: (e: { key: string; timeStamp: number }) => void, o: { capture: boolean }): void
    __benchSearch?: Promise<number>
  }
  const panel = w.document.querySelector('aside.search-panel')
  if (!panel) throw new Error('no search panel')
  w.__benchSearch = new Promise<number>((resolve, reject) => {
    let at: number | undefined
    let seenSearching = false
    const snapshot = (): string => panel.querySelector('[role="status"]')?.textContent ?? ''
    const before = snapshot()
    w.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && at === undefined) at = e.timeStamp
      },
      { capture: true }
    )
    const check = (): void => {
      if (at === undefined) return
      if (panel.querySelector('p.count.muted')) seenSearching = true
      else if (seenSearching || snapshot() !== before) {
        obs.disconnect()
        clearTimeout(timer)
        resolve(w.performance.now() - at)
      }
    }
    const obs = new w.MutationObserver(check)
    obs.observe(panel, { subtree: true, childList: true, characterData: true, attributes: true })
    const timer = setTimeout(() => {
      obs.disconnect()
      reject(new Error(`the search did not finish within 60 s (Enter seen: ${at !== undefined}; status "${snapshot()}")`))
    }, 60_000)
  })
}

/**
 * Arms `__benchSync`: it resolves with the ms from the next click (its event time) until the sync
 * panel says the run is done ("Sync finished."), as a MutationObserver sees it rather than Playwright's polling.
 */
function armSyncProbe(): void {
  const w = globalThis as unknown as Win & {
    addEventListener(t: string, l: (e: { timeStamp: number }) => void, o: { capture: boolean }): void
    __benchSync?: Promise<number>
  }
  w.__benchSync = new Promise<number>((resolve, reject) => {
    let at: number | undefined
    w.addEventListener('click', (e) => (at ??= e.timeStamp), { capture: true })
    const check = (): void => {
      if (at === undefined || !w.document.querySelector('section.sync-panel[data-status="done"]')) return
      obs.disconnect()
      clearTimeout(timer)
      resolve(w.performance.now() - at)
    }
    const obs = new w.MutationObserver(check)
    obs.observe(w.document.body, { subtree: true, childList: true, characterData: false, attributes: true })
    const timer = setTimeout(() => {
      obs.disconnect()
      reject(new Error('the sync did not finish within 600 s'))
    }, 600_000)
  })
}

/** The time an armed probe (`__benchSearch`, `__benchSync`) resolves with. */
function awaitProbe(name: '__benchSearch' | '__benchSync'): Promise<number> {
  const probe = (globalThis as unknown as Record<string, Promise<number> | undefined>)[name]
  if (!probe) throw new Error(`${name} not armed`)
  return probe
}

/** Messages of group key `gk` in the page's IndexedDB. */
function countMessages(gk: string): Promise<number> {
  const w = globalThis as unknown as {
    indexedDB: { open(n: string): { result: PageDb; onsuccess: (() => void) | null; onerror: (() => void) | null; error: unknown } }
    IDBKeyRange: { bound(a: unknown, b: unknown): unknown }
  }
  return new Promise((resolve, reject) => {
    const open = w.indexedDB.open('tim-archive')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const req = open.result
        .transaction('messages')
        .objectStore('messages')
        .count(w.IDBKeyRange.bound([gk, -Infinity], [gk, [[]]]))
      req.onsuccess = () => {
        open.result.close()
        resolve(req.result)
      }
      req.onerror = () => reject(req.error)
    }
  })
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '12000,30000' },
      latency: { type: 'string', default: '50' },
      searches: { type: 'string', default: '30' },
      'search-every': { type: 'string', default: '500' },
      ingest: { type: 'string', default: '60000' },
      'profile-page': { type: 'string' }
    }
  })
  const sizes = values.sizes.split(',').map(Number)
  const latencyMs = Number(values.latency)
  const searches = Number(values.searches)
  const searchEveryMs = Number(values['search-every'])
  const ingestN = Number(values.ingest)
  if (!sizes.length || sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error('--sizes must list positive integers')
  if (!Number.isSafeInteger(searches) || searches < 1) throw new Error('--searches must be a positive integer')
  if (!Number.isSafeInteger(searchEveryMs) || searchEveryMs < 0) throw new Error('--search-every must be a whole number of ms')
  const runStart = performance.now()

  // The demo app, its bench group the largest size; the other sizes and the UI run's copy of the
  // largest as further groups of the same generator.
  const sorted = [...sizes].sort((a, b) => a - b)
  const largest = sorted[sorted.length - 1]!
  const app: SimApp = demoApp({ benchMessages: largest })
  const plans: Plan[] = sizes.map((n, i) => {
    if (n === largest && !sizes.slice(0, i).includes(n)) return { groupId: benchGroupId, name: 'Bench 压测群', messages: n }
    const groupId = `@TGS#APPSYNC${i}N${n}`
    app.groups.set(groupId, { ...benchGroup(n), GroupId: groupId, Name: `App sync ${n}` })
    return { groupId, name: `App sync ${n}`, messages: n }
  })
  const uiPlan: Plan = { groupId: '@TGS#APPSYNCUI', name: 'App sync UI run', messages: largest }
  app.groups.set(uiPlan.groupId, { ...benchGroup(largest), GroupId: uiPlan.groupId, Name: uiPlan.name })
  // Added to the app only before its own run: until then Sync all has nothing to pull from it.
  const uiSearchPlan: Plan = { groupId: '@TGS#APPSYNCUS', name: 'App sync UI search', messages: largest }
  app.groups.set(uiSearchPlan.groupId, { ...benchGroup(largest), GroupId: uiSearchPlan.groupId, Name: uiSearchPlan.name })
  const sim = new Simulator({ apps: [app], latencyMs, rateLimit: 200 })
  const { url: simUrl } = await sim.start()

  const tmp = await mkdtemp(join(tmpdir(), 'tim-bench-app-sync-'))
  const configDir = join(tmp, 'config')
  const profileDir = join(tmp, 'profile')
  let serve: Awaited<ReturnType<typeof startServe>> | undefined
  let context: BrowserContext | undefined
  try {
    serve = await startServe(configDir)
    context = await launchChromium(profileDir)
    const page = context.pages()[0] ?? (await context.newPage())
    await page.setViewportSize({ width: 1280, height: 800 })
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    page.on('crash', () => console.error('the page crashed'))
    page.on('framenavigated', (f) => process.env['BENCH_DEBUG'] && console.error(`navigated: ${f.url()}`))
    console.log(
      `bench:app-sync  ${context.browser()?.version() ?? 'Chromium'} (${chromiumPath()}); simulator ${simUrl}, latency ${latencyMs} ms, limit 200 req/s`
    )
    console.log(
      `                groups of ${sizes.map(fmt).join(', ')} messages; load ${load()} (2 cores, shared: the app and the CLI run in turn under the same load)`
    )

    await page.goto(serve.url)
    // The connect form as a user fills it (test/e2e/fixtures/app-page.ts).
    await page.getByLabel('Region (data center)').selectOption({ label: 'Custom endpoint' })
    await page.getByLabel('Endpoint URL').fill(simUrl)
    await page.getByLabel('SDKAppID').fill(String(demoCredentials.sdkAppId))
    await page.getByLabel('Admin identifier').fill(demoCredentials.identifier)
    await page.getByLabel('Secret key', { exact: true }).fill(demoCredentials.secretKey)
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    const sidebar = page.getByRole('complementary', { name: 'Groups' })
    /** Adds groups by ID from the sidebar, as a user does, until each is listed. */
    const addGroups = async (added: Plan[]): Promise<void> => {
      // The add form stays open after adding (it shows what was added): "Add group" would close it.
      if (!(await page.getByLabel('Group IDs').isVisible())) await sidebar.getByRole('button', { name: 'Add group' }).click()
      await page.getByLabel('Group IDs').fill(added.map((p) => p.groupId).join(' '))
      await page.getByRole('button', { name: 'Add', exact: true }).click()
      for (const p of added) await sidebar.getByRole('button', { name: new RegExp(p.name) }).waitFor({ timeout: 60_000 })
    }
    await addGroups([...plans, uiPlan])
    const workspaceId = `${demoCredentials.sdkAppId}`
    const gkOf = async (groupId: string): Promise<string> => {
      // The group key is `${workspaceId}|${groupId}`; the workspace id is the app's own.
      const ids = (await page.evaluate(`new Promise((res, rej) => {
        const open = indexedDB.open('tim-archive')
        open.onerror = () => rej(open.error)
        open.onsuccess = () => {
          const req = open.result.transaction('groups').objectStore('groups').getAllKeys()
          req.onsuccess = () => { open.result.close(); res(req.result) }
          req.onerror = () => rej(req.error)
        }
      })`)) as string[]
      const gk = ids.find((k) => k.endsWith(`|${groupId}`))
      if (!gk) throw new Error(`no group row for ${groupId} (workspace ${workspaceId}?)`)
      return gk
    }
    const finished = page.getByText('Sync finished.')
    const dismiss = async (): Promise<void> => {
      if (await finished.isVisible()) await page.getByRole('region', { name: 'Sync progress' }).getByRole('button', { name: 'Dismiss' }).click()
      await finished.waitFor({ state: 'hidden' })
    }

    interface Row {
      messages: number
      app: { secs: number; polledSecs: number; requests: number; reqPerSec: number; msgsPerSec: number; refused: number }
      cli: { secs: number; requests: number; reqPerSec: number; msgsPerSec: number; refused: number }
      ratio: number
      load: string
      appCpuSecs: number
      cliCpuSecs: number | null
      /** Share of all cores busy (the whole machine, simulator included) during each run. */
      appMachineBusy: number | null
      cliMachineBusy: number | null
    }
    const rows: Row[] = []
    for (const plan of plans) {
      // The CLI first, into a fresh archive.
      await new Promise((r) => setTimeout(r, 1100)) // the server's bucket refills
      sim.resetStats()
      const out = join(tmp, `cli-${plan.messages}.jsonl`)
      const cliMachine0 = await machineCpu()
      const cli = await runCli(['pull', '--group', plan.groupId, '--out', out, '--no-people'], simUrl)
      const cliMachine = machineBusy(cliMachine0, await machineCpu())
      if (cli.code !== 0) throw new Error(`tim-archive pull exited ${cli.code}:\n${cli.out}`)
      const cliStats = { ...sim.stats }
      const lines = (await readFile(out, 'utf8')).split('\n').filter((l) => l.includes('"MsgSeq"'))
      const cliSeqs = new Set(lines.map((l) => (JSON.parse(l) as { MsgSeq: number }).MsgSeq))
      if (cliSeqs.size !== plan.messages) throw new Error(`the CLI archived ${cliSeqs.size} of ${plan.messages} seqs`)

      // The app: open the group, press its Sync, until "Sync finished.".
      await dismiss()
      await sidebar.getByRole('button', { name: new RegExp(plan.name) }).click()
      const header = page.getByRole('region', { name: new RegExp(plan.name) })
      const syncButton = header.getByRole('button', { name: 'Sync', exact: true })
      await syncButton.waitFor()
      await new Promise((r) => setTimeout(r, 1100))
      sim.resetStats()
      const profiling = values['profile-page'] && plan.messages === largest ? await context.newCDPSession(page) : undefined
      if (profiling) {
        await profiling.send('Profiler.enable')
        await profiling.send('Profiler.setSamplingInterval', { interval: 200 })
        await profiling.send('Profiler.start')
      }
      const cpu0 = await cpuByRole(tmp, serve.pid)
      const appMachine0 = await machineCpu()
      const sim0 = process.cpuUsage()
      const t0 = performance.now()
      // BENCH_DEBUG: the simulator's requests per 250 ms through the app's sync.
      const ticks: number[] = []
      const ticker = process.env['BENCH_DEBUG'] ? setInterval(() => ticks.push(sim.stats.requests), 250) : undefined
      await page.evaluate(armSyncProbe)
      await syncButton.click()
      await finished.waitFor({ timeout: 600_000 })
      const polledSecs = (performance.now() - t0) / 1000
      const appSecs = (await page.evaluate(awaitProbe, '__benchSync' as const)) / 1000
      const appStats = { ...sim.stats }
      if (ticker) {
        clearInterval(ticker)
        console.error(`requests per 250 ms: ${ticks.map((n, i) => n - (ticks[i - 1] ?? 0)).join(' ')}`)
        console.error(`requests by command: ${JSON.stringify(appStats.byCommand)} (CLI: ${JSON.stringify(cliStats.byCommand)})`)
      }
      const appMachine = machineBusy(appMachine0, await machineCpu())
      const simCpu = process.cpuUsage(sim0)
      const cpu = cpuDelta(cpu0, await cpuByRole(tmp, serve.pid))
      if (profiling) {
        const { profile } = await profiling.send('Profiler.stop')
        await writeFile(values['profile-page']!, JSON.stringify(profile))
        await profiling.detach()
      }
      const archived = await page.evaluate(countMessages, await gkOf(plan.groupId))
      if (archived !== plan.messages) throw new Error(`the app archived ${archived} of ${plan.messages} messages`)

      const row: Row = {
        messages: plan.messages,
        app: {
          secs: appSecs,
          polledSecs,
          requests: appStats.requests,
          reqPerSec: appStats.requests / appSecs,
          msgsPerSec: plan.messages / appSecs,
          refused: appStats.refusedRateLimit
        },
        cli: {
          secs: cli.secs,
          requests: cliStats.requests,
          reqPerSec: cliStats.requests / cli.secs,
          msgsPerSec: plan.messages / cli.secs,
          refused: cliStats.refusedRateLimit
        },
        // The same messages: the ratio of the times is the ratio of the rates.
        ratio: cli.secs / appSecs,
        load: load(),
        appCpuSecs: cpu.total,
        cliCpuSecs: cli.cpuSecs,
        appMachineBusy: appMachine.share,
        cliMachineBusy: cliMachine.share
      }
      rows.push(row)
      console.log(
        `${fmt(plan.messages).padStart(7)} msgs  CLI ${row.cli.secs.toFixed(2)} s (process start included), ${row.cli.requests} requests: ${row.cli.reqPerSec.toFixed(1)} req/s, ${fmt(Math.round(row.cli.msgsPerSec))} msgs/s, ${row.cli.refused} refused (60007)${cli.cpuSecs === null ? '' : `; CPU ${cli.cpuSecs.toFixed(1)} s`}; ${cliMachine.text}`
      )
      console.log(
        `               app ${row.app.secs.toFixed(2)} s (Sync pressed to "Sync finished.", the page's clock; Playwright's polling saw it at ${polledSecs.toFixed(2)} s), ${row.app.requests} requests: ${row.app.reqPerSec.toFixed(1)} req/s, ${fmt(Math.round(row.app.msgsPerSec))} msgs/s, ${row.app.refused} refused (60007)`
      )
      console.log(
        `               CPU during the app's sync: ${cpu.text}; simulator (with this driver) ${((simCpu.user + simCpu.system) / 1e6).toFixed(1)} s; ${appMachine.text}`
      )
      console.log(`               ratio app/CLI ${row.ratio.toFixed(2)} (target ≥ 0.9); load ${row.load}`)
    }

    // The UI: the big group's timeline scrolls and the search panel searches, at rest and then
    // while a UI run's group syncs ("Sync all": the complete groups only check their newest end).
    const big = plans.find((p) => p.messages === largest)!
    const words = ['deploy', 'release', 'archive', 'review', 'build', 'sync', 'test', 'bug', 'fix', '部署', '消息', '会议', '数据', '群聊']
    const box = page.getByRole('searchbox', { name: 'Search messages' })
    /** Opens the big group, and its search box (Ctrl+F) unless it is open: the searches are of "this group". */
    const openBigGroupSearch = async (): Promise<void> => {
      await dismiss()
      await sidebar.getByRole('button', { name: new RegExp(big.name) }).click()
      const feed = page.getByRole('feed', { name: 'Messages' })
      await feed.waitFor()
      if (!(await box.isVisible())) {
        await feed.focus()
        await page.keyboard.press('Control+f')
        await box.waitFor()
      }
      await box.focus()
    }
    await openBigGroupSearch()
    const timedSearch = async (q: string): Promise<number> => {
      await box.fill(q)
      await page.evaluate(armSearchProbe)
      await box.press('Enter')
      return page.evaluate(awaitProbe, '__benchSearch' as const)
    }
    const step = (what: string) => process.env['BENCH_DEBUG'] && console.error(`[${new Date().toISOString()}] ${what}`)
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
    const alone = rows.find((r) => r.messages === largest)!.app.secs
    /** Presses Sync all (only the UI run's group has anything to pull), timed by the page's clock. */
    const startSync = async (): Promise<void> => {
      await dismiss()
      await page.evaluate(armSyncProbe)
      await sidebar.getByRole('button', { name: 'Sync all' }).click()
    }
    const syncDone = async (plan: Plan): Promise<{ secs: number; rate: number }> => {
      const secs = (await page.evaluate(awaitProbe, '__benchSync' as const)) / 1000
      const archived = await page.evaluate(countMessages, await gkOf(plan.groupId))
      if (archived !== plan.messages) throw new Error(`the UI run archived ${archived} of ${plan.messages} messages`)
      // As big as the largest group: its rate against that group's own sync, without the UI's work.
      return { secs, rate: alone / secs }
    }
    // Searches: one every searchEveryMs (from one Enter to the next), paced as a quick user.
    // While syncing, a search counts only if the sync still ran when its results were shown.
    const searchAlong = async (whileSyncing: boolean): Promise<number[]> => {
      const out: number[] = []
      for (let i = 0; whileSyncing || i < searches; i++) {
        const started = performance.now()
        const ms = await timedSearch(words[i % words.length]!)
        if (whileSyncing && (await finished.isVisible())) break
        out.push(ms)
        await pause(Math.max(0, searchEveryMs - (performance.now() - started)))
      }
      return out
    }

    // At rest: the timeline scrolls for 5 s, then the searches.
    step('UI at rest')
    await page.evaluate(startScroll, 150)
    await pause(5000)
    const restFrames = await page.evaluate(stopScroll)
    const restSearch = await searchAlong(false)
    const restLoad = load()
    // A sync while the timeline scrolls (the scroll alone takes the page's main thread whole:
    // 150 px a frame renders new messages in every frame; the sync then runs at 0.3-0.5 of its
    // rate), then another while the search panel searches, each as big as the largest group.
    step('UI while syncing: scrolling')
    await startSync()
    await page.evaluate(startScroll, 150)
    await finished.waitFor({ timeout: 600_000 })
    const frames = await page.evaluate(stopScroll)
    const scrolled = await syncDone(uiPlan)
    const scrollLoad = load()
    step('UI while syncing: searching')
    await dismiss()
    await addGroups([uiSearchPlan])
    await openBigGroupSearch()
    await startSync()
    const search = await searchAlong(true)
    const searched = await syncDone(uiSearchPlan)
    const searchLoad = load()
    step(`search ms at rest ${restSearch.map((t) => t.toFixed(0)).join(' ')}; while syncing ${search.map((t) => t.toFixed(0)).join(' ')}`)
    const frameP95 = quantile(frames, 0.95)
    const restFrameP95 = quantile(restFrames, 0.95)
    const searchP95 = quantile(search, 0.95)
    const restSearchP95 = quantile(restSearch, 0.95)
    console.log(
      `UI at rest     frames p50 ${quantile(restFrames, 0.5).toFixed(1)} ms, p95 ${restFrameP95.toFixed(1)} ms (${restFrames.length} frames); search first page p50 ${quantile(restSearch, 0.5).toFixed(1)} ms, p95 ${restSearchP95.toFixed(1)} ms (${restSearch.length}, one every ${searchEveryMs} ms); load ${restLoad}`
    )
    console.log(
      `UI syncing     scrolling: ${fmt(uiPlan.messages)} msgs synced in ${scrolled.secs.toFixed(2)} s (${scrolled.rate.toFixed(2)} of the app's rate alone); frames p50 ${quantile(frames, 0.5).toFixed(1)} ms, p95 ${frameP95.toFixed(1)} ms (target < 50; ${frames.length} frames, ${frames.filter((f) => f > 50).length} over 50 ms); load ${scrollLoad}`
    )
    console.log(
      `               searching: ${fmt(uiSearchPlan.messages)} msgs synced in ${searched.secs.toFixed(2)} s (${searched.rate.toFixed(2)} of the app's rate alone); search p50 ${quantile(search, 0.5).toFixed(1)} ms, p95 ${searchP95.toFixed(1)} ms (${search.length}); load ${searchLoad}`
    )
    console.log(`               search p95 syncing/at rest ${(searchP95 / restSearchP95).toFixed(2)}× (target ≤ 1.5×)`)

    // The store's ingest with and without the index, on the bench:search page (its own origin).
    let ingest: { indexed: number; raw: number } | undefined
    if (ingestN > 0) {
      ingest = await ingestFigures(context, ingestN)
      console.log(
        `ingest         with the index ${fmt(Math.round(ingest.indexed))} msgs/s, without ${fmt(Math.round(ingest.raw))} msgs/s (${fmt(ingestN)} each, interleaved): ratio ${(ingest.indexed / ingest.raw).toFixed(2)}; load ${load()}`
      )
    }
    console.log(
      `               ${((performance.now() - runStart) / 1000).toFixed(0)} s in all; ${pageErrors.length ? `${pageErrors.length} page errors: ${pageErrors.slice(0, 3).join(' | ')}` : 'no page errors'}`
    )
    const fig = (r: Row) => ({
      messages: r.messages,
      appReqPerSec: round(r.app.reqPerSec),
      cliReqPerSec: round(r.cli.reqPerSec),
      appSecs: +r.app.secs.toFixed(2),
      appPolledSecs: +r.app.polledSecs.toFixed(2),
      cliSecs: +r.cli.secs.toFixed(2),
      ratio: +r.ratio.toFixed(2),
      appCpuSecs: round(r.appCpuSecs),
      cliCpuSecs: r.cliCpuSecs === null ? null : round(r.cliCpuSecs),
      appMachineBusy: r.appMachineBusy === null ? null : Math.round(r.appMachineBusy * 100) / 100,
      cliMachineBusy: r.cliMachineBusy === null ? null : Math.round(r.cliMachineBusy * 100) / 100,
      load: r.load
    })
    console.log(
      JSON.stringify({
        latencyMs,
        groups: rows.map(fig),
        minRatio: +Math.min(...rows.map((r) => r.ratio)).toFixed(2),
        frameP95Ms: round(frameP95),
        restFrameP95Ms: round(restFrameP95),
        searchP95Ms: round(searchP95),
        restSearchP95Ms: round(restSearchP95),
        searchRatio: +(searchP95 / restSearchP95).toFixed(2),
        searchesWhileSyncing: search.length,
        scrollSyncRate: +scrolled.rate.toFixed(2),
        searchSyncRate: +searched.rate.toFixed(2),
        ingestPerSec: ingest ? Math.round(ingest.indexed) : null,
        rawIngestPerSec: ingest ? Math.round(ingest.raw) : null,
        ingestRatio: ingest ? +(ingest.indexed / ingest.raw).toFixed(2) : null
      })
    )
  } finally {
    await context?.close().catch(() => undefined)
    await serve?.kill().catch(() => undefined)
    await sim.stop().catch(() => undefined)
    await rm(tmp, { recursive: true, force: true })
  }
}

type SearchPage = {
  benchReady?: boolean
  benchSearch: {
    reset(name: string, groups: readonly unknown[]): Promise<void>
    ingest(name: string, g: unknown, from: number, to: number, perTx: number, index: boolean): Promise<number>
    drop(name: string): Promise<void>
  }
}

/** Indexed and raw ingest (msgs/s) through the app's write path, as bench:search measures it. */
async function ingestFigures(context: BrowserContext, n: number): Promise<{ indexed: number; raw: number }> {
  const { server, url } = await serveStatic(join(__dirname, '../bench-pages'))
  let page: Page | undefined
  try {
    page = await context.newPage()
    await page.goto(`${url}/bench-search.html`)
    await page.waitForFunction(() => (globalThis as unknown as SearchPage).benchReady === true, undefined, { timeout: 30_000 })
    const g = { groupId: '@TGS#APPSYNCINGEST', seed: 1, messages: n, start: 1_640_995_200, gap: 60 }
    for (const name of ['indexed', 'raw'])
      await page.evaluate(([nm, gs]) => (globalThis as unknown as SearchPage).benchSearch.reset(nm, gs), [name, [g]] as const)
    let indexedMs = 0
    let rawMs = 0
    const chunk = 20_000
    for (let lo = 1, k = 0; lo <= n; lo += chunk, k++) {
      const hi = Math.min(n, lo + chunk - 1)
      for (const withIndex of k % 2 ? [false, true] : [true, false]) {
        const took = await page.evaluate(([nm, grp, a, b, ix]) => (globalThis as unknown as SearchPage).benchSearch.ingest(nm, grp, a, b, 2000, ix), [
          withIndex ? 'indexed' : 'raw',
          g,
          lo,
          hi,
          withIndex
        ] as const)
        if (withIndex) indexedMs += took
        else rawMs += took
      }
    }
    for (const name of ['indexed', 'raw']) await page.evaluate((nm) => (globalThis as unknown as SearchPage).benchSearch.drop(nm), name)
    return { indexed: n / (indexedMs / 1000), raw: n / (rawMs / 1000) }
  } finally {
    await page?.close()
    server.close()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
