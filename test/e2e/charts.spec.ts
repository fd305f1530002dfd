import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { demoApp, demoGroupIds, teamGroupId } from '../../tools/sim/seed'
import { startServe, startSimulator } from './fixtures/processes'
import { connectAndAdd } from './fixtures/app-page'

/**
 * The charts as a user meets them: browser mode in Debian's Chromium against the simulator, the
 * demo team chat synced into the real IndexedDB. Expected figures come from the simulator's own
 * seed (the history it serves), not from the app: the messages with content that are not system
 * notices (what the charts count), per sender, and per local weekday × hour in UTC+8.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
// China's time zone: local days are UTC+8, with no daylight saving time.
const timezoneId = 'Asia/Shanghai'
const offsetSec = 8 * 3600

test.describe.configure({ mode: 'serial' })

// The simulator anchors the demo history at the start of the current UTC day, as this does.
const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / 86_400_000) * 86_400 })
const team = [...app.groups.get(teamGroupId)!.messages.values()]
const counted = team.filter((m) => m.state === 'normal' && !m.isSystem)
const bySender = new Map<string, number>()
for (const m of counted) bySender.set(m.from, (bySender.get(m.from) ?? 0) + 1)
const senders = [...bySender].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
/** weekday (Monday 0) × hour in UTC+8. */
const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
const perDay = new Map<number, number>()
for (const m of counted) {
  const local = m.time + offsetSec
  const day = Math.floor(local / 86400)
  grid[(day + 3) % 7]![Math.floor((local % 86400) / 3600)]! += 1
  perDay.set(day, (perDay.get(day) ?? 0) + 1)
}
const busiest = Math.max(...perDay.values())

let sim: Awaited<ReturnType<typeof startSimulator>>
let serve: Awaited<ReturnType<typeof startServe>>
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

test.beforeAll(async ({ browser }) => {
  sim = await startSimulator({ latencyMs: 2, benchMessages: 10 })
  serve = await startServe()
  context = await browser.newContext({ locale: 'en-US', timezoneId, colorScheme: 'light', viewport: { width: 1280, height: 1200 } })
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
const charts = () => page.getByTestId('charts')

test('I connect, add the team chat and an empty group, and sync them', async () => {
  expect(counted.length).toBeGreaterThan(400)
  expect(counted.length).toBeLessThan(team.length)
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId, demoGroupIds.empty])
  await sidebar()
    .getByRole('button', { name: /产品研发 Team/ })
    .click()
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await expect(sidebar().getByRole('button', { name: /产品研发 Team/ })).toContainText(`${team.length} messages`)
})

test('the charts show the seeded counts: total, per sender, per weekday and hour, busiest day', async () => {
  await page.getByRole('button', { name: 'Charts', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Charts', exact: true })).toHaveAttribute('aria-pressed', 'true')
  const summary = charts().getByTestId('charts-summary')
  await expect(summary).toHaveAttribute('data-total', String(counted.length))
  await expect(summary).toContainText(`${counted.length} messages from ${senders.length} senders`)
  await expect(summary).toContainText('Asia/Shanghai')

  // Top senders: the list holds the busiest 15 (or all), each with the seed's count, then "others".
  const list = charts().getByRole('list', { name: 'Top senders' }).getByRole('listitem')
  const shown = await list.evaluateAll((els) => els.map((e) => [e.getAttribute('data-sender'), Number(e.getAttribute('data-count'))]))
  expect(shown).toEqual(senders.slice(0, 15))
  const top = senders[0]!
  // Shown by name (issue 18 §1), the account on hover.
  await expect(list.first().locator('.name')).toHaveAttribute('title', `Account ID: ${top[0]}`)
  await expect(list.first()).toContainText(`${top[1]} messages`)
  if (senders.length > 15) {
    const rest = senders.slice(15).reduce((s, [, n]) => s + n, 0)
    await expect(charts().locator('.others')).toHaveAttribute('data-count', String(rest))
  }

  // Weekday × hour: every cell as the seed has it in UTC+8.
  const cells = charts().getByRole('gridcell')
  await expect(cells).toHaveCount(7 * 24)
  const values = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))
  expect(values).toEqual(grid.flat())

  // Messages per day: the chart is drawn and says its total and busiest day.
  const day = charts().getByTestId('day-chart')
  await expect(day.locator('canvas')).toHaveCount(1)
  await expect(day).toHaveAttribute('aria-label', new RegExp(`${counted.length} messages; busiest day .* with ${busiest}\\.`))
  await expect(charts().getByText(new RegExp(`^Busiest day: .*, ${busiest} messages$`))).toBeVisible()
  await shot('charts-01-light-en')
})

test('the heatmap and the ranges work from the keyboard', async () => {
  const cells = charts().getByRole('gridcell')
  await cells.first().focus()
  await expect(cells.first()).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowDown')
  // Tuesday 01:00 in UTC+8.
  const cell = cells.nth(24 + 1)
  await expect(cell).toBeFocused()
  const n = grid[1]![1]!
  await expect(cell).toHaveAttribute('aria-label', n === 1 ? 'Tuesday 01:00–01:59: 1 message' : `Tuesday 01:00–01:59: ${n} messages`)
  await expect(charts().locator('.focused')).toHaveText((await cell.getAttribute('aria-label'))!)
  // Only one cell is a tab stop.
  expect(await cells.evaluateAll((els) => els.filter((e) => e.getAttribute('tabindex') === '0').length)).toBe(1)

  const last30 = charts().getByRole('button', { name: 'Last 30 days' })
  await last30.focus()
  await page.keyboard.press('Enter')
  await expect(last30).toHaveAttribute('aria-pressed', 'true')
  await expect(charts().getByRole('button', { name: 'All', exact: true })).toHaveAttribute('aria-pressed', 'false')
  await shot('charts-02-light-en-30-days')
  await charts().getByRole('button', { name: 'All', exact: true }).click()
  await expect(charts().getByRole('button', { name: 'All', exact: true })).toHaveAttribute('aria-pressed', 'true')
})

test('the day chart zooms by dragging, resets by double-click, and shows the day under the pointer', async () => {
  const over = charts().getByTestId('day-chart').locator('.u-over')
  const box = (await over.boundingBox())!
  const y = box.y + box.height / 2
  // Pointing at the chart shows that day's count in the legend.
  await page.mouse.move(box.x + box.width * 0.5, y)
  const legend = charts().getByTestId('day-chart').locator('.u-legend .u-series')
  await expect(legend.nth(1).locator('.u-value')).toHaveText(/^\d+$/)
  await expect(legend.nth(0).locator('.u-value')).toHaveText(/\d{4}/)
  // Drag across a fifth of it: zoomed to a range no button names.
  await page.mouse.move(box.x + box.width * 0.4, y)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 })
  await page.mouse.up()
  const pressed = () => charts().getByRole('group', { name: 'Range' }).getByRole('button', { pressed: true })
  await expect(pressed()).toHaveCount(0)
  await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } })
  await expect(pressed()).toHaveText('All')
})

test('dark mode and Chinese', async () => {
  await page.emulateMedia({ colorScheme: 'dark' })
  // The canvas is redrawn with the dark colours: its pixels change.
  await expect(charts().getByTestId('day-chart')).toBeVisible()
  await shot('charts-03-dark-en')
  await page.locator('#language').selectOption('zh-CN')
  await expect(page.getByRole('button', { name: '图表', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(charts().getByTestId('charts-summary')).toContainText(`${counted.length} 条消息，${senders.length} 位发送者`)
  await expect(charts().getByRole('heading', { name: '每日消息数' })).toBeVisible()
  await expect(charts().getByRole('list', { name: '发言最多的成员' }).getByRole('listitem').first()).toContainText(`${top()} 条消息`)
  await shot('charts-04-dark-zh')
  await page.emulateMedia({ colorScheme: 'light' })
  await expect(charts().getByRole('heading', { name: '按星期和小时的活跃度' })).toBeVisible()
  await shot('charts-05-light-zh')
  await page.locator('#language').selectOption('en')
})

function top(): number {
  return senders[0]![1]
}

test('an empty group says there is nothing to chart; the timeline button goes back', async () => {
  await sidebar()
    .getByRole('button', { name: /Empty meeting/ })
    .click()
  await expect(charts().getByRole('heading', { name: 'Nothing to chart yet' })).toBeVisible()
  await shot('charts-06-empty')
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  await expect(charts()).toHaveCount(0)
  await sidebar()
    .getByRole('button', { name: /产品研发 Team/ })
    .click()
  await expect(page.getByRole('feed', { name: 'Messages' })).toBeVisible()
})
