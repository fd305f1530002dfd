/**
 * npm run bench:timeline — the real built app (browser mode, `tim-archive serve` in-process) in
 * Debian's Chromium: opening and scrolling a group of a million archived messages against a
 * baseline group of 1,000, both in the same run and the same page.
 *
 * The archive is seeded straight into the page's IndexedDB in the shapes of
 * src-renderer/src/lib/db/app-db.ts (messages, group rows, complete coverage) for the connected
 * workspace, then the page is reloaded and each group is opened from the sidebar with a real click.
 * Nothing in the app is instrumented: "open" runs from the click's event time to the first
 * animation frame in which the newest message row is laid out fully inside the feed; an older page
 * is the time the feed is aria-busy while reading and prepending one; heap is
 * performance.memory.usedJSHeapSize after two CDP full GCs (the page's JS heap only: IndexedDB
 * lives in the browser's storage process). Opens alternate baseline/big so both are timed under
 * the same machine load; a raw IndexedDB read of each group's newest page shows the store's share.
 *
 * Flags: --messages N (big group, default 1000000), --baseline N (default 1000), --opens N
 *        (opens per group, default 5), --scroll-messages N (how far back to scroll, default 3000),
 *        --scroll-step PX (scrolled per animation frame, default 150), --screenshots DIR (saves
 *        what each group looks like after opening and after scrolling).
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium).
 * Prints figures, then one JSON line.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core'
import { AppService } from '../../src-main/services/app-service'
import { FileSecretStore } from '../../src-main/services/secret-store'
import { Simulator } from '../sim/server'
import { demoApp, demoCredentials, plainTexts } from '../sim/seed'
import { startWebServer, type WebServer } from '../../src-main/web/server'

// ---------------------------------------------------------------------------------------------
// The few browser APIs the in-page functions use. This file is type-checked against Node's libs
// (tsconfig.node.json has no lib.dom), so they are declared here rather than pulled in globally.
// Every function passed to page.evaluate is self-contained: Playwright sends its source text.

interface PageRequest<T> {
  result: T
  error: unknown
  onsuccess: (() => void) | null
  onerror: (() => void) | null
}
interface PageCursor {
  value: unknown
  continue(): void
}
interface PageStore {
  put(value: unknown): unknown
  getAll(): PageRequest<unknown[]>
  openCursor(range: unknown, direction: 'next' | 'prev'): PageRequest<PageCursor | null>
}
interface PageTransaction {
  objectStore(name: string): PageStore
  oncomplete: (() => void) | null
  onerror: (() => void) | null
  onabort: (() => void) | null
  error: unknown
}
interface PageDatabase {
  objectStoreNames: { contains(name: string): boolean }
  transaction(stores: string[], mode: 'readonly' | 'readwrite'): PageTransaction
  close(): void
}
interface PageElement {
  parentElement: PageElement | null
  scrollTop: number
  scrollHeight: number
  getAttribute(name: string): string | null
  closest(selector: string): PageElement | null
  querySelector(selector: string): PageElement | null
  querySelectorAll(selector: string): ArrayLike<PageElement>
  getBoundingClientRect(): { top: number; bottom: number; height: number }
  scrollBy(options: { top: number }): void
  focus(): void
}
interface PageWindow {
  indexedDB: { open(name: string): PageRequest<PageDatabase>; databases(): Promise<{ name?: string }[]> }
  IDBKeyRange: { bound(lower: unknown, upper: unknown): unknown }
  document: { querySelector(selector: string): PageElement | null }
  performance: { now(): number; memory?: { usedJSHeapSize: number } }
  requestAnimationFrame(callback: (time: number) => void): number
  setTimeout(callback: () => void, ms: number): number
  getComputedStyle(element: PageElement): { visibility: string }
  addEventListener(type: 'click', listener: (e: { timeStamp: number }) => void, options: { capture: boolean; once: boolean }): void
  MutationObserver: new (callback: () => void) => {
    observe(target: PageElement, options: { attributes: boolean; attributeFilter: string[] }): void
    disconnect(): void
  }
  __benchOpen?: Promise<number>
}

// ---------------------------------------------------------------------------------------------
// Seeding (runs in the page)

interface SeedArgs {
  gk: string
  groupId: string
  /** Seqs from..to inclusive of a group of `total` messages whose newest one is at `tEnd`. */
  from: number
  to: number
  total: number
  tEnd: number
  /** Mean seconds between messages. */
  gap: number
  /** Rows per IndexedDB transaction. */
  txRows: number
  texts: string[]
  senders: string[]
}

interface SeedStats {
  messages: number
  deleted: number
  recalled: number
  system: number
  firstTime: number
  lastTime: number
}

/**
 * Writes messages from..to of a group with raw IndexedDB, `txRows` per read-write transaction and
 * at most two transactions queued, so the browser commits one while the page builds the next.
 * Every message is derived from its age (total - seq) alone: chunks can be written by separate
 * calls, and the newest messages of two groups of different sizes are the same messages, so
 * opening either renders the same rows. The records are shaped like group_msg_get_simple's
 * RspMsgList items as mergeMessage archives them (GroupId first); the rows like MessageRow.
 */
async function seedMessages(a: SeedArgs): Promise<SeedStats> {
  const w = globalThis as unknown as PageWindow
  const db = await new Promise<PageDatabase>((resolve, reject) => {
    const req = w.indexedDB.open('tim-archive')
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  const stats: SeedStats = { messages: 0, deleted: 0, recalled: 0, system: 0, firstTime: 0, lastTime: 0 }
  const cos = 'https://cos.ap-shanghai.myqcloud.com/demo-1400000001'
  const hex = '0123456789abcdef'
  const tips = ['Join', 'Quit', 'Kick', 'ModifyGroupInfo', 'SetAdmin']
  const files = ['季度报告 Q3 (final) v2.xlsx', 'design-review.pdf', '会议纪要 2024-05-06.docx', 'logs.tar.gz', 'screenshot.png', '产品路线图.pptx']
  const customs = [
    '{"type":"vote","id":42,"options":["A","B","C"]}',
    '{"businessID":"order","orderId":"20240506-8812"}',
    '{"businessID":"link","title":"周报","url":"https://wiki.example.com/weekly"}'
  ]

  const build = (seq: number): { row: unknown; time: number; kind: 'normal' | 'deleted' | 'recalled' | 'system' } => {
    // mulberry32 seeded by the age: the same message every run and in every group.
    let s = (Math.imul(a.total - seq + 1, 0x9e3779b1) ^ 0x7e1e11e) >>> 0
    const rnd = (): number => {
      s = (s + 0x6d2b79f5) >>> 0
      let t = s
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
    const pick = <T>(arr: T[]): T => arr[Math.floor(rnd() * arr.length)]!
    const uuid = (): string => {
      let u = ''
      for (let i = 0; i < 32; i++) u += hex[int(0, 15)]
      return u
    }
    const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } })
    const face = () => ({ MsgType: 'TIMFaceElem', MsgContent: { Index: int(0, 30), Data: '' } })
    // Strictly increasing times: seq*gap plus a jitter below gap.
    const time = Math.round(a.tEnd - (a.total - seq) * a.gap - a.gap + rnd() * a.gap)
    const from = pick(a.senders)
    const r = rnd()
    let kind: 'normal' | 'deleted' | 'recalled' | 'system' = 'normal'
    let body: unknown
    if (r < 0.01) {
      kind = 'system'
      const op = pick(tips)
      body = { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: op, Operator_Account: pick(a.senders), MemberAccount_List: [pick(a.senders)] } }
    } else if (r < 0.025) {
      kind = 'deleted'
      body = []
    } else if (r < 0.035) {
      kind = 'recalled'
      body = []
    } else if (r < 0.075) {
      const id = uuid()
      const wd = int(640, 4032)
      const ht = int(480, 3024)
      const size = int(80_000, 6_000_000)
      const url = (ty: number): string => `${cos}/img/${id}_${ty}.jpg?imageMogr2/thumbnail/${ty === 1 ? '' : ty === 2 ? '720x' : '198x'}`
      const image = {
        MsgType: 'TIMImageElem',
        MsgContent: {
          UUID: `${id}.jpg`,
          ImageFormat: 1,
          ImageInfoArray: [
            { Type: 1, Size: size, Width: wd, Height: ht, URL: url(1) },
            { Type: 2, Size: Math.floor(size / 4), Width: 720, Height: Math.round((720 * ht) / wd), URL: url(2) },
            { Type: 3, Size: Math.floor(size / 40), Width: 198, Height: Math.round((198 * ht) / wd), URL: url(3) }
          ]
        }
      }
      body = rnd() < 0.3 ? [text(pick(a.texts)), image] : [image]
    } else if (r < 0.09) {
      const id = uuid()
      const name = pick(files)
      body = [
        {
          MsgType: 'TIMFileElem',
          MsgContent: { Url: `${cos}/file/${id}/${encodeURIComponent(name)}`, UUID: id, FileSize: int(1_000, 90_000_000), FileName: name, Download_Flag: 2 }
        }
      ]
    } else if (r < 0.095) {
      const id = uuid()
      body = [
        { MsgType: 'TIMSoundElem', MsgContent: { Url: `${cos}/voice/${id}.m4a`, UUID: id, Size: int(2_000, 400_000), Second: int(1, 60), Download_Flag: 2 } }
      ]
    } else if (r < 0.098) {
      const v = uuid()
      const th = uuid()
      body = [
        {
          MsgType: 'TIMVideoFileElem',
          MsgContent: {
            VideoUUID: v,
            VideoSize: int(500_000, 90_000_000),
            VideoSecond: int(0, 300),
            VideoFormat: 'mp4',
            ThumbUUID: th,
            ThumbSize: int(5_000, 200_000),
            ThumbWidth: 720,
            ThumbHeight: 1280,
            ThumbFormat: 'JPG',
            VideoUrl: `${cos}/video/${v}.mp4`,
            VideoDownloadFlag: 2,
            ThumbUrl: `${cos}/video/${th}.jpg`,
            ThumbDownloadFlag: 2
          }
        }
      ]
    } else if (r < 0.1) {
      body = [{ MsgType: 'TIMLocationElem', MsgContent: { Desc: '深圳市南山区科技中一路腾讯大厦', Latitude: 22.540503, Longitude: 113.934528 } }]
    } else if (r < 0.102) {
      const items = [0, 1, 2].map((i) => ({
        From_Account: pick(a.senders),
        GroupId: a.groupId,
        MsgSeq: Math.max(1, seq - 50 + i),
        MsgRandom: int(0, 4294967295),
        MsgTimeStamp: time - 3000 + i * 40,
        MsgBody: [text(pick(a.texts))]
      }))
      body = [
        {
          MsgType: 'TIMRelayElem',
          MsgContent: {
            Title: '群聊的聊天记录',
            MsgNum: 3,
            CompatibleText: '[聊天记录]',
            AbstractList: items.map((m) => `${m.From_Account}: ${m.MsgBody[0]!.MsgContent.Text.slice(0, 20)}`),
            MsgList: items
          }
        }
      ]
    } else if (r < 0.14) {
      body = [text(pick(a.texts)), face()]
    } else if (r < 0.15) {
      body = [{ MsgType: 'TIMCustomElem', MsgContent: { Data: pick(customs), Desc: 'card', Ext: '{"v":1}' } }, text(pick(a.texts))]
    } else if (r < 0.2) {
      // A longer message: several sentences, some on new lines.
      const n = int(3, 10)
      let t = ''
      for (let i = 0; i < n; i++) t += (i ? (rnd() < 0.3 ? '\n' : ' ') : '') + pick(a.texts)
      body = [text(t)]
    } else {
      body = [text(rnd() < 0.25 ? `${pick(a.texts)} ${pick(a.texts)}` : pick(a.texts))]
    }
    const raw: Record<string, unknown> = { GroupId: a.groupId, From_Account: kind === 'system' ? '@TIM#SYSTEM' : from }
    raw['IsPlaceMsg'] = kind === 'deleted' ? 1 : kind === 'recalled' ? 2 : 0
    if (kind === 'system') raw['IsSystemMsg'] = 1
    raw['MsgBody'] = body
    raw['MsgPriority'] = kind === 'system' ? 1 : 2
    raw['MsgRandom'] = int(0, 4294967295)
    raw['MsgSeq'] = seq
    raw['MsgTimeStamp'] = time
    if (kind === 'normal' && rnd() < 0.05) raw['CloudCustomData'] = `{"mentions":["${pick(a.senders)}"],"reply":{"seq":${Math.max(1, seq - int(1, 40))}}}`
    return { row: { gk: a.gk, seq, time, from: raw['From_Account'], raw }, time, kind }
  }

  const commit = (rows: unknown[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const tx = db.transaction(['messages'], 'readwrite')
      const store = tx.objectStore('messages')
      for (const row of rows) store.put(row)
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'))
    })

  try {
    const queued: Promise<void>[] = []
    for (let lo = a.from; lo <= a.to; lo += a.txRows) {
      const hi = Math.min(a.to, lo + a.txRows - 1)
      const rows: unknown[] = []
      for (let seq = lo; seq <= hi; seq++) {
        const m = build(seq)
        rows.push(m.row)
        stats.messages++
        if (m.kind === 'deleted') stats.deleted++
        else if (m.kind === 'recalled') stats.recalled++
        else if (m.kind === 'system') stats.system++
        if (stats.firstTime === 0 || m.time < stats.firstTime) stats.firstTime = m.time
        if (m.time > stats.lastTime) stats.lastTime = m.time
      }
      queued.push(commit(rows))
      if (queued.length >= 2) await queued.shift()
    }
    await Promise.all(queued)
  } finally {
    db.close()
  }
  return stats
}

/** Puts the group rows and coverage rows (one transaction), after the messages are in. */
async function putGroups(a: { groups: unknown[]; coverage: unknown[] }): Promise<void> {
  const w = globalThis as unknown as PageWindow
  const db = await new Promise<PageDatabase>((resolve, reject) => {
    const req = w.indexedDB.open('tim-archive')
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['groups', 'coverage'], 'readwrite')
      for (const g of a.groups) tx.objectStore('groups').put(g)
      for (const c of a.coverage) tx.objectStore('coverage').put(c)
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'))
    })
  } finally {
    db.close()
  }
}

/** The ids in the app's `workspaces` store, once the app has created its database and saved one. */
async function workspaceIds(): Promise<string[]> {
  const w = globalThis as unknown as PageWindow
  const dbs = await w.indexedDB.databases()
  if (!dbs.some((d) => d.name === 'tim-archive')) return []
  const db = await new Promise<PageDatabase>((resolve, reject) => {
    const req = w.indexedDB.open('tim-archive')
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  try {
    if (!db.objectStoreNames.contains('workspaces')) return []
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction(['workspaces'], 'readonly').objectStore('workspaces').getAll()
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    return rows.map((r) => (r as { id: string }).id)
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring (runs in the page)

/**
 * The store's part of an open, without the app: ms per read of a group's newest `n` rows through
 * the [gk+seq] key with a reverse cursor (what timeline-source's loadNewest asks Dexie for), for
 * each of `gks` in turn, `rounds` times.
 */
async function timeNewestReads(a: { gks: string[]; n: number; rounds: number }): Promise<number[][]> {
  const w = globalThis as unknown as PageWindow
  const db = await new Promise<PageDatabase>((resolve, reject) => {
    const req = w.indexedDB.open('tim-archive')
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  const out = a.gks.map((): number[] => [])
  try {
    for (let r = 0; r < a.rounds; r++) {
      for (let g = 0; g < a.gks.length; g++) {
        const gk = a.gks[g]!
        const t0 = w.performance.now()
        const got = await new Promise<number>((resolve, reject) => {
          // Dexie's minKey and maxKey: -Infinity and [[]].
          const range = w.IDBKeyRange.bound([gk, -Infinity], [gk, [[]]])
          const req = db.transaction(['messages'], 'readonly').objectStore('messages').openCursor(range, 'prev')
          const rows: unknown[] = []
          req.onsuccess = () => {
            const cursor = req.result
            if (cursor && rows.length < a.n) {
              rows.push(cursor.value)
              cursor.continue()
            } else resolve(rows.length)
          }
          req.onerror = () => reject(req.error)
        })
        if (got === 0) throw new Error(`no rows for ${gk}`)
        out[g]!.push(w.performance.now() - t0)
      }
    }
  } finally {
    db.close()
  }
  return out
}

/**
 * Arms `window.__benchOpen`: it resolves with the ms from the next click (its event timeStamp) to
 * the first animation frame in which row `seq` is in the feed, not hidden by virtua (unmeasured
 * rows are visibility: hidden), and its bottom inside the feed's box: the group is open at its
 * newest message.
 */
function armOpenProbe(a: { seq: number; timeoutMs: number }): void {
  const w = globalThis as unknown as PageWindow
  w.__benchOpen = new Promise<number>((resolve, reject) => {
    let clickAt: number | undefined
    w.addEventListener('click', (e) => (clickAt = e.timeStamp), { capture: true, once: true })
    const started = w.performance.now()
    const check = (): void => {
      const now = w.performance.now()
      if (clickAt !== undefined) {
        const feed = w.document.querySelector('[role="feed"]')
        const row = feed?.querySelector(`[data-row-seq="${a.seq}"]`)
        if (feed && row) {
          const f = feed.getBoundingClientRect()
          const r = row.getBoundingClientRect()
          if (r.height > 0 && r.bottom > f.top && r.bottom <= f.bottom + 2 && w.getComputedStyle(row).visibility === 'visible') {
            resolve(now - clickAt)
            return
          }
        }
      }
      if (now - started > a.timeoutMs) {
        reject(new Error(`row ${a.seq} did not become visible within ${a.timeoutMs} ms (clicked: ${clickAt !== undefined})`))
        return
      }
      w.requestAnimationFrame(check)
    }
    w.requestAnimationFrame(check)
  })
}

async function awaitOpenProbe(): Promise<number> {
  const w = globalThis as unknown as PageWindow
  if (!w.__benchOpen) throw new Error('open probe not armed')
  return w.__benchOpen
}

/** Timeline rows in the DOM (top-level ones, not messages nested in a forwarded history). */
function domRows(): { rows: number; nested: number } {
  const w = globalThis as unknown as PageWindow
  const feed = w.document.querySelector('[role="feed"]')
  if (!feed) return { rows: 0, nested: 0 }
  const all = Array.from(feed.querySelectorAll('[data-row-seq]'))
  const rows = all.filter((el) => !el.parentElement?.closest('[data-row-seq]')).length
  return { rows, nested: all.length - rows }
}

function usedHeap(): number {
  const w = globalThis as unknown as PageWindow
  return w.performance.memory?.usedJSHeapSize ?? Number.NaN
}

interface ScrollResult {
  /** Messages between the newest one and the oldest row reached. */
  messagesBack: number
  oldestSeq: number
  frames: number[]
  /** ms the feed was aria-busy per older page read. */
  olderPages: number[]
  ms: number
  reachedStart: boolean
}

/**
 * Scrolls the feed up `step` px per animation frame (scrollBy, as the wheel or PageUp would) until
 * the rows reach `messages` back from `newestSeq`, the oldest message, or `maxMs`. Records every
 * frame interval and every aria-busy period (one older page read and prepended).
 */
async function scrollBack(a: { newestSeq: number; messages: number; step: number; maxMs: number }): Promise<ScrollResult> {
  const w = globalThis as unknown as PageWindow
  const feed = w.document.querySelector('[role="feed"]')
  if (!feed) throw new Error('no feed')
  const frame = (): Promise<number> => new Promise((resolve) => w.requestAnimationFrame(resolve))
  const oldestMounted = (): number => {
    let min = Infinity
    const els = feed.querySelectorAll('[data-row-seq]')
    for (let i = 0; i < els.length; i++) {
      const v = Number(els[i]!.getAttribute('data-row-seq'))
      if (v < min) min = v
    }
    return min
  }
  const olderPages: number[] = []
  let busySince: number | null = feed.getAttribute('aria-busy') === 'true' ? w.performance.now() : null
  const observer = new w.MutationObserver(() => {
    const busy = feed.getAttribute('aria-busy') === 'true'
    if (busy && busySince === null) busySince = w.performance.now()
    else if (!busy && busySince !== null) {
      olderPages.push(w.performance.now() - busySince)
      busySince = null
    }
  })
  observer.observe(feed, { attributes: true, attributeFilter: ['aria-busy'] })
  const frames: number[] = []
  let last = await frame()
  const t0 = last
  let stuck = 0
  let reachedStart = false
  let oldest = oldestMounted()
  try {
    for (;;) {
      feed.scrollBy({ top: -a.step })
      const t = await frame()
      frames.push(t - last)
      last = t
      oldest = oldestMounted()
      if (a.newestSeq - oldest >= a.messages) break
      // At the top with nothing loading for half a second: the oldest message is on screen.
      if (feed.scrollTop <= 0 && busySince === null) {
        if (++stuck > 30) {
          reachedStart = true
          break
        }
      } else stuck = 0
      if (t - t0 > a.maxMs) break
    }
    // Let a read still in flight finish, so its time is counted.
    for (let i = 0; i < 100 && busySince !== null; i++) await frame()
  } finally {
    observer.disconnect()
  }
  return { messagesBack: a.newestSeq - oldest, oldestSeq: oldest, frames, olderPages, ms: last - t0, reachedStart }
}

// ---------------------------------------------------------------------------------------------
// Node side

const texts = [...plainTexts]

const senders = [
  'alice',
  'bob',
  'chen_wei',
  'li_lei',
  'zhang_san',
  'wang.wu',
  'liu_yang',
  'zhao_min',
  'sun_li',
  'zhou_jie',
  'wu_hao',
  'xu_fang',
  'fatima',
  'yossi',
  'maria',
  'kenji',
  'priya',
  'tom',
  'emma',
  'lucas',
  '144115197276518801',
  '144115198339527735',
  '144115212345678901',
  '144115220000000042',
  'administrator',
  'ops_bot'
]

interface GroupPlan {
  label: 'baseline' | 'big'
  groupId: string
  name: string
  messages: number
  gap: number
}

function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

function loadText(): string {
  const [one, five] = loadavg()
  return `load average ${one!.toFixed(1)} (1 min), ${five!.toFixed(1)} (5 min) on ${availableParallelism()} cores`
}

const round1 = (n: number): number => Math.round(n * 10) / 10
const mb = (bytes: number): number => round1(bytes / 1e6)
const fmt = (n: number): string => n.toLocaleString('en-US')

async function heapMB(page: Page, cdp: CDPSession): Promise<number> {
  // Twice: the first pass may only queue finalizers that free more on the second.
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  return mb(await page.evaluate(usedHeap))
}

function sidebarButton(page: Page, name: string) {
  return page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name })
}

/** Clicks a group in the sidebar; resolves with ms until its newest row is visible. */
async function openGroup(page: Page, plan: GroupPlan): Promise<number> {
  await page.evaluate(armOpenProbe, { seq: plan.messages, timeoutMs: 120_000 })
  await sidebarButton(page, plan.name).click()
  return page.evaluate(awaitOpenProbe)
}

interface GroupResult {
  opens: number[]
  /** p50 over the opens. */
  heapMB: number
  domRows: number
  scroll: ScrollResult
  heapAfterScrollMB: number
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000000' },
      baseline: { type: 'string', default: '1000' },
      opens: { type: 'string', default: '5' },
      'scroll-messages': { type: 'string', default: '3000' },
      'scroll-step': { type: 'string', default: '150' },
      screenshots: { type: 'string' }
    }
  })
  const bigN = Number(values.messages)
  const baseN = Number(values.baseline)
  const opens = Number(values.opens)
  const scrollMessages = Number(values['scroll-messages'])
  const scrollStep = Number(values['scroll-step'])
  for (const [flag, v] of Object.entries({ messages: bigN, baseline: baseN, opens, 'scroll-messages': scrollMessages, 'scroll-step': scrollStep })) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${flag} must be a positive integer`)
  }
  if (bigN === baseN) throw new Error('--messages and --baseline must differ (each group is recognised by its newest seq)')
  const executablePath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium'
  const runStart = performance.now()

  const plans: GroupPlan[] = [
    { label: 'baseline', groupId: '@TGS#8TLBENCHBASE', name: 'Timeline bench · baseline', messages: baseN, gap: 30 },
    { label: 'big', groupId: '@TGS#9TLBENCHBIG', name: 'Timeline bench · big', messages: bigN, gap: 30 }
  ]

  const configDir = await mkdtemp(join(tmpdir(), 'tim-bench-timeline-config-'))
  const profileDir = await mkdtemp(join(tmpdir(), 'tim-bench-timeline-profile-'))
  // The demo app minus its 30,000-message bench group: nothing is synced here.
  const sim = new Simulator({ apps: [demoApp({ benchMessages: 0 })] })
  let server: WebServer | undefined
  let context: BrowserContext | undefined
  try {
    const { url: simUrl } = await sim.start()
    const service = new AppService({
      secretStore: new FileSecretStore(configDir),
      configDir,
      shell: 'web',
      version: (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version,
      locale: 'en-US'
    })
    const connected = await service.workspace.connect({
      sdkAppId: demoCredentials.sdkAppId,
      identifier: demoCredentials.identifier,
      secretKey: demoCredentials.secretKey,
      region: 'custom',
      endpoint: simUrl
    })
    if (!connected.ok) throw new Error(`Could not connect to the simulator: ${connected.error.message}`)
    server = await startWebServer({ service, port: 0, rendererDir: join(__dirname, '../../out/renderer') })

    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--enable-precise-memory-info'
      ],
      viewport: { width: 1280, height: 800 },
      locale: 'en-US'
    })
    const page = context.pages()[0] ?? (await context.newPage())
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    // Console errors, once each (Chromium reports the CSP meta's frame-ancestors and a missing
    // favicon on every load): printed so a new one is noticed, not counted as failures.
    const consoleErrors = new Set<string>()
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.add(`${m.text()}${m.location().url ? ` (${m.location().url.replace(/\?.*/, '')})` : ''}`)
    })
    const cdp = await context.newCDPSession(page)
    const browserVersion = context.browser()?.version() ?? (await cdp.send('Browser.getVersion')).product

    console.log(`bench:timeline  ${browserVersion} (${executablePath}), ${server.url.replace(/\?token=.*/, '')}, workspace ${connected.value.id}`)
    console.log(
      `                big group ${fmt(bigN)} messages, baseline ${fmt(baseN)}; ${opens} opens each; scroll back ${fmt(scrollMessages)} messages at ${scrollStep} px/frame`
    )
    console.log(`                ${loadText()} (other processes' load makes every figure noisier)`)

    await page.goto(server.url)
    await page.getByRole('complementary', { name: 'Groups' }).waitFor({ timeout: 60_000 })
    let wsIds: string[] = []
    for (const started = Date.now(); !wsIds.length;) {
      wsIds = await page.evaluate(workspaceIds)
      if (!wsIds.length) {
        if (Date.now() - started > 30_000) throw new Error('the app did not save its workspace to IndexedDB')
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const workspaceId = wsIds.find((id) => id === connected.value.id) ?? wsIds[0]!
    if (workspaceId !== connected.value.id) throw new Error(`workspaces store holds ${wsIds.join(', ')}, not ${connected.value.id}`)

    // Seed: each group's messages in chunks of one page.evaluate, then group and coverage rows.
    const tEnd = Math.floor(Date.now() / 1000) - 600
    const chunk = 100_000
    const txRows = 10_000
    const progressEvery = 200_000
    const groupRows: unknown[] = []
    const coverageRows: unknown[] = []
    const seedStart = performance.now()
    for (const plan of plans) {
      const gk = `${workspaceId}|${plan.groupId}`
      const stats: SeedStats = { messages: 0, deleted: 0, recalled: 0, system: 0, firstTime: 0, lastTime: 0 }
      const t0 = performance.now()
      for (let lo = 1; lo <= plan.messages; lo += chunk) {
        const hi = Math.min(plan.messages, lo + chunk - 1)
        const s = await page.evaluate(seedMessages, {
          gk,
          groupId: plan.groupId,
          from: lo,
          to: hi,
          total: plan.messages,
          tEnd,
          gap: plan.gap,
          txRows,
          texts,
          senders
        })
        stats.messages += s.messages
        stats.deleted += s.deleted
        stats.recalled += s.recalled
        stats.system += s.system
        stats.firstTime = stats.firstTime === 0 ? s.firstTime : Math.min(stats.firstTime, s.firstTime)
        stats.lastTime = Math.max(stats.lastTime, s.lastTime)
        if (hi % progressEvery === 0 || (hi === plan.messages && plan.messages >= progressEvery)) {
          const secs = (performance.now() - t0) / 1000
          console.log(`seeding     ${plan.label}: ${fmt(hi)} / ${fmt(plan.messages)} in ${secs.toFixed(0)} s (${fmt(Math.round(hi / secs))} msgs/s)`)
        }
      }
      const now = Date.now()
      groupRows.push({
        gk,
        workspaceId,
        groupId: plan.groupId,
        profile: {
          groupId: plan.groupId,
          name: plan.name,
          type: 'Public',
          archivable: true,
          info: {
            ErrorCode: 0,
            ErrorInfo: '',
            GroupId: plan.groupId,
            Type: 'Public',
            Name: plan.name,
            Appid: demoCredentials.sdkAppId,
            Owner_Account: 'administrator',
            CreateTime: stats.firstTime - 3600,
            LastMsgTime: stats.lastTime,
            NextMsgSeq: plan.messages + 1,
            MemberNum: senders.length,
            MaxMemberNum: 2000
          },
          memberNum: senders.length,
          newestSeq: plan.messages
        },
        addedAt: now,
        lastSyncAt: now,
        lastError: null,
        stats: {
          messages: stats.messages,
          deleted: stats.deleted,
          recalled: stats.recalled,
          removedLater: 0,
          system: stats.system,
          firstTime: stats.firstTime,
          lastTime: stats.lastTime
        }
      })
      coverageRows.push({ gk, ranges: [[1, plan.messages]], floor: 1, top: plan.messages })
    }
    await page.evaluate(putGroups, { groups: groupRows, coverage: coverageRows })
    const seedSecs = (performance.now() - seedStart) / 1000
    const seeded = bigN + baseN
    const seedPerSec = Math.round(seeded / seedSecs)
    console.log(
      `seeded      ${fmt(seeded)} messages in ${seedSecs.toFixed(1)} s: ${fmt(seedPerSec)} msgs/s (raw IndexedDB, ${fmt(txRows)} rows per transaction)`
    )

    // A fresh page load: nothing of the seeding stays in memory.
    await page.reload()
    for (const plan of plans) await sidebarButton(page, plan.name).waitFor({ timeout: 60_000 })

    // Opens in rounds, baseline then big: each open switches from the other group (the timeline
    // remounts per group), and both groups are timed side by side under the same machine load.
    // After each open, once it has settled (the timeline checks its edges after 200 ms): the heap
    // after a full GC and the rows in the DOM. Taking the heap in every round, in alternating
    // order, keeps what the page accumulated before (an earlier scroll, JIT code) out of the ratio.
    const samples = new Map<GroupPlan['label'], { open: number[]; heap: number[]; rows: number; nested: number }>(
      plans.map((p) => [p.label, { open: [], heap: [], rows: 0, nested: 0 }])
    )
    for (let i = 0; i < opens; i++) {
      for (const plan of plans) {
        const sample = samples.get(plan.label)!
        sample.open.push(await openGroup(page, plan))
        await page.waitForTimeout(500)
        sample.heap.push(await heapMB(page, cdp))
        const rows = await page.evaluate(domRows)
        sample.rows = rows.rows
        sample.nested = rows.nested
      }
    }
    for (const plan of plans) {
      const { open, heap, rows, nested } = samples.get(plan.label)!
      console.log(
        `${plan.label.padEnd(12)}open p50 ${percentile(open, 50).toFixed(1)} ms (${open.map((t) => t.toFixed(0)).join(', ')} ms; the first after the reload)`
      )
      console.log(
        `            heap p50 ${percentile(heap, 50)} MB after opening (${heap.join(', ')}), ${rows} rows in the DOM${nested ? ` (+${nested} nested in forwarded histories)` : ''}`
      )
    }

    const reads = await page.evaluate(timeNewestReads, { gks: plans.map((p) => `${workspaceId}|${p.groupId}`), n: 101, rounds: 20 })
    console.log(
      `store       newest 101 rows by reverse cursor, without the app (p50 of 20): ` +
        plans.map((p, i) => `${p.label} ${percentile(reads[i]!, 50).toFixed(1)} ms`).join(', ')
    )

    const results = new Map<GroupPlan['label'], GroupResult>()
    let current = plans[plans.length - 1]!
    for (const plan of plans) {
      if (current !== plan) await openGroup(page, plan)
      current = plan
      await page.waitForTimeout(500)
      if (values.screenshots) await page.screenshot({ path: join(values.screenshots, `${plan.label}-open.png`) })
      await page.getByRole('feed', { name: 'Messages' }).focus()
      const scroll = await page.evaluate(scrollBack, { newestSeq: plan.messages, messages: scrollMessages, step: scrollStep, maxMs: 120_000 })
      await page.waitForTimeout(300)
      const heapAfterScroll = await heapMB(page, cdp)
      if (values.screenshots) await page.screenshot({ path: join(values.screenshots, `${plan.label}-scrolled.png`) })
      const sample = samples.get(plan.label)!
      results.set(plan.label, { opens: sample.open, heapMB: percentile(sample.heap, 50), domRows: sample.rows, scroll, heapAfterScrollMB: heapAfterScroll })

      const f = scroll.frames
      console.log(
        `${plan.label.padEnd(12)}scrolled back ${fmt(scroll.messagesBack)} messages${scroll.reachedStart ? ' (to the oldest)' : ''} in ${(scroll.ms / 1000).toFixed(1)} s, ${f.length} frames: ` +
          `p50 ${percentile(f, 50).toFixed(1)} ms, p95 ${percentile(f, 95).toFixed(1)} ms, max ${Math.max(...f).toFixed(0)} ms, ${f.filter((x) => x > 50).length} over 50 ms`
      )
      console.log(
        `            ${scroll.olderPages.length} older pages read: p50 ${percentile(scroll.olderPages, 50).toFixed(1)} ms, p95 ${percentile(scroll.olderPages, 95).toFixed(1)} ms; heap ${heapAfterScroll} MB after scrolling`
      )
    }

    const base = results.get('baseline')!
    const big = results.get('big')!
    const openMsP50 = percentile(big.opens, 50)
    const baselineOpenMsP50 = percentile(base.opens, 50)
    const openRatio = openMsP50 / baselineOpenMsP50
    const heapRatio = big.heapMB / base.heapMB
    console.log(`ratio       big/baseline: open ${openRatio.toFixed(2)}×, heap ${heapRatio.toFixed(2)}× (≈1: opening does not depend on history size)`)
    console.log(`            ${loadText()}; ${((performance.now() - runStart) / 1000).toFixed(0)} s in all`)
    console.log(
      `            ${pageErrors.length ? `${pageErrors.length} uncaught page errors: ${pageErrors.slice(0, 3).join(' | ')}` : 'no uncaught page errors'}`
    )
    for (const e of consoleErrors) console.log(`            console error: ${e}`)
    console.log(
      JSON.stringify({
        messages: bigN,
        openMsP50: round1(openMsP50),
        baselineOpenMsP50: round1(baselineOpenMsP50),
        openRatio: +openRatio.toFixed(2),
        heapMB: big.heapMB,
        baselineHeapMB: base.heapMB,
        heapRatio: +heapRatio.toFixed(2),
        domRows: big.domRows,
        scrollFrameP50Ms: round1(percentile(big.scroll.frames, 50)),
        scrollFrameP95Ms: round1(percentile(big.scroll.frames, 95)),
        olderPageMs: round1(percentile(big.scroll.olderPages, 50)),
        seedPerSec
      })
    )
  } finally {
    await context?.close().catch(() => undefined)
    await server?.close().catch(() => undefined)
    await sim.stop().catch(() => undefined)
    await rm(configDir, { recursive: true, force: true })
    await rm(profileDir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
