import { copyFileSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { demoGroupIds } from '../../tools/sim/seed'
import { connectAndAdd } from './fixtures/app-page'
import { useAppSession, type AppSession } from './fixtures/session'

/**
 * A group's life in the list (issue 15 items 6 and 19), in browser mode against the simulator:
 * a group the server has no messages for says so in the sidebar, on its page and in the health
 * report; a group can stop syncing (Sync all leaves it alone) and be deleted from the archive with
 * its name typed to confirm, after which neither the sidebar nor search knows it.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
const extraShots = process.env.GROUPS_SHOTS_DIR

test.describe.configure({ mode: 'serial' })

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10 } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

async function shot(name: string) {
  const path = join(shots, `groups-${name}.png`)
  await page.screenshot({ path })
  if (extraShots) copyFileSync(path, join(extraShots, `${name}.png`))
}
const sidebar = () => page.getByRole('complementary', { name: /^(Groups|群组)$/ })
const sidebarGroup = (name: string | RegExp) => sidebar().getByRole('button', { name })
const header = () => page.locator('.group-header')
/** Stop syncing and Delete live under the header's Details disclosure: open it if it is closed. */
async function openDetails(): Promise<void> {
  const details = header().locator('details.more-facts')
  if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open))) await details.locator('summary').click()
}

/** The store's group row, read from the page's real IndexedDB (what Sync all did or did not touch). */
async function storedGroup(groupId: string): Promise<{ lastSyncAt: number | null; syncStopped?: boolean; messages: number } | null> {
  // A string, as the other specs pass: the page's IndexedDB is not in the test's types.
  return (await page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('tim-archive')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const req = open.result.transaction('groups').objectStore('groups').getAll()
      req.onsuccess = () => {
        const row = req.result.find((r) => r.groupId === ${JSON.stringify(groupId)})
        open.result.close()
        resolve(row ? { lastSyncAt: row.lastSyncAt, syncStopped: row.syncStopped, messages: row.stats.messages } : null)
      }
    }
  })`)) as { lastSyncAt: number | null; syncStopped?: boolean; messages: number } | null
}

test('a group never synced says "Not synced yet"; once synced empty, "No messages on the server" everywhere', async () => {
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [demoGroupIds.team, demoGroupIds.empty, demoGroupIds.custom])
  const empty = sidebarGroup(/Empty meeting/)
  await expect(empty).toContainText('Not synced yet')
  await empty.click()
  await expect(page.getByRole('heading', { name: 'Not synced yet' })).toBeVisible()

  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  const checked = /No messages on the server \(checked .+\)/
  await expect(empty).toContainText(checked)
  await expect(empty).not.toContainText(/0 messages|complete|never/)
  // The page says the same, not "No messages archived yet. Sync the group…".
  await expect(header().locator('[data-fact="status"]')).toHaveText(checked)
  await expect(page.locator('.timeline .state-title')).toHaveText(checked)
  await expect(page.getByText('No messages archived for this group yet.')).toHaveCount(0)
  await shot('empty-group-en')

  // The whole-archive health report: the same statement, and the summary counts it.
  await page.getByRole('button', { name: 'Health report', exact: true }).first().click()
  const report = page.getByRole('dialog')
  await expect(report.locator('[data-group="@TGS#4EMPTYGROUP"] [data-fact="coverage"]')).toHaveText(checked, { timeout: 30_000 })
  await expect(report.locator('[data-total="complete"]')).toContainText('3 / 3')
  await expect(report.locator('[data-total="complete"]')).toContainText('1 with no messages on the server')
  await expect(report.getByText('nothing synced yet')).toHaveCount(0)
  await shot('health-summary-en')
  await report.locator('[data-group="@TGS#4EMPTYGROUP"]').scrollIntoViewIfNeeded()
  await shot('empty-group-health-en')
  await report.getByRole('button', { name: 'Close' }).click()
})

test('I stop syncing a group: Sync all leaves it alone, it stays readable, and I can resume', async () => {
  const oncall = sidebarGroup(/On-call/)
  await oncall.click()
  const before = await storedGroup(demoGroupIds.custom)
  expect(before?.messages).toBe(25)
  await openDetails()
  await header().getByRole('button', { name: 'Stop syncing' }).click()
  await expect(oncall).toContainText('Not syncing')
  await openDetails()
  await expect(header().getByRole('button', { name: 'Resume syncing' })).toBeVisible()
  await expect(header().getByRole('button', { name: 'Sync', exact: true })).toHaveCount(0)
  // Still readable.
  await expect(page.getByRole('feed', { name: 'Messages' }).locator('[data-row-seq]').first()).toBeVisible()
  await shot('stopped-en')

  const team = await storedGroup(demoGroupIds.team)
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await expect.poll(async () => (await storedGroup(demoGroupIds.team))?.lastSyncAt).toBeGreaterThan(team!.lastSyncAt!)
  expect(await storedGroup(demoGroupIds.custom)).toEqual({ ...before, syncStopped: true })

  await openDetails()

  await header().getByRole('button', { name: 'Resume syncing' }).click()
  await expect(oncall).not.toContainText('Not syncing')
  await openDetails()
  await header().getByRole('button', { name: 'Stop syncing' }).click()
  await expect(oncall).toContainText('Not syncing')
})

test('I delete a group from the archive by typing its name: it is gone from the sidebar and from search', async () => {
  const team = sidebarGroup(/产品研发 Team/)
  await team.click()
  const stored = await storedGroup(demoGroupIds.team)
  expect(stored!.messages).toBeGreaterThan(500)
  // Search finds its messages first.
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  const box = page.getByRole('searchbox', { name: 'Search messages' })
  // Search starts in the open group: every group here.
  await page.getByRole('complementary', { name: 'Search' }).getByRole('radio', { name: 'All groups' }).check()
  await box.fill('staging')
  await box.press('Enter')
  const results = page.getByRole('complementary', { name: 'Search' }).getByRole('list', { name: 'Search results' }).getByRole('button')
  await expect(results.filter({ hasText: '产品研发 Team' }).first()).toBeVisible()
  await expect(results.filter({ hasText: 'On-call' })).toHaveCount(1)

  // Keyboard: Tab to the action and open it with Enter.
  await openDetails()
  const del = header().getByRole('button', { name: 'Delete from this archive…' })
  await del.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: /Delete “产品研发 Team.*” from this archive\?/ })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(`This deletes the ${stored!.messages.toLocaleString('en-US')} archived messages of this group`)
  const confirm = dialog.getByRole('button', { name: `Delete ${stored!.messages.toLocaleString('en-US')} messages` })
  await expect(confirm).toBeDisabled()
  const name = (await dialog.locator('code.name').textContent())!
  expect(name).toMatch(/^产品研发 Team/)
  const input = dialog.getByLabel('To confirm, type the group’s name:')
  await input.fill(name.slice(0, -1))
  await expect(confirm).toBeDisabled()
  await input.fill(name)
  await expect(confirm).toBeEnabled()
  await shot('delete-dialog-en')
  await input.press('Enter')
  await expect(dialog).toHaveCount(0, { timeout: 30_000 })

  await expect(team).toHaveCount(0)
  await expect(sidebarGroup(/On-call/)).toBeVisible()
  expect(await storedGroup(demoGroupIds.team)).toBeNull()
  await box.fill('staging')
  await box.press('Enter')
  // The other group's hit is still found; none of the deleted group's.
  await expect(page.getByRole('status').filter({ hasText: /^1 result$/ })).toBeVisible()
  await expect(results.filter({ hasText: 'On-call' })).toHaveCount(1)
  await expect(results.filter({ hasText: '产品研发 Team' })).toHaveCount(0)
  // Reloaded, it stays gone.
  await page.reload()
  await expect(sidebarGroup(/On-call/)).toBeVisible()
  await expect(sidebarGroup(/产品研发 Team/)).toHaveCount(0)
})

test('the Chinese UI says the same (screenshots)', async () => {
  await page.locator('#language').selectOption('zh-CN')
  const empty = sidebarGroup(/Empty meeting/)
  await empty.click()
  await expect(empty).toContainText(/服务器上没有消息（检查于 .+）/)
  await expect(page.locator('.timeline .state-title')).toHaveText(/服务器上没有消息（检查于 .+）/)
  await shot('empty-group-zh')
  await page.getByRole('button', { name: '健康报告', exact: true }).first().click()
  const report = page.getByRole('dialog')
  await expect(report.locator('[data-group="@TGS#4EMPTYGROUP"] [data-fact="coverage"]')).toHaveText(/服务器上没有消息/, { timeout: 30_000 })
  await shot('empty-group-health-zh')
  await report.locator('button').filter({ hasText: /关闭/ }).first().click()
  await sidebarGroup(/On-call/).click()
  await expect(sidebarGroup(/On-call/)).toContainText('已停止同步')
  await openDetails()
  await header().getByRole('button', { name: '从此归档中删除…' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('textbox').fill('On-call 值班')
  await shot('delete-dialog-zh')
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot('delete-dialog-zh-dark')
  await page.emulateMedia({ colorScheme: 'light' })
  await dialog.getByRole('button', { name: '取消' }).click()
  await expect(sidebarGroup(/On-call/)).toBeVisible()
})
