import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { demoApp, demoGroupIds, teamGroupId } from '../../tools/sim/seed'
import { useAppSession, type AppSession } from './fixtures/session'
import { connectAndAdd } from './fixtures/app-page'

/**
 * Search and jump to date as a user meets them: browser mode in Debian's Chromium against the
 * simulator, the demo team chat synced into the real IndexedDB. Expected results come from the
 * simulator's own seed (the same deterministic history it serves), not from the app.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })
// The browser runs in China's time zone: local days are UTC+8, with no daylight saving time.
const timezoneId = 'Asia/Shanghai'
const offsetMs = 8 * 3600_000

test.describe.configure({ mode: 'serial' })

// The simulator anchors the demo history at the start of the current UTC day, as this does.
// Two groups are archived: the team chat and the small on-call group (whose senders include admin2,
// who never writes in the team chat).
const oncallGroupId = demoGroupIds.custom
const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / 86_400_000) * 86_400 })
const seeded = [teamGroupId, oncallGroupId].flatMap((id) => [...app.groups.get(id)!.messages.values()].map((m) => ({ ...m, groupId: id })))
type Seeded = (typeof seeded)[number]
const teamSeeded = seeded.filter((m) => m.groupId === teamGroupId)
const key = (m: { groupId: string; seq: number }) => `${m.groupId}#${m.seq}`
const bodyText = (m: Seeded) => JSON.stringify(m.body)
const count = (pred: (m: Seeded) => boolean) => seeded.filter(pred).length
const hasWord = (w: string) => (m: Seeded) => m.state === 'normal' && new RegExp(`\\b${w}\\b`, 'i').test(bodyText(m))

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10 }, timezoneId: timezoneId })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })
const panel = () => page.getByRole('complementary', { name: /^(Search|搜索)$/ })
const queryBox = () => page.getByRole('searchbox', { name: /Search messages|搜索消息/ })
const results = () =>
  panel()
    .getByRole('list', { name: /Search results|搜索结果/ })
    .getByRole('button')
const feed = () => page.getByRole('feed', { name: 'Messages' })
/** "1,234 results" shown once the count is known. */
const countText = (n: number) => (n === 1 ? '1 result' : `${n.toLocaleString('en-US')} results`)

async function searchFor(q: string) {
  await queryBox().fill(q)
  await queryBox().press('Enter')
}

/** Loads every page of results ("load more" until the end) and returns them as `groupId#seq`. */
async function allResultKeys(): Promise<string[]> {
  const more = panel().getByRole('button', { name: 'Load more results' })
  const end = panel().getByText('End of the results.')
  // Scrolling to "load more" loads the next page by itself, so the button may vanish under a click.
  await expect
    .poll(async () => {
      if (await end.isVisible()) return true
      await more.click({ timeout: 1000 }).catch(() => {})
      return end.isVisible()
    })
    .toBe(true)
  return results().evaluateAll((els) =>
    els.map((e) => {
      const gk = e.getAttribute('data-hit-gk') ?? ''
      return `${gk.slice(gk.lastIndexOf('|') + 1)}#${e.getAttribute('data-hit-seq')}`
    })
  )
}

/** Start of a local (UTC+8) day as epoch ms, and its YYYY-MM-DD. */
function localDay(unixSec: number): { start: number; iso: string } {
  const local = new Date(unixSec * 1000 + offsetMs)
  const iso = local.toISOString().slice(0, 10)
  return { start: Date.parse(`${iso}T00:00:00Z`) - offsetMs, iso }
}

test('I connect, add the team chat and sync it', async () => {
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId, oncallGroupId])
  const sidebar = page.getByRole('complementary', { name: 'Groups' })
  await sidebar.getByRole('button', { name: /产品研发 Team/ }).click()
  await sidebar.getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await expect(sidebar.getByRole('button', { name: /产品研发 Team/ })).toContainText(`${teamSeeded.length} messages`)
})

test('the search panel opens with Ctrl+F and says what I can type', async () => {
  await feed().focus()
  await page.keyboard.press('Control+f')
  await expect(queryBox()).toBeFocused()
  // Search starts in the open group (reading.spec.ts); these steps search both groups, a choice
  // the panel keeps for the session.
  await expect(panel().getByRole('radio', { name: 'This group' })).toBeChecked()
  await panel().getByRole('radio', { name: 'All groups' }).check()
  await queryBox().focus()
  await expect(panel().getByRole('heading', { name: 'Search everything you have archived' })).toBeVisible()
  await panel().getByText('Query syntax').click()
  await expect(panel().getByRole('table')).toContainText('from:alice')
  await expect(panel().getByRole('table')).toContainText('is:recalled')
  await shot('search-01-empty-help')
  await panel().getByText('Query syntax').click()
  await page.keyboard.press('Escape')
  await expect(panel()).toHaveCount(0)
  // "/" opens it too.
  await feed().focus()
  await page.keyboard.press('/')
  await expect(queryBox()).toBeFocused()
})

test('I search an English word: the count and every hit match the seeded chat', async () => {
  const expected = count(hasWord('staging'))
  expect(expected).toBeGreaterThan(1)
  await searchFor('staging')
  await expect(panel().getByText(countText(expected))).toBeVisible()
  const keys = await allResultKeys()
  expect(keys.sort()).toEqual(seeded.filter(hasWord('staging')).map(key).sort())
  // Newest first, each with the word marked.
  const shown = await results()
    .locator('time')
    .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')))
  expect(shown).toEqual([...shown].sort((a, b) => b - a))
  for (const mark of await results().locator('mark').allTextContents()) expect(mark.toLowerCase()).toBe('staging')
  expect(await results().first().locator('mark').count()).toBeGreaterThan(0)
  await shot('search-02-word')
})

test('I search a Chinese word, a phrase, a sender, a feature and a negation', async () => {
  const cases: { q: string; expected: number; mark?: RegExp }[] = [
    { q: '会议室', expected: count((m) => m.state === 'normal' && bodyText(m).includes('会议室')), mark: /^会议室$/ },
    {
      q: '"build is green"',
      expected: count((m) => m.state === 'normal' && bodyText(m).toLowerCase().includes('build is green')),
      mark: /^build is green$/i
    },
    { q: 'from:fatima', expected: count((m) => m.from === 'fatima') },
    { q: 'has:image', expected: count((m) => m.state === 'normal' && bodyText(m).includes('TIMImageElem')) },
    { q: 'staging -from:bob', expected: count((m) => hasWord('staging')(m) && m.from !== 'bob'), mark: /^staging$/i }
  ]
  for (const c of cases) {
    expect(c.expected, c.q).toBeGreaterThan(0)
    await searchFor(c.q)
    await expect(panel().getByText(countText(c.expected)), c.q).toBeVisible()
    if (c.mark) for (const m of await results().locator('mark').allTextContents()) expect(m, c.q).toMatch(c.mark)
    if (c.q === '会议室') await shot('search-03-chinese')
  }
  // has:image results say what they are.
  await searchFor('has:image')
  await expect(results().first()).toContainText('Image')
  // A negated sender never shows bob.
  await searchFor('staging -from:bob')
  const senders = await results().locator('.sender').allTextContents()
  expect(senders).not.toContain('bob')
  expect(count(hasWord('staging')) - count((m) => hasWord('staging')(m) && m.from === 'bob')).toBe(count((m) => hasWord('staging')(m) && m.from !== 'bob'))
})

test('message content in results is text, never markup', async () => {
  await searchFor('alert')
  const expected = count((m) => hasWord('alert')(m))
  await expect(panel().getByText(countText(expected))).toBeVisible()
  const list = panel().getByRole('list', { name: 'Search results' })
  await expect(list.getByText('<script>alert(1)</script>', { exact: true })).toBeVisible()
  await expect(list.locator('script, img, svg, iframe, a')).toHaveCount(0)
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined()
})

test('a query error says what and where, with no results', async () => {
  // The parser points at the value it cannot read: "pdf", the 12th character.
  await searchFor('deploy has:pdf')
  const alert = panel().getByRole('alert')
  await expect(alert).toContainText('at character 12')
  await expect(alert).toContainText('has:pdf is not something a message can have')
  await expect(panel().getByRole('list', { name: 'Search results' })).toHaveCount(0)
  await shot('search-04-query-error')
})

test('I open a result and the timeline shows that message in context, marked', async () => {
  await searchFor('会议室')
  const first = results().first()
  const seq = Number(await first.getAttribute('data-hit-seq'))
  // Keyboard: down from the box to the first result, Enter opens it.
  await queryBox().press('ArrowDown')
  await expect(first).toBeFocused()
  await page.keyboard.press('Enter')
  const row = feed().locator(`[data-search-target] [data-row-seq="${seq}"]`)
  await expect(row).toBeInViewport()
  await expect(row).toContainText('会议室')
  // In context: its neighbours are loaded around it.
  await expect(
    feed()
      .locator(`[data-row-seq="${seq - 1}"], [data-row-seq="${seq - 2}"]`)
      .first()
  ).toBeAttached()
  // Focus stayed on the results: the next one is one arrow away.
  await expect(first).toBeFocused()
  await shot('search-05-opened')
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot('search-05-opened-dark')
  await page.emulateMedia({ colorScheme: 'light' })
  const second = results().nth(1)
  if ((await results().count()) > 1) {
    await page.keyboard.press('ArrowDown')
    await expect(second).toBeFocused()
    await page.keyboard.press('Enter')
    const seq2 = Number(await second.getAttribute('data-hit-seq'))
    await expect(feed().locator(`[data-search-target] [data-row-seq="${seq2}"]`)).toBeInViewport()
    await expect(feed().locator('[data-search-target]')).toHaveCount(1)
  }

  // A result in another group selects that group and opens its timeline there.
  const admin2 = seeded.filter((m) => m.from === 'admin2')
  expect(admin2.length).toBeGreaterThan(0)
  expect(admin2.every((m) => m.groupId === oncallGroupId)).toBe(true)
  await searchFor('from:admin2')
  await expect(panel().getByText(countText(admin2.length))).toBeVisible()
  const newest = admin2.sort((a, b) => b.time - a.time || b.seq - a.seq)[0]!
  await expect(results().first()).toHaveAttribute('data-hit-seq', String(newest.seq))
  await results().first().click()
  await expect(page.getByRole('heading', { level: 2, name: 'On-call 值班' })).toBeVisible()
  await expect(feed().locator(`[data-search-target] [data-row-seq="${newest.seq}"]`)).toBeInViewport()
  await shot('search-05c-other-group')
  await page
    .getByRole('complementary', { name: 'Groups' })
    .getByRole('button', { name: /产品研发 Team/ })
    .click()
})

test('the date range narrows the results to exactly those days', async () => {
  // An empty query with a date range lists every message of those days.
  const times = seeded.map((m) => m.time).sort((a, b) => a - b)
  const from = localDay(times[Math.floor(times.length / 3)]!)
  const to = localDay(times[Math.floor(times.length / 2)]!)
  const end = to.start + 86_400_000
  const inRange = count((m) => m.time * 1000 >= from.start && m.time * 1000 < end)
  const stagingInRange = count((m) => hasWord('staging')(m) && m.time * 1000 >= from.start && m.time * 1000 < end)

  await searchFor('staging')
  await expect(panel().getByText(countText(count(hasWord('staging'))))).toBeVisible()
  await panel().getByLabel('From').fill(from.iso)
  await panel().getByLabel('To (inclusive)').fill(to.iso)
  await queryBox().press('Enter')
  if (stagingInRange > 0) await expect(panel().getByText(countText(stagingInRange))).toBeVisible()
  else await expect(panel().getByText('No messages match.')).toBeVisible()
  expect(stagingInRange).toBeLessThan(count(hasWord('staging')))

  await searchFor('')
  await expect(panel().getByText(countText(inRange))).toBeVisible()
  const keys = await allResultKeys()
  expect(keys.sort()).toEqual(
    seeded
      .filter((m) => m.time * 1000 >= from.start && m.time * 1000 < end)
      .map(key)
      .sort()
  )
  await shot('search-06-date-range')

  // Nothing on one empty far-future day: say so and offer to clear the filters.
  await panel().getByLabel('From').fill('2099-01-01')
  await panel().getByLabel('To (inclusive)').fill('2099-01-01')
  await searchFor('staging')
  await expect(panel().getByText('No messages match.')).toBeVisible()
  await panel().getByRole('button', { name: 'Clear filters' }).last().click()
  await expect(panel().getByText(countText(count(hasWord('staging'))))).toBeVisible()
})

test('the search panel in Chinese', async () => {
  await page.getByLabel('Language').selectOption('zh-CN')
  await searchFor('会议室 -from:bob')
  await expect(panel().getByText(/\d+ 条结果/)).toBeVisible()
  await shot('search-07-zh')
  await panel().getByText('查询语法').click()
  await shot('search-07-zh-help')
  await panel().getByText('查询语法').click()
  await page.getByLabel('语言').selectOption('en')
  await expect(panel().getByRole('heading', { name: 'Search' })).toBeVisible()
})

test('I jump to a date in the timeline, and before and after the archive', async () => {
  await page.getByRole('button', { name: 'Close', exact: true }).click()
  const times = teamSeeded.map((m) => m.time).sort((a, b) => a - b)
  const day = localDay(times[Math.floor(times.length * 0.4)]!)
  const firstOnDay = teamSeeded.filter((m) => m.time * 1000 >= day.start).sort((a, b) => a.time - b.time || a.seq - b.seq)[0]!
  const jump = page.getByRole('form', { name: 'Jump to date' })
  await jump.getByLabel('Jump to date').fill(day.iso)
  await jump.getByLabel('Jump to date').press('Enter')
  const landedDay = localDay(firstOnDay.time).iso
  await expect(jump.getByRole('status')).toContainText(landedDay === day.iso ? 'Showing' : 'No messages on')
  await expect(feed().locator(`[data-row-seq="${firstOnDay.seq}"]`)).toBeInViewport()
  await expect(feed().locator(`[data-row-seq="${firstOnDay.seq}"]`)).toBeFocused()
  await shot('search-08-jump-to-date')

  await jump.getByLabel('Jump to date').fill('2000-01-01')
  await jump.getByRole('button', { name: 'Go' }).click()
  await expect(jump.getByRole('status')).toContainText('before the archive begins')
  await expect(feed().locator('[data-row-seq="1"]')).toBeInViewport()

  await jump.getByLabel('Jump to date').fill('2099-12-31')
  await jump.getByRole('button', { name: 'Go' }).click()
  await expect(jump.getByRole('status')).toContainText('after the newest message')
  await expect(feed().locator(`[data-row-seq="${Math.max(...teamSeeded.map((m) => m.seq))}"]`)).toBeInViewport()
})
