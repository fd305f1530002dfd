import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { communityGroupId, communityTopicIds } from '../../tools/sim/demo-people'
import { connectAndAdd } from './fixtures/app-page'
import { useAppSession, type AppSession } from './fixtures/session'

/**
 * Community topics (issue 18 §2) in browser mode against the simulator's demo Community: a sync
 * lists its topics (get_topic) and pulls each as its own channel; the sidebar nests them under the
 * group (folding works from the keyboard); a topic opens its own timeline; search finds a topic's
 * messages with `in:` and names them "Group / Topic"; a topic added on the server is found by the
 * next sync. The demo's topics: General 综合 (10 messages), Releases 发布 (4), Ideas 想法 (none).
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial' })

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10 } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})
test.afterEach(() => {
  expect(session.pageErrors, 'no uncaught page errors').toEqual([])
})

const community = '开源社区 Community 🌐'
const sidebar = () => page.getByRole('complementary', { name: /^(Groups|群组)$/ })
const topicList = () => sidebar().getByRole('list', { name: /^(Topics of|.* 的话题$)/ })
const topic = (name: RegExp) => topicList().getByRole('button', { name })
const feed = () => page.getByRole('feed', { name: /^(Messages|消息)$/ })
const panel = () => page.getByRole('complementary', { name: /^(Search|搜索)$/ })
const queryBox = () => page.getByRole('searchbox', { name: /Search messages|搜索消息/ })
const results = () =>
  panel()
    .getByRole('list', { name: /Search results|搜索结果/ })
    .getByRole('button')

async function control(path: string, body: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${sim.url}/_sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const json = (await r.json()) as Record<string, unknown>
  expect(json['ok'], JSON.stringify(json)).toBe(true)
}

/** Screenshots of what is open (a modal dialog too) at 1280×800 in en and zh, light and dark; back to en, light. */
async function shots4(name: string): Promise<void> {
  const language = (lang: string) =>
    page.locator('#language').evaluate((el, v) => {
      const select = el as unknown as { value: string; dispatchEvent(e: unknown): boolean }
      select.value = v
      select.dispatchEvent(new (globalThis as unknown as { Event: new (t: string, o: object) => unknown }).Event('change', { bubbles: true }))
    }, lang)
  for (const lang of ['en', 'zh-CN'] as const) {
    await language(lang)
    await expect(page.locator('html')).toHaveAttribute('lang', lang === 'en' ? /^en/ : /^zh/)
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(shots, `${name}-1280x800-${lang}-${scheme}.png`) })
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await language('en')
}

async function syncAll() {
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
}

test('a sync of the Community lists its topics and pulls each; the sidebar nests them with their counts', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [communityGroupId])
  await sidebar()
    .getByRole('button', { name: new RegExp(community) })
    .first()
    .click()
  await syncAll()
  // Each small topic is fetched whole by its first request; the progress counts those seqs too.
  await expect(page.getByText('14 of 14 seqs', { exact: true })).toBeVisible()
  await expect(page.getByText('14 messages received', { exact: true })).toBeVisible()
  await expect(topicList()).toBeVisible()
  await expect(topicList().getByRole('listitem')).toHaveCount(3)
  // Each topic its own channel: its own messages and its date range (first – last message).
  await expect(topic(/General 综合/)).toContainText(/10 messages · [A-Z][a-z]{2} \d{1,2}/)
  await expect(topic(/Releases 发布/)).toContainText(/4 messages · [A-Z][a-z]{2} \d{1,2}/)
  await expect(topic(/Ideas 想法/)).toContainText('No messages on the server')
  // The topics are in the list in name order, under their group.
  await expect(topicList().getByRole('listitem')).toContainText([/General/, /Ideas/, /Releases/])
})

test('the topics fold and unfold from the keyboard', async () => {
  const twisty = sidebar().getByRole('button', { name: `Hide the topics of ${community}` })
  await twisty.focus()
  await page.keyboard.press('Enter')
  await expect(topicList()).toHaveCount(0)
  const show = sidebar().getByRole('button', { name: `Show the topics of ${community}` })
  await expect(show).toHaveAttribute('aria-expanded', 'false')
  await expect(show).toBeFocused()
  await page.keyboard.press('Space')
  await expect(topicList().getByRole('listitem')).toHaveCount(3)
  await expect(sidebar().getByRole('button', { name: `Hide the topics of ${community}` })).toHaveAttribute('aria-expanded', 'true')
})

test('a topic opens its own timeline, named "Group / Topic"', async () => {
  await topic(/Releases 发布/).click()
  await expect(page.getByRole('heading', { name: `${community} / Releases 发布` })).toBeVisible()
  await expect(feed().locator('[data-row-seq]')).toHaveCount(4)
  await expect(feed()).toContainText('v2.4 is out')
  await expect(feed()).not.toContainText('Welcome to the community!')
  for (const size of [
    { width: 1280, height: 800 },
    { width: 800, height: 600 }
  ]) {
    await page.setViewportSize(size)
    // A small window folds the group list away: open it for the picture.
    const toggle = page.getByRole('button', { name: /^(Group list|群组列表)$/ })
    // Under 1000 px the list folds itself away (layout.svelte.ts): wait for that, then open it.
    await expect(toggle).toHaveAttribute('aria-expanded', size.width < 1000 ? 'false' : 'true')
    if (size.width < 1000) await toggle.click()
    await expect(topicList()).toBeVisible()
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.locator('#language').selectOption(lang)
      await expect(sidebar().getByRole('button', { name: lang === 'en' ? `Hide the topics of ${community}` : `隐藏 ${community} 的话题` })).toBeVisible()
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        await page.screenshot({ path: join(shots, `topics-sidebar-${size.width}x${size.height}-${lang}-${scheme}.png`) })
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.locator('#language').selectOption('en')
  await page.setViewportSize({ width: 1280, height: 800 })
  const toggle = page.getByRole('button', { name: 'Group list' })
  await expect(toggle).toHaveAttribute('aria-expanded', /true|false/)
  if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click()
  await expect(topicList()).toBeVisible()
})

test('search: in: a topic by name or ID, and This group on an open topic; results name "Group / Topic"', async () => {
  await page.keyboard.press('Control+f')
  await queryBox().fill('in:"Releases 发布" sessions')
  await queryBox().press('Enter')
  await expect(results()).toHaveCount(1, { timeout: 20_000 })
  await expect(results().first()).toContainText('No, sessions carry over.')
  await expect(results().first()).toContainText(`${community} / Releases 发布`)
  // By the topic's ID: General's messages only.
  await queryBox().fill(`in:${communityTopicIds.general} Riga`)
  await queryBox().press('Enter')
  await expect(results()).toHaveCount(1, { timeout: 20_000 })
  await expect(results().first()).toContainText(`${community} / General 综合`)
  // This group, with Releases open: a word of General's is not found, one of Releases' is.
  await queryBox().fill('Riga')
  await queryBox().press('Enter')
  await expect(panel()).toContainText(/No messages match|没有匹配/, { timeout: 20_000 })
  await queryBox().fill('Upgraded')
  await queryBox().press('Enter')
  await expect(results()).toHaveCount(1, { timeout: 20_000 })
  await page.keyboard.press('Escape')
})

test('a topic added on the server is found by the next sync', async () => {
  const events = `${communityGroupId}@TOPIC#_events`
  await control('topic', { groupId: communityGroupId, topicId: events, name: 'Events 活动' })
  await control('append', { groupId: communityGroupId, topicId: events, from: 'alice', text: 'Meetup on Friday' })
  await syncAll()
  await expect(topicList().getByRole('listitem')).toHaveCount(4)
  await expect(topic(/Events 活动/)).toContainText('1 message')
  await topic(/Events 活动/).click()
  await expect(feed()).toContainText('Meetup on Friday')
  // The other topics were not pulled again into duplicates.
  await expect(topic(/General 综合/)).toContainText('10 messages')
})

test('the Community’s health report has a row per topic, and its export carries the group with its topics', async () => {
  await sidebar()
    .getByRole('button', { name: new RegExp(`^${community}`) })
    .first()
    .click()
  // The Community's charts count its topics' messages, its top senders named from the topics' people.
  await page.getByRole('button', { name: 'Charts', exact: true }).click()
  const senders = page.getByTestId('charts').getByRole('list', { name: 'Top senders' })
  await expect(senders.locator('[data-sender="admin2"]')).toHaveAttribute('data-count', '4')
  await expect(senders.locator('[data-sender="admin2"] .name')).toHaveText('Ops Bot')
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  await page
    .getByRole('region', { name: new RegExp(community) })
    .getByRole('button', { name: 'Health report' })
    .click()
  const report = page.getByRole('dialog', { name: /^Health report/ })
  for (const name of ['General 综合', 'Releases 发布', 'Ideas 想法', 'Events 活动']) {
    await expect(report.getByRole('heading', { name: new RegExp(`${community} / ${name}`) })).toBeVisible({ timeout: 20_000 })
  }
  // The summary counts topics apart from groups, as tim-archive report does.
  await expect(report.locator('[data-total="units"]')).toHaveText('1 group, 4 topics')
  await expect(report.locator('[data-total="complete-topics"]')).toHaveText('4 / 4')
  await report.getByRole('heading', { name: 'Summary' }).scrollIntoViewIfNeeded()
  await shots4('topics-health-summary')
  // The downloaded files name a topic's row as the dialog does.
  const [htmlFile] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Export HTML' }).click()])
  expect(readFileSync((await htmlFile.path())!, 'utf8')).toContain(`${community} / Releases 发布 (${communityTopicIds.releases})`)
  const [jsonFile] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Export JSON' }).click()])
  const h = JSON.parse(readFileSync((await jsonFile.path())!, 'utf8')) as { groups: { groupId: string; name?: string }[] }
  expect(h.groups.find((g) => g.groupId === communityTopicIds.general)!.name).toBe(`${community} / General 综合`)
  await page.keyboard.press('Escape')
  await expect(report).toBeHidden()

  await page.getByRole('button', { name: 'Export…', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export messages' })
  await dialog.getByLabel('Format').selectOption('json')
  // The dialog starts from the search panel's last search: this group, all of it.
  await dialog.getByRole('radio', { name: 'This group' }).check()
  const download = page.waitForEvent('download')
  await dialog.getByRole('button', { name: 'Export', exact: true }).click()
  const file = join(mkdtempSync(join(tmpdir(), 'tim-topics-export-')), 'community.json')
  await (await download).saveAs(file)
  await expect(dialog.getByRole('status')).toContainText('Exported 15 messages')
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    export: { groups: { groupId: string; topics?: { topicId: string; name?: string }[] }[] }
    messages: { TopicId?: string }[]
  }
  // One group, with each topic exported of it (ID and name); every message names its topic.
  expect(json.export.groups).toHaveLength(1)
  expect(json.export.groups[0]!.groupId).toBe(communityGroupId)
  expect(json.export.groups[0]!.topics!.map((t) => t.name).sort()).toEqual(['Events 活动', 'General 综合', 'Ideas 想法', 'Releases 发布'])
  expect(json.messages).toHaveLength(15)
  expect(json.messages.filter((m) => m.TopicId === communityTopicIds.releases)).toHaveLength(4)
  await dialog.getByRole('button', { name: 'Close' }).click()
})

test('deleting the Community deletes its topics too, and the confirmation says so', async () => {
  await sidebar()
    .getByRole('button', { name: new RegExp(`^${community}`) })
    .first()
    .click()
  const header = page.locator('.group-header')
  const details = header.locator('details.more-facts')
  if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open))) await details.locator('summary').click()
  await header.getByRole('button', { name: 'Delete from this archive…' }).click()
  const dialog = page.getByRole('dialog', { name: new RegExp(`Delete “${community}”`) })
  // The topics' 15 messages are counted, and the topics named.
  await expect(dialog).toContainText('This deletes the 15 archived messages')
  await expect(dialog).toContainText('Its 4 topics go with it, counted above: Events 活动, General 综合, Ideas 想法, Releases 发布.')
  await shots4('topics-delete')
  await dialog.getByLabel('To confirm, type the group’s name:').fill((await dialog.locator('code.name').textContent())!)
  await dialog.getByRole('button', { name: 'Delete 15 messages' }).click()
  await expect(dialog).toBeHidden({ timeout: 20_000 })
  // Nothing of it stays in the sidebar: no topic left on its own.
  await expect(sidebar().getByRole('button', { name: new RegExp(community) })).toHaveCount(0)
  await expect(sidebar().getByRole('button', { name: /Releases 发布|General 综合/ })).toHaveCount(0)
  await expect(topicList()).toHaveCount(0)
})
