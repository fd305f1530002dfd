import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { useAppSession, type AppSession } from './fixtures/session'
import { fillConnect as fillAppConnect } from './fixtures/app-page'

/**
 * The app as a user meets it: browser mode (`tim-archive serve`) in Debian's Chromium, against
 * the simulator, with the archive in the browser's real IndexedDB. One page across the steps, as
 * one person would use it; each step leaves a screenshot in test-results/screenshots.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
const demo = { sdkAppId: '1400000001', identifier: 'administrator', secretKey: '194f6e6b1b5dfbc6fbce7b024eee0b2f399140c0f9a632ec197c67ed398c5e24' }
const benchMessages = 12000

test.describe.configure({ mode: 'serial' })

const session = useAppSession({
  sim: { latencyMs: 5, benchMessages },
  // Counts the header's media-at-risk reads (lib/media/at-risk.ts: up to 5,000 messages through
  // [gk+time], one getAll) so a test can tell how often the shown group's messages are read.
  setup: async (context) => {
    await context.addInitScript(() => {
      const w = globalThis as unknown as { __atRiskReads: number; IDBIndex: { prototype: { getAll: (...a: unknown[]) => unknown; name: string } } }
      w.__atRiskReads = 0
      const getAll = w.IDBIndex.prototype.getAll
      w.IDBIndex.prototype.getAll = function (this: { name: string }, ...args: unknown[]) {
        // getAll(query, count), or getAll({ query, count, direction }) where the browser has it (Dexie uses either).
        const count = typeof args[0] === 'object' && args[0] !== null && 'count' in args[0] ? (args[0] as { count: unknown }).count : args[1]
        if (this.name === '[gk+time]' && count === 5000) w.__atRiskReads++
        return getAll.apply(this, args)
      }
    })
  }
})
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })
const sidebar = () => page.getByRole('complementary', { name: 'Groups' })
const sidebarGroup = (name: string | RegExp) => page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name })

const fillConnect = (key: string) => fillAppConnect(page, sim.url, key)

test('I connect: a wrong key is explained, the right one connects', async () => {
  await page.goto(serve.url)
  await expect(page.getByRole('heading', { name: 'Connect to your Tencent Cloud IM app' })).toBeVisible()
  // The token has left the address bar.
  expect(page.url()).not.toContain('token=')
  await shot('01-connect')

  await fillConnect('f'.repeat(64))
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByText(/70009/)).toBeVisible()
  await expect(page.getByText(/secret key is wrong/)).toBeVisible()
  await shot('02-connect-wrong-key')

  await page.getByLabel('Secret key', { exact: true }).fill(demo.secretKey)
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByText(/The connection works: the app has 7 groups/)).toBeVisible()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByText(`SDKAppID ${demo.sdkAppId}`)).toBeVisible()
  await expect(page.getByText('No groups yet')).toBeVisible()
  await shot('03-connected-no-groups')
})

test('I add a group by ID and discover the rest; a live-stream group cannot be added', async () => {
  await sidebar().getByRole('button', { name: 'Add group' }).click()
  await page.getByLabel('Group IDs').fill('@TGS#1DEMOTEAM @TGS#3LIVESTREAM')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByText(/@TGS#3LIVESTREAM was not added: .*AVChatRoom/)).toBeVisible()
  await expect(sidebarGroup(/产品研发 Team/)).toBeVisible()

  await sidebar().getByRole('button', { name: 'Discover groups' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByText('@TGS#6BENCH')).toBeVisible({ timeout: 20_000 })
  await expect(dialog.getByRole('checkbox', { name: /@TGS#3LIVESTREAM|Live/ })).toBeDisabled()
  await shot('04-discover')
  await dialog.getByRole('button', { name: 'Select all that can be archived' }).click()
  await dialog.getByRole('button', { name: /Add selected/ }).click()
  await expect(sidebarGroup(/Bench/)).toBeVisible()
  await expect(sidebarGroup(/@TGS#2BIGSEQWORK|Big/)).toBeVisible()
})

test('I sync all groups with a progress bar, then read the team chat', async () => {
  await sidebarGroup(/产品研发 Team/).click()
  await expect(page.getByText('Sync this group to read its history.')).toBeVisible()
  const atRiskReads = () => page.evaluate(() => (globalThis as unknown as { __atRiskReads: number }).__atRiskReads)
  const readsBefore = await atRiskReads()
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByRole('region', { name: 'Sync progress' }).getByRole('progressbar')).toBeVisible()
  await expect(page.getByText(/req\/s/)).toBeVisible()
  await shot('05-syncing')
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  // The shown group's media at risk is read again after the run, not after each of the sync's
  // writes (every write renews the sidebar's rows; this read then held each search for 0.1 s).
  await page.waitForTimeout(500)
  expect(await atRiskReads()).toBeGreaterThan(readsBefore)
  expect(await atRiskReads()).toBeLessThanOrEqual(readsBefore + 2)
  await expect(sidebarGroup(/产品研发 Team/)).toContainText('595 messages')
  // The seq range and completeness are the group header's; the sidebar says which days it spans.
  await expect(page.getByRole('region', { name: /产品研发 Team/ })).toContainText('seq 1–600, complete')
  await expect(sidebarGroup(/产品研发 Team/)).not.toContainText('seq')
  await expect(sidebarGroup(/产品研发 Team/)).toContainText(/595 messages · [A-Z][a-z]{2} \d{1,2}(, \d{4})?\s–\s/)
  await expect(sidebarGroup(/Bench/)).toContainText(`${benchMessages.toLocaleString('en-US')} messages`)
  const feed = page.getByRole('feed', { name: 'Messages' })
  await expect(feed.locator('[data-row-seq]').first()).toBeVisible()
  // Opens at the newest message.
  await expect(feed.locator('[data-row-seq="600"]')).toBeVisible()
  await shot('06-team-timeline')
})

test('message content is shown as text, never run', async () => {
  const feed = page.getByRole('feed', { name: 'Messages' })
  // The demo chat holds <script>, onerror= and javascript: texts; none became markup.
  // (The only pictures are senders' avatars: the archive's kept copies, issue 18 §1.)
  await expect(feed.locator('script, img:not([data-avatar]), iframe, a[href^="javascript:"]')).toHaveCount(0)
  for (const src of await feed.locator('img[data-avatar]').evaluateAll((els) => els.map((e) => e.getAttribute('src'))))
    expect(src).toMatch(/\/media\/[0-9a-f]{64}/)
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined()
})

test('I open the details of a message and see its raw JSON', async () => {
  const feed = page.getByRole('feed', { name: 'Messages' })
  const row = feed.locator('[data-row-seq="600"]')
  await row.getByRole('button', { name: 'Show the archived record (Enter)' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toContainText('"MsgSeq": 600')
  await expect(dialog).toContainText('"GroupId": "@TGS#1DEMOTEAM"')
  await shot('07-details')
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
})

test('I scroll a large group: older messages load and the list stays small', async () => {
  await sidebarGroup(/Bench/).click()
  const feed = page.getByRole('feed', { name: 'Messages' })
  await expect(feed.locator(`[data-row-seq="${benchMessages}"]`)).toBeVisible()
  await feed.focus()
  for (let i = 0; i < 40; i++) await page.keyboard.press('PageUp')
  await expect
    .poll(async () => Math.min(...(await feed.locator('[data-row-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row-seq')))))))
    .toBeLessThan(benchMessages - 150)
  // Virtualized: only a screenful of rows is in the DOM, not thousands.
  expect(await feed.locator('[data-row-seq]').count()).toBeLessThan(120)
  await shot('08-bench-scrolled')
  await page.keyboard.press('End')
  await expect(feed.locator(`[data-row-seq="${benchMessages}"]`)).toBeVisible()
})

test('I reload and everything is still there, offline from the archive', async () => {
  await page.reload()
  await expect(sidebarGroup(/产品研发 Team/)).toContainText('595 messages')
  await expect(sidebarGroup(/Bench/)).toContainText(`${benchMessages.toLocaleString('en-US')} messages · `)
  await expect(sidebarGroup(/Bench/)).not.toContainText(/gap|not found yet/)
  await sidebarGroup(/产品研发 Team/).click()
  await expect(page.getByRole('feed', { name: 'Messages' }).locator('[data-row-seq="600"]')).toBeVisible()
})

test('the UI switches to Simplified Chinese', async () => {
  await page.getByLabel('Language').selectOption('zh-CN')
  await expect(page.getByRole('button', { name: '全部同步' })).toBeVisible()
  await shot('09-zh')
  await page.getByLabel('语言').selectOption('en')
  await expect(page.getByRole('button', { name: 'Sync all' })).toBeVisible()
})
