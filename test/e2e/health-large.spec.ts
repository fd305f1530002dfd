import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { benchGroupId } from '../../src-main/sim/seed'
import { startServe, startSimulator } from './fixtures/processes'
import { connectAndAdd } from './fixtures/app-page'

/**
 * The health report on a larger archive than the demo chat: the simulator's bench group of 20,000
 * messages, synced through the app into the real IndexedDB, then reported page by page.
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
