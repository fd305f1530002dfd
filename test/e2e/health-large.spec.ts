import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { benchGroupId } from '../../tools/sim/seed'
import { startServe, startSimulator } from './fixtures/processes'
import { connectAndAdd } from './fixtures/app-page'

/**
 * The health report and the charts on a larger archive than the demo chat: the simulator's bench
 * group of 20,000 messages, synced through the app into the real IndexedDB, then reported page by
 * page and charted from the counts kept with the messages.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
const messages = 20_000

let sim: Awaited<ReturnType<typeof startSimulator>>
let serve: Awaited<ReturnType<typeof startServe>>
let context: BrowserContext
let page: Page

test.beforeAll(async ({ browser }) => {
  sim = await startSimulator({ latencyMs: 0, benchMessages: messages })
  serve = await startServe()
  context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })
  page = await context.newPage()
})

test.afterAll(async () => {
  await context?.close()
  await serve?.kill()
  await sim?.kill()
})

test('the health report of a 20,000-message group: complete, no holes, every message counted', async () => {
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [benchGroupId])
  const sidebar = page.getByRole('complementary', { name: 'Groups' })
  await sidebar.getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 110_000 })

  await page.getByRole('banner').getByRole('button', { name: 'Health report' }).click()
  const report = page.getByRole('dialog', { name: /^Health report/ })
  const group = report.locator(`section[data-group="${benchGroupId}"]`)
  await expect(group.locator('[data-fact="coverage"]')).toHaveText(`complete: seq 1–${messages.toLocaleString('en-US')}`, { timeout: 60_000 })
  await expect(group).toContainText(`${messages.toLocaleString('en-US')} (${messages.toLocaleString('en-US')} with content, 0 system)`)
  for (const kind of ['holes', 'missing', 'deleted', 'recalled', 'expired']) {
    await expect(group.locator(`tr[data-kind="${kind}"] td`).first(), kind).toHaveText('0')
  }
  await page.screenshot({ path: join(shots, 'health-07-large-group.png') })
})

test('the charts of the same group count every one of its 20,000 messages', async () => {
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: /^Health report/ })).toHaveCount(0)
  await page.getByRole('button', { name: 'Charts', exact: true }).click()
  const charts = page.getByTestId('charts')
  await expect(charts.getByTestId('charts-summary')).toHaveAttribute('data-total', String(messages))
  const cells = charts.getByRole('gridcell')
  await expect(cells).toHaveCount(7 * 24)
  const values = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))
  expect(values.reduce((a, b) => a + b, 0)).toBe(messages)
  const senders = await charts
    .getByRole('list', { name: 'Top senders' })
    .getByRole('listitem')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))
  // Senders beyond the top ones are summed under "others" (absent when every sender is listed).
  const othersRow = charts.locator('.others')
  const others = (await othersRow.count()) ? Number(await othersRow.getAttribute('data-count')) : 0
  expect(senders.reduce((a, b) => a + b, 0) + others).toBe(messages)
  await expect(charts.getByTestId('day-chart').locator('canvas')).toHaveCount(1)
  await page.screenshot({ path: join(shots, 'charts-08-large-group.png') })
})
