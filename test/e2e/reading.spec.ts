import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { demoApp, demoGroupIds, teamGroupId } from '../../tools/sim/seed'
import { connectAndAdd } from './fixtures/app-page'
import { useAppSession, type AppSession } from './fixtures/session'

/**
 * Reading aids (issue 18 §7) as a reader meets them, in browser mode against the simulator with the
 * demo team chat and the on-call group synced: the sidebar says which days each group spans; a
 * date floats over the timeline while it scrolls; search starts in the open group, All groups one
 * click away; a result opened in context has its words marked in the timeline. Expected values
 * come from the simulator's seed, not from the app.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
const timeZone = 'Asia/Shanghai'

test.describe.configure({ mode: 'serial' })

const oncallGroupId = demoGroupIds.custom
const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / 86_400_000) * 86_400 })
const seededOf = (id: string) => [...app.groups.get(id)!.messages.values()]
const team = seededOf(teamGroupId)
const oncall = seededOf(oncallGroupId)

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10 }, timezoneId: timeZone })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

const shot = (name: string) => page.screenshot({ path: join(shots, `reading-${name}.png`) })
const sidebar = () => page.getByRole('complementary', { name: /^(Groups|群组)$/ })
const sidebarGroup = (name: string | RegExp) => sidebar().getByRole('button', { name })
const feed = () => page.getByRole('feed', { name: /^(Messages|消息)$/ })
const floating = () => page.getByTestId('floating-day')
const panel = () => page.getByRole('complementary', { name: /^(Search|搜索)$/ })
const queryBox = () => page.getByRole('searchbox', { name: /Search messages|搜索消息/ })
const results = () =>
  panel()
    .getByRole('list', { name: /Search results|搜索结果/ })
    .getByRole('button')
const thisGroup = () => panel().getByRole('radio', { name: /This group|当前群组/ })
const allGroups = () => panel().getByRole('radio', { name: /All groups|所有群组/ })
const countText = (n: number) => (n === 1 ? '1 result' : `${n.toLocaleString('en-US')} results`)
/** ICU's thin spaces (around a range's dash) read as plain spaces. */
const plain = (s: string) => s.replace(/[\u2009\u202f\u00a0]/gu, ' ')

async function searchFor(q: string) {
  await queryBox().fill(q)
  await queryBox().press('Enter')
}

/** The days a group's seeded messages span, as the sidebar writes them (en, China's time zone). */
function expectedRange(messages: { time: number }[]): string {
  const times = messages.map((m) => m.time)
  const f = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone })
  return plain(f.formatRange(Math.min(...times) * 1000, Math.max(...times) * 1000))
}

test('I sync the team chat and the on-call group; the sidebar says which days each spans', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId, oncallGroupId])
  await sidebarGroup(/产品研发 Team/).click()
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })

  const teamItem = sidebarGroup(/产品研发 Team/)
  await expect(teamItem).toContainText(`${team.length} messages`)
  expect(plain((await teamItem.textContent()) ?? '')).toContain(`${team.length} messages · ${expectedRange(team)}`)
  expect(plain((await sidebarGroup(/On-call/).textContent()) ?? '')).toContain(`${oncall.length} messages · ${expectedRange(oncall)}`)
  // No seq numbers in the sidebar: they are in the open group's header.
  await expect(sidebar()).not.toContainText('seq ')
  await expect(page.getByRole('region', { name: /产品研发 Team/ })).toContainText('seq 1–600, complete')
})

test('a date floats over the timeline while I scroll, and fades once I stop, moving nothing', async () => {
  await expect(feed().locator('[data-row-seq="600"]')).toBeVisible()
  // Opening the group scrolled to the newest message by itself: no date for that.
  await expect(floating()).toBeHidden()
  const box = (await feed().boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -700)
  // It shows while the reader scrolls (wheeled again if the fade came before the check, on a slow machine).
  await expect(async () => {
    await page.mouse.wheel(0, -200)
    await expect(floating()).toBeVisible({ timeout: 500 })
  }).toPass({ timeout: 15_000 })
  // The day of the message at the top of the list (read again until the list has settled: older
  // pages load while the wheel scrolls).
  let top: number | undefined
  const topDay = async (): Promise<string | undefined> => {
    top = await feed()
      .locator('[data-row-seq]')
      .evaluateAll((els, y) => {
        // The topmost row still showing below the list's top edge (a timeline row with its day
        // separator, if it has one; not a message nested in a forward).
        const rows = els
          .filter((e) => !e.parentElement?.closest('[data-row-seq]'))
          .map((e) => ({ seq: Number(e.getAttribute('data-row-seq')), r: (e.closest('.item') ?? e).getBoundingClientRect() }))
          .filter(({ r }) => r.bottom > y)
          .sort((a, b) => a.r.top - b.r.top)
        return rows[0]?.seq
      }, box.y + 10)
    const topMessage = team.find((m) => m.seq === top)
    return topMessage && new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone }).format(topMessage.time * 1000)
  }
  await expect(async () => {
    // A small scroll: the date follows the reader's scrolls (older pages may have loaded since the last).
    await page.mouse.wheel(0, -40)
    await page.waitForTimeout(100)
    const day = await topDay()
    expect(day).toBeDefined()
    expect(await floating().textContent()).toBe(day)
  }).toPass({ timeout: 15_000 })
  await shot('01-floating-date-1280')
  // It is over the list, not in it: a row stays where it is when the date fades.
  const row = feed().locator(`[data-row-seq="${top! + 3}"]`)
  const before = (await row.boundingBox())!.y
  await expect(floating()).toBeHidden({ timeout: 3000 })
  expect((await row.boundingBox())!.y).toBe(before)
  // Screen readers are not told about it (the day separators carry the dates).
  await expect(floating()).toHaveAttribute('aria-hidden', 'true')
  // The keyboard scrolls show it too; a window resized (no scroll of mine) does not.
  await feed().focus()
  // Up and down in turn: retried on a slow machine, PageUp alone could reach the oldest message,
  // where the list no longer scrolls.
  let key: 'PageUp' | 'PageDown' = 'PageDown'
  await expect(async () => {
    key = key === 'PageUp' ? 'PageDown' : 'PageUp'
    await page.keyboard.press(key)
    await expect(floating()).toBeVisible({ timeout: 500 })
  }).toPass({ timeout: 15_000 })
  await expect(floating()).toBeHidden({ timeout: 3000 })
  await page.setViewportSize({ width: 1200, height: 760 })
  await page.setViewportSize({ width: 1280, height: 800 })
  // Once the resize's scroll events have run (two frames), it is still hidden: read once, no retry.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
  expect(await floating().getAttribute('class')).not.toMatch(/\bshown\b/)
  // With reduced motion it appears and goes without a fade.
  await page.emulateMedia({ reducedMotion: 'reduce' })
  // (Inline: the function runs in the page; the DOM's types are not this file's.)
  expect(
    await floating().evaluate(
      (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { transitionDuration: string } }).getComputedStyle(e).transitionDuration
    )
  ).toMatch(/^0s(, 0s)*$/)
  await page.emulateMedia({ reducedMotion: 'no-preference' })
})

test('search starts in the open group; All groups is one click away and stays chosen', async () => {
  await feed().focus()
  await page.keyboard.press('Control+f')
  await expect(queryBox()).toBeFocused()
  await expect(thisGroup()).toBeChecked()
  // alice writes in both groups.
  const inTeam = team.filter((m) => m.from === 'alice').length
  const inOncall = oncall.filter((m) => m.from === 'alice').length
  expect(inTeam).toBeGreaterThan(0)
  expect(inOncall).toBeGreaterThan(0)
  await searchFor('from:alice')
  await expect(panel().getByText(countText(inTeam))).toBeVisible()
  await shot('02-scope-this-group')

  // One click (or the keyboard: arrow keys move between the two).
  await thisGroup().focus()
  await page.keyboard.press('ArrowDown')
  await expect(allGroups()).toBeChecked()
  await expect(panel().getByText(countText(inTeam + inOncall))).toBeVisible()

  // Remembered: closing the panel, and reloading the page, keep All groups.
  await page.keyboard.press('Escape')
  await page.keyboard.press('Control+f')
  await expect(allGroups()).toBeChecked()
  await page.reload()
  await sidebarGroup(/产品研发 Team/).click()
  await expect(feed().locator('[data-row-seq]').first()).toBeVisible()
  await feed().focus()
  await page.keyboard.press('Control+f')
  await expect(allGroups()).toBeChecked()

  // Back to this group; the query's own in: picks the groups over it, and says so.
  await thisGroup().click()
  await searchFor(`from:alice in:${oncallGroupId}`)
  await expect(panel().getByText(countText(inOncall))).toBeVisible()
  await expect(panel()).toContainText('The query’s in: picks the groups.')
  await searchFor('from:alice')
  await expect(panel().getByText(countText(inTeam))).toBeVisible()
})

test('a result opened in context has the searched word marked in the timeline, until I clear the search', async () => {
  const word = 'staging'
  const hits = team.filter((m) => m.state === 'normal' && new RegExp(`\\b${word}\\b`, 'i').test(JSON.stringify(m.body)))
  expect(hits.length).toBeGreaterThan(1)
  await searchFor(word)
  await expect(panel().getByText(countText(hits.length))).toBeVisible()
  const first = results().first()
  const seq = Number(await first.getAttribute('data-hit-seq'))
  // (Reduced motion: the opened row is marked without its flash, for steady screenshots.)
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await first.click()
  const row = feed().locator(`[data-search-target] [data-row-seq="${seq}"]`)
  await expect(row).toBeInViewport()
  const marks = row.locator('mark')
  await expect(marks.first()).toBeVisible()
  for (const m of await marks.allTextContents()) expect(m.toLowerCase()).toBe(word)
  // The mark holds the word as text, inside the message's text: no markup made from content.
  expect(await marks.first().evaluate((e) => e.childElementCount)).toBe(0)
  await shot('03-marked-in-context-1280')
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot('03-marked-in-context-1280-dark')
  await page.emulateMedia({ colorScheme: 'light' })

  // Clearing the search clears the marks.
  await queryBox().fill('')
  await expect(feed().locator('mark')).toHaveCount(0)
  await expect(row).toContainText(new RegExp(word, 'i'))
})

test('screenshots: 800×600, dark, Chinese', async () => {
  await page.getByLabel('Language').selectOption('zh-CN')
  await page.setViewportSize({ width: 800, height: 600 })
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await searchFor('staging')
  await results().first().click()
  await expect(feed().locator('[data-search-target] mark').first()).toBeVisible()
  await shot('04-marked-800-zh')
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot('04-marked-800-zh-dark')
  await panel()
    .getByRole('button', { name: /^(Close|关闭)$/ })
    .click()
  const box = (await feed().boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -600)
  await expect(floating()).toBeVisible()
  await expect(floating()).toContainText(/\d{4}年\d{1,2}月\d{1,2}日/)
  await shot('05-floating-800-zh-dark')
  await page.setViewportSize({ width: 1280, height: 800 })
  await expect(floating()).toBeHidden({ timeout: 3000 })
  await expect(sidebarGroup(/产品研发 Team/)).toContainText(`${team.length} 条消息`)
  await shot('06-sidebar-1280-zh-dark')
  await page.emulateMedia({ colorScheme: 'light' })
  await shot('06-sidebar-1280-zh')
  await page.getByLabel('语言').selectOption('en')
  await page.setViewportSize({ width: 800, height: 600 })
  // At 800 px the group list is folded away: open it (once the layout has settled at the new width).
  await expect(async () => {
    if (!(await sidebar().isVisible())) await page.getByRole('button', { name: 'Group list' }).click()
    await expect(sidebarGroup(/产品研发 Team/)).toContainText(`${team.length} messages · `, { timeout: 2000 })
  }).toPass({ timeout: 15_000 })
  await shot('07-sidebar-800-en')
})
