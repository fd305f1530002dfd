import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test'
import { demoGroupIds, teamGroupId } from '../../tools/sim/seed'
import { useAppSession, type AppSession } from './fixtures/session'
import { connectAndAdd } from './fixtures/app-page'

/**
 * Small and laptop windows, message links and the Chinese group header (issue 15 items 11, 13, 16),
 * as a user meets them: browser mode in Debian's Chromium against the simulator, the team chat
 * synced. Screenshots at 800×600, 1366×660 and 1920×1080, in English and Chinese, light and dark,
 * go to test-results/screenshots/layout-*.png (printed below).
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
console.log(`layout screenshots: ${shots}/layout-*.png`)

test.describe.configure({ mode: 'serial' })

/** Every request the browser tried to send off the machine; the route answers it locally. */
const offLoopback: string[] = []
const loopback = (url: string) => {
  const host = new URL(url).hostname
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]'
}

const session = useAppSession({
  sim: { latencyMs: 2, benchMessages: 10 },
  setup: async (ctx) => {
    // Nothing leaves loopback: a page a message link opens is answered here, never fetched.
    await ctx.route(
      (url) => !loopback(url.href) && /^https?:$/.test(url.protocol),
      async (route) => {
        offLoopback.push(route.request().url())
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Landing</title><p>landing page</p>' })
      }
    )
  }
})
let sim: AppSession['sim']
let serve: AppSession['serve']
let context: BrowserContext
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, context, page } = session)
})

const shot = (name: string) => page.screenshot({ path: join(shots, `layout-${name}.png`) })
const sidebar = () => page.getByRole('complementary', { name: /^(Groups|群组)$/ })
const toggle = () => page.getByRole('button', { name: /^(Group list|群组列表)$/ })
const feed = () => page.getByRole('feed', { name: /^(Messages|消息)$/ })
const groupHeader = () => page.getByRole('region', { name: /产品研发 Team/ })
const mod = process.platform === 'darwin' ? 'Meta' : 'Control'

type Box = { x: number; y: number; width: number; height: number }
/** Overlapping by more than a shared 1 px border (the Timeline | Charts switch joins its buttons so). */
const overlaps = (a: Box, b: Box, slack = 1.5) =>
  a.x < b.x + b.width - slack && b.x < a.x + a.width - slack && a.y < b.y + b.height - slack && b.y < a.y + a.height - slack

/** The boxes of the visible controls (buttons, selects, the language picker) inside `scope`. */
async function controlBoxes(scope: Locator): Promise<{ name: string; box: Box }[]> {
  const out: { name: string; box: Box }[] = []
  for (const c of await scope.locator('button, select, summary, [role="link"]').all()) {
    if (!(await c.isVisible())) continue
    const box = await c.boundingBox()
    if (box && box.width > 0 && box.height > 0) out.push({ name: ((await c.textContent()) ?? '').trim() || ((await c.getAttribute('aria-label')) ?? '?'), box })
  }
  return out
}

/** No two controls of the app header and the group header overlap, nor the connection text any of them. */
async function expectNoOverlap(label: string) {
  const controls = [...(await controlBoxes(page.getByRole('banner'))), ...(await controlBoxes(groupHeader()))]
  expect(controls.length, label).toBeGreaterThan(5)
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      expect(overlaps(controls[i]!.box, controls[j]!.box), `${label}: "${controls[i]!.name}" overlaps "${controls[j]!.name}"`).toBe(false)
    }
  }
  const connection = await page.getByTestId('connection-text').boundingBox()
  expect(connection, label).not.toBeNull()
  for (const c of controls) expect(overlaps(connection!, c.box), `${label}: the connection text overlaps "${c.name}"`).toBe(false)
  // The viewport holds the page: nothing runs off the right edge.
  const width = page.viewportSize()!.width
  for (const c of controls) expect(c.box.x + c.box.width, `${label}: "${c.name}" runs off the window`).toBeLessThanOrEqual(width + 0.5)
}

/** Browser mode's storage notice shows again after a reload: dismiss it (English or Chinese). */
async function dismissStorageNotice(): Promise<void> {
  const notice = page.getByTestId('persistence-notice')
  if (await notice.isVisible()) await notice.getByRole('button', { name: /^(Dismiss|关闭)$/ }).click()
  await expect(notice).toBeHidden()
}

async function feedHeight(): Promise<number> {
  await expect(feed()).toBeVisible()
  return (await feed().boundingBox())!.height
}

test('I connect, add the team chat and sync it', async () => {
  await page.setViewportSize({ width: 1366, height: 660 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId, demoGroupIds.custom])
  await sidebar()
    .getByRole('button', { name: /产品研发 Team/ })
    .click()
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await expect(feed().locator('article').first()).toBeVisible()
  // The steady state a user returns to: the sync's result and browser mode's storage notice are
  // one-time notices, dismissed (each has its own Dismiss).
  await page.getByRole('region', { name: 'Sync progress' }).getByRole('button', { name: 'Dismiss' }).click()
  await dismissStorageNotice()
})

test('at 1366×660 the messages get at least 70% of the window', async () => {
  await page.setViewportSize({ width: 1366, height: 660 })
  await shot('1366x660-en-light')
  expect(await feedHeight()).toBeGreaterThanOrEqual(0.7 * 660)
  await expectNoOverlap('1366×660')
  await expect(toggle()).toHaveAttribute('aria-expanded', 'true')
})

test('at 800×600 the group list collapses by itself and nothing in the headers overlaps, search open or not', async () => {
  await page.setViewportSize({ width: 800, height: 600 })
  await shot('800x600-en-light')
  await expectNoOverlap('800×600')
  expect(await feedHeight()).toBeGreaterThanOrEqual(0.5 * 600)
  await expect(toggle()).toHaveAttribute('aria-expanded', 'false')
  await expect(sidebar()).toBeHidden()

  await page.keyboard.press(`${mod}+f`)
  await expect(page.getByRole('complementary', { name: 'Search' })).toBeVisible()
  await shot('800x600-en-light-search')
  await expectNoOverlap('800×600 with search')
  // The narrow header keeps its secondary actions under "More"; Escape closes it.
  await expect(groupHeader().getByRole('button', { name: 'Export…' })).toBeHidden()
  await groupHeader().getByText('More', { exact: true }).click()
  await expect(groupHeader().getByRole('button', { name: 'Export…' })).toBeVisible()
  await expect(groupHeader().getByRole('button', { name: 'Health report' })).toBeVisible()
  await shot('800x600-en-light-search-more')
  await page.keyboard.press('Escape')
  await expect(groupHeader().getByRole('button', { name: 'Export…' })).toBeHidden()
  await expect(page.getByRole('complementary', { name: 'Search' })).toBeVisible()
  // The group's name keeps a usable width beside the search panel.
  expect((await groupHeader().getByRole('heading', { level: 2 }).boundingBox())!.width).toBeGreaterThan(150)
  expect(await feedHeight()).toBeGreaterThanOrEqual(0.4 * 600)
  await page.getByRole('banner').getByRole('button', { name: 'Search', exact: true }).click()
  await expect(page.getByRole('complementary', { name: 'Search' })).toBeHidden()
})

test('the group list collapses and expands by its button and by Ctrl+B, and the choice is remembered', async () => {
  await toggle().click()
  await expect(toggle()).toHaveAttribute('aria-expanded', 'true')
  await expect(sidebar()).toBeVisible()
  await shot('800x600-en-light-sidebar')
  await expectNoOverlap('800×600 with the group list')

  await page.keyboard.press(`${mod}+b`)
  await expect(toggle()).toHaveAttribute('aria-expanded', 'false')
  await expect(sidebar()).toBeHidden()
  await page.keyboard.press(`${mod}+b`)
  await expect(toggle()).toHaveAttribute('aria-expanded', 'true')
  await expect(sidebar()).toBeVisible()

  // Chosen in a small window, kept after a reload.
  await page.reload()
  await expect(toggle()).toHaveAttribute('aria-expanded', 'true')
  await expect(sidebar()).toBeVisible()
  await toggle().press('Enter')
  await expect(toggle()).toHaveAttribute('aria-expanded', 'false')
  await expect(sidebar()).toBeHidden()

  // A large window keeps its own (default: shown).
  await page.setViewportSize({ width: 1920, height: 1080 })
  await expect(toggle()).toHaveAttribute('aria-expanded', 'true')
  await expect(sidebar()).toBeVisible()
  await sidebar()
    .getByRole('button', { name: /产品研发 Team/ })
    .click()
  await shot('1920x1080-en-light')
  await expectNoOverlap('1920×1080')
})

test('a link in a message opens in a new tab, only after I confirm its address', async () => {
  await page.setViewportSize({ width: 1366, height: 660 })
  await page.keyboard.press(`${mod}+f`)
  const query = page.getByRole('searchbox', { name: 'Search messages' })
  await query.fill('grafana')
  await query.press('Enter')
  await page.getByRole('complementary', { name: 'Search' }).getByRole('list', { name: 'Search results' }).getByRole('button').first().click()
  const href = 'https://grafana.example.com/d/abc123/api-latency?orgId=1&from=now-6h&to=now&var-region=ap-shanghai#panel-4'
  const link = feed().getByRole('link', { name: href })
  await expect(link).toBeVisible()

  // Cancel (Escape) opens nothing.
  await link.focus()
  await link.press('Enter')
  const confirm = page.getByRole('dialog', { name: 'Open this link?' })
  await expect(confirm).toBeVisible()
  await expect(confirm.getByTestId('link-address')).toHaveText(href)
  await expect(confirm.getByTestId('link-host')).toHaveText('grafana.example.com')
  await shot('1366x660-en-light-link')
  await page.keyboard.press('Escape')
  await expect(confirm).toBeHidden()
  await expect(link).toBeFocused()
  expect(context.pages()).toHaveLength(1)

  await link.click()
  await expect(confirm).toBeVisible()
  const popupPromise = context.waitForEvent('page')
  await confirm.getByRole('button', { name: 'Open in browser' }).click()
  const popup = await popupPromise
  await popup.waitForLoadState()
  await expect(confirm).toBeHidden()
  expect(popup.url()).toBe(href)
  // The new page cannot reach the archive's page, and was not told where it came from.
  expect(await popup.evaluate(() => (globalThis as unknown as { opener: unknown }).opener)).toBeNull()
  expect(await popup.evaluate(() => (globalThis as unknown as { document: { referrer: string } }).document.referrer)).toBe('')
  expect(offLoopback).toEqual([href.replace(/#.*$/, '')])
  await popup.close()
})

test('an international address is shown as punycode, and an ftp: link is never opened', async () => {
  const query = page.getByRole('searchbox', { name: 'Search messages' })
  await query.fill('Mirror')
  await query.press('Enter')
  await page.getByRole('complementary', { name: 'Search' }).getByRole('list', { name: 'Search results' }).getByRole('button').first().click()
  const message = feed().locator('article', { hasText: 'Mirror:' })
  await expect(message).toBeVisible()
  await message.getByRole('link', { name: 'http://例え.テスト/パス?q=値' }).click()
  const confirm = page.getByRole('dialog', { name: 'Open this link?' })
  await expect(confirm.getByTestId('link-address')).toHaveText('http://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9?q=%E5%80%A4')
  await expect(confirm.getByTestId('link-host')).toHaveText('xn--r8jz45g.xn--zckzah')
  await expect(confirm.getByTestId('link-written')).toHaveText('http://例え.テスト/パス?q=値')
  await shot('1366x660-en-light-link-idn')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()
  // ftp: stays text.
  await expect(message.getByText('ftp://files.example.com/pub/')).toBeVisible()
  await expect(message.getByRole('link', { name: /^ftp:/ })).toHaveCount(0)
  await page.getByRole('banner').getByRole('button', { name: 'Search', exact: true }).click()
})

test('in Chinese the group header names the group type in Chinese; light and dark at every size', async () => {
  await page.getByLabel('Language').selectOption('zh-CN')
  await groupHeader().getByText('详情').click()
  await expect(groupHeader().getByText('类型：陌生人社交群')).toBeVisible()
  await expect(groupHeader()).not.toContainText('Public')
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const [w, h] of [
      [800, 600],
      [1366, 660],
      [1920, 1080]
    ] as const) {
      await page.setViewportSize({ width: w, height: h })
      await expect(groupHeader()).toBeVisible()
      await shot(`${w}x${h}-zh-${scheme}`)
      await expectNoOverlap(`${w}×${h} zh ${scheme}`)
    }
  }
  await groupHeader().getByText('详情').click()
  await page.setViewportSize({ width: 1366, height: 660 })
  await dismissStorageNotice()
  expect(await feedHeight()).toBeGreaterThanOrEqual(0.7 * 660)
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.getByLabel('语言').selectOption('en')
  await shot('1366x660-en-dark')
  await page.setViewportSize({ width: 800, height: 600 })
  await shot('800x600-en-dark')
})
