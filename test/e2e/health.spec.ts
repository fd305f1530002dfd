import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import type { SeqRange } from '../../src-main/shared/coverage'
import type { ArchiveHealth } from '../../src-main/shared/report/health'
import { demoApp, demoGroupIds, teamGroupId } from '../../tools/sim/seed'
import { startServe, startSimulator } from './fixtures/processes'
import { connectAndAdd } from './fixtures/app-page'

/**
 * The health report, scheduled sync and the retention warning as a user meets them: browser mode
 * in Debian's Chromium against the simulator, the archive in the real IndexedDB. Expected figures
 * come from the simulator's seed (the history it serves), not from the app.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
const day = 86_400_000

test.describe.configure({ mode: 'serial' })

const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / day) * 86_400 })
const team = app.groups.get(teamGroupId)!
/** Runs of the team chat's seqs in a seeded state. */
function seeded(state: string): SeqRange[] {
  const out: SeqRange[] = []
  for (const seq of [...team.messages.keys()].sort((a, b) => a - b)) {
    if (team.messages.get(seq)!.state !== state) continue
    const last = out.at(-1)
    if (last && last[1] === seq - 1) last[1] = seq
    else out.push([seq, seq])
  }
  return out
}
const count = (rs: SeqRange[]) => rs.reduce((n, [lo, hi]) => n + hi - lo + 1, 0)
/** As the report shows runs: "57–58, 233 … and 3 more runs" (at most 12). */
const runsText = (rs: SeqRange[]) =>
  rs
    .slice(0, 12)
    .map(([lo, hi]) => (lo === hi ? lo.toLocaleString('en-US') : `${lo.toLocaleString('en-US')}–${hi.toLocaleString('en-US')}`))
    .join(', ') + (rs.length > 12 ? ` … and ${rs.length - 12} more runs` : '')
const deleted = seeded('deleted')
const recalled = seeded('recalled')

let sim: Awaited<ReturnType<typeof startSimulator>>
let serve: Awaited<ReturnType<typeof startServe>>
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

test.beforeAll(async ({ browser }) => {
  sim = await startSimulator({ latencyMs: 2, benchMessages: 10 })
  serve = await startServe()
  context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`)
  })
})

test.afterAll(async () => {
  await context?.close()
  await serve?.kill()
  await sim?.kill()
})

test.afterEach(() => {
  expect(pageErrors, 'no uncaught page errors').toEqual([])
})

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })
const sidebar = () => page.getByRole('complementary', { name: /^(Groups|群组)$/ })
const teamItem = () => sidebar().getByRole('button', { name: /产品研发 Team/ })
const report = () => page.getByRole('dialog', { name: /^(Health report|健康报告)/ })
const row = (kind: string) => report().locator(`section[data-group="${teamGroupId}"] tr[data-kind="${kind}"]`)

// The page scripts are strings, as this file is typechecked without the DOM library.

/** Sets a group row's lastSyncAt in the app's IndexedDB (as if the last sync were that long ago). */
async function setLastSync(groupId: string, ms: number) {
  await page.evaluate(`new Promise((res, rej) => {
    const open = indexedDB.open('tim-archive')
    open.onerror = () => rej(open.error)
    open.onsuccess = () => {
      const db = open.result
      const tx = db.transaction('groups', 'readwrite')
      const cursor = tx.objectStore('groups').openCursor()
      cursor.onsuccess = () => {
        const c = cursor.result
        if (!c) return
        if (c.value.groupId === ${JSON.stringify(groupId)}) c.update({ ...c.value, lastSyncAt: ${ms} })
        c.continue()
      }
      tx.oncomplete = () => { db.close(); res() }
      tx.onerror = () => rej(tx.error)
    }
  })`)
}

/** The oldest lastSyncAt among the groups, from the app's IndexedDB. */
async function oldestLastSync(): Promise<number> {
  return (await page.evaluate(`new Promise((res, rej) => {
    const open = indexedDB.open('tim-archive')
    open.onerror = () => rej(open.error)
    open.onsuccess = () => {
      const db = open.result
      const all = db.transaction('groups').objectStore('groups').getAll()
      all.onsuccess = () => { db.close(); res(Math.min(...all.result.map((g) => g.lastSyncAt))) }
      all.onerror = () => rej(all.error)
    }
  })`)) as number
}

test('I connect with the demo, add the team chat and another group, and sync', async () => {
  expect(deleted.length).toBeGreaterThan(0)
  expect(recalled.length).toBeGreaterThan(0)
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId, demoGroupIds.custom])
  await teamItem().click()
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await expect(teamItem()).toContainText(`${team.messages.size} messages`)
})

test('the health report of the team chat shows the seeded holes, deleted and recalled messages', async () => {
  await page
    .getByRole('region', { name: /产品研发 Team/ })
    .getByRole('button', { name: 'Health report' })
    .click()
  await expect(report()).toBeVisible()
  await expect(report()).toContainText('Health report: 产品研发 Team')
  await expect(report().locator('[data-fact="coverage"]')).toHaveText('complete: seq 1–600')
  await expect(row('holes').locator('td').first()).toHaveText('5')
  await expect(row('holes').locator('td.seqs')).toHaveText('57–58, 233, 411, 530')
  await expect(row('deleted').locator('td').first()).toHaveText(String(count(deleted)))
  await expect(row('deleted').locator('td.seqs')).toHaveText(runsText(deleted))
  await expect(row('recalled').locator('td').first()).toHaveText(String(count(recalled)))
  await expect(row('recalled').locator('td.seqs')).toHaveText(runsText(recalled))
  await expect(row('expired').locator('td').first()).toHaveText('0')
  await expect(row('removed-later').locator('td').first()).toHaveText('0')
  await expect(row('edited').locator('td').first()).toHaveText('0')
  // The demo's forwarded chat kept on Tencent's server (issue 18 §6): no server API reads it.
  await expect(row('relay-on-server').locator('th')).toHaveText('Forwarded chats not expandable (kept on Tencent’s server; no server API reads them)')
  await expect(row('relay-on-server').locator('td').first()).toHaveText('1')
  await expect(row('relay-on-server').locator('td.seqs')).toHaveText('457')
  await expect(row('missing').locator('td').first()).toHaveText('0')
  await shot('health-01-team-report')
})

test('I export the report as JSON and it holds the same figures', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), report().getByRole('button', { name: 'Export JSON' }).click()])
  expect(download.suggestedFilename()).toMatch(/^health-TGS-1DEMOTEAM-\d{4}-\d{2}-\d{2}\.json$/)
  const h = JSON.parse(readFileSync((await download.path())!, 'utf8')) as ArchiveHealth
  expect(h.format).toBe('tim-archive-health')
  expect(h.groups).toHaveLength(1)
  const g = h.groups[0]!
  expect(g.groupId).toBe(teamGroupId)
  expect(g.messages).toBe(team.messages.size)
  expect(g.coverage).toMatchObject({ known: true, complete: true, floor: 1, top: 600 })
  expect(g.coverage.holes.ranges).toEqual([
    [57, 58],
    [233, 233],
    [411, 411],
    [530, 530]
  ])
  expect(g.deleted.ranges).toEqual(deleted)
  expect(g.recalled.ranges).toEqual(recalled)
  expect(g.expired.count).toBe(0)
  expect(Date.parse(g.lastSyncAt!)).toBeGreaterThan(Date.now() - 10 * 60_000)
  expect(g.errors).toEqual([])

  const [html] = await Promise.all([page.waitForEvent('download'), report().getByRole('button', { name: 'Export HTML' }).click()])
  expect(html.suggestedFilename()).toMatch(/\.html$/)
  const text = readFileSync((await html.path())!, 'utf8')
  expect(text).toContain('57–58, 233, 411, 530')
  await page.keyboard.press('Escape')
  await expect(report()).toHaveCount(0)
})

test('the whole-archive report covers both groups', async () => {
  await page.getByRole('banner').getByRole('button', { name: 'Health report' }).click()
  await expect(report()).toContainText('Health report: whole archive')
  await expect(report().locator('[data-total="holes"]')).toHaveText('5')
  await expect(report().locator('section[data-group]')).toHaveCount(2)
  await expect(report().locator(`section[data-group="${demoGroupIds.custom}"] [data-fact="coverage"]`)).toContainText('complete')
  await shot('health-02-archive-report')
  // Scrolled to the end, Export and Close are still at hand.
  const last = report().locator(`section[data-group="${demoGroupIds.custom}"] tr[data-kind="removed-later"]`)
  await last.scrollIntoViewIfNeeded()
  await expect(last).toBeInViewport()
  await expect(report().getByRole('button', { name: 'Close' })).toBeInViewport()
  await shot('health-02b-archive-report-scrolled')
  // Dark, and a narrow window: still readable (looked at in the screenshot).
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.setViewportSize({ width: 820, height: 700 })
  await expect(report().getByRole('button', { name: 'Close' })).toBeInViewport()
  await shot('health-02c-archive-report-dark-narrow')
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1280, height: 800 })
  await report().getByRole('button', { name: 'Close' }).click()
  await expect(report()).toHaveCount(0)
})

test('a group not synced for 6 days on a 7-day plan warns, with a Sync button that clears it', async () => {
  await setLastSync(teamGroupId, Date.now() - 6 * day)
  await page.reload()
  await teamItem().click()
  const banner = page.getByRole('status').filter({ hasText: 'deleted by Tencent Cloud' })
  await expect(banner).toHaveText(/Messages older than 7 days are deleted by Tencent Cloud; last synced 6 days ago\. Sync now\./)
  await expect(teamItem()).toContainText('Sync within 1 day')
  await shot('health-03-retention-warning')
  await banner.getByRole('button', { name: 'Sync' }).click()
  await expect(banner).toHaveCount(0, { timeout: 60_000 })
  await expect(teamItem()).not.toContainText('Sync within')
})

test('scheduled sync: every hour starts a due sync by itself, then says when the next one is', async () => {
  // The team chat is 8 days stale: a schedule turned on now is due at once.
  await setLastSync(teamGroupId, Date.now() - 8 * day)
  await page.reload()
  await expect(teamItem()).toContainText('Messages may have expired')
  await page.getByRole('button', { name: 'Settings…' }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await expect(settings.getByTestId('schedule-next')).toHaveText('Scheduled sync is off')
  await settings.getByLabel('Sync all groups every').selectOption({ label: '1 hour' })
  await expect(settings.getByTestId('schedule-last')).toHaveText(/^Last scheduled sync (just now|.* ago): finished$/, { timeout: 60_000 })
  const next = (await oldestLastSync()) + 3_600_000
  expect(next).toBeGreaterThan(Date.now())
  // The time alone when the next sync is today (the page's time zone), with the date when it is tomorrow.
  const time = await page.evaluate((ms) => {
    const today = new Date(ms).toDateString() === new Date().toDateString()
    return new Intl.DateTimeFormat('en', today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
  }, next)
  await expect(settings.getByTestId('schedule-next')).toHaveText(`Next sync at ${time}`)
  await shot('health-04-settings-schedule')
  await settings.getByRole('button', { name: 'Close' }).click()
  await expect(teamItem()).not.toContainText('expired')
  await expect(sidebar().getByTestId('schedule-next')).toHaveText(`Next sync at ${time}`)

  // A reload keeps the schedule (and does not sync again before it is due).
  await page.reload()
  await expect(sidebar().getByTestId('schedule-next')).toHaveText(`Next sync at ${time}`)
  await page.getByRole('button', { name: 'Settings…' }).click()
  await expect(page.getByLabel('Sync all groups every')).toHaveValue('1')
  await page.keyboard.press('Escape')
})

test('in Simplified Chinese: the report, the settings and the warning', async () => {
  await page.locator('#language').selectOption('zh-CN')
  await setLastSync(teamGroupId, Date.now() - 6 * day)
  await page.getByRole('button', { name: '设置…' }).click()
  await page.getByLabel('自动同步所有群组：每').selectOption('0')
  await expect(page.getByTestId('schedule-next').first()).toHaveText('定时同步已关闭')
  await shot('health-05-settings-zh')
  await page.keyboard.press('Escape')
  await page.reload()
  await teamItem().click()
  await expect(page.getByRole('status').filter({ hasText: '腾讯云会删除超过 7 天的消息' })).toBeVisible()
  await page
    .getByRole('region', { name: /产品研发 Team/ })
    .getByRole('button', { name: '健康报告' })
    .click()
  await expect(report()).toContainText('健康报告：产品研发 Team')
  await expect(row('holes').locator('td').first()).toHaveText('5')
  await shot('health-06-team-report-zh')
  await page.keyboard.press('Escape')
})
