import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { teamGroupId } from '../../tools/sim/seed'
import { connectAndAdd } from './fixtures/app-page'
import { useAppSession, type AppSession } from './fixtures/session'

/**
 * People (issue 18 §1) as a reader meets them, in browser mode against the simulator's demo team
 * chat: senders are shown by name (alice by her group name card), the account ID one hover or click
 * away; `from:` finds a person by name; the charts' top senders are named. Then bob renames himself
 * on the server: after the next sync his message sent before the rename keeps the old name and the
 * one after it shows the new one. Names come from the simulator's seed (tools/sim/demo-people.ts).
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

const sidebar = () => page.getByRole('complementary', { name: /^(Groups|群组)$/ })
const feed = () => page.getByRole('feed', { name: /^(Messages|消息)$/ })
const panel = () => page.getByRole('complementary', { name: /^(Search|搜索)$/ })
const queryBox = () => page.getByRole('searchbox', { name: /Search messages|搜索消息/ })
const results = () =>
  panel()
    .getByRole('list', { name: /Search results|搜索结果/ })
    .getByRole('button')
const sender = (account: string) => feed().locator(`.sender[data-account="${account}"]`)

async function control(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await fetch(`${sim.url}/_sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const json = (await r.json()) as Record<string, unknown>
  expect(json['ok'], JSON.stringify(json)).toBe(true)
  return json
}

async function syncAll() {
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
}

async function shot(name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.screenshot({ path: join(shots, `people-${name}-${scheme}.png`) })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

test('after a sync the timeline shows names, the account on hover and in the details', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId])
  await sidebar()
    .getByRole('button', { name: /产品研发 Team/ })
    .click()
  await syncAll()
  // alice's group name card wins over her nickname (TUIKit's order).
  const alice = sender('alice').first()
  await expect(alice).toHaveText('Alice (PM)', { timeout: 20_000 })
  await expect(alice).toHaveAttribute('title', /Account ID: alice/)
  await expect(feed()).not.toContainText(/^alice$/)
  await shot('timeline')
  // The details dialog names the account too.
  const row = feed()
    .locator('article', { has: page.locator('.sender[data-account="alice"]') })
    .first()
  await row.hover()
  await row.getByRole('button', { name: 'Show the archived record (Enter)' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toContainText('Alice (PM) (alice)')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('search from:Alice finds alice’s messages, shown by name', async () => {
  await page.keyboard.press('Control+f')
  await queryBox().fill('from:Alice')
  await queryBox().press('Enter')
  await expect(results().first()).toBeVisible({ timeout: 20_000 })
  const senders = await results().locator('.sender').allTextContents()
  expect(senders.length).toBeGreaterThan(0)
  expect(new Set(senders)).toEqual(new Set(['Alice (PM)']))
  // The sender box suggests names as one types.
  const box = panel().getByRole('combobox', { name: /Sender/ })
  await box.fill('Zhang')
  await expect(panel().locator('#search-senders option[value="Bob Zhang 张博"]')).toHaveCount(1)
  await box.fill('')
  await shot('search')
})

test('the charts’ top senders are named', async () => {
  await page.getByRole('button', { name: 'Charts', exact: true }).click()
  const list = page.getByTestId('charts').getByRole('list', { name: 'Top senders' })
  await expect(list.locator('[data-sender="alice"] .name')).toHaveText('Alice (PM)')
  await expect(list.locator('[data-sender="bob"] .name')).toHaveText('Bob Zhang 张博')
  await shot('charts')
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
})

test('bob renames himself: his message from before keeps the old name, the later one shows the new', async () => {
  // A message after the names were first seen, then the rename, then one after the rename was seen.
  await page.waitForTimeout(1100)
  await control('append', { groupId: teamGroupId, from: 'bob', text: 'Before the rename' })
  await syncAll()
  await page.waitForTimeout(1100)
  await control('profile', { account: 'bob', nick: 'Bobby Z' })
  await syncAll()
  await page.waitForTimeout(1100)
  await control('append', { groupId: teamGroupId, from: 'bob', text: 'After the rename' })
  await syncAll()
  const before = feed().locator('article', { hasText: 'Before the rename' })
  const after = feed().locator('article', { hasText: 'After the rename' })
  await expect(after.locator('.sender')).toHaveText('Bobby Z', { timeout: 20_000 })
  await expect(before.locator('.sender')).toHaveText('Bob Zhang 张博')
  await expect(before.locator('.sender')).toHaveAttribute('title', 'Account ID: bob. Now named Bobby Z')
  // The avatar is the archive's kept copy (media store), never the remote URL.
  await expect(after.locator('.avatar img')).toHaveAttribute('src', /\/media\/[0-9a-f]{64}/)
  await shot('renamed')
})

test('in Chinese the account hint is worded in Chinese', async () => {
  await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('zh-CN')
  const before = feed().locator('article', { hasText: 'Before the rename' })
  await expect(before.locator('.sender')).toHaveAttribute('title', '账号 ID：bob。现在的名字：Bobby Z')
  await shot('zh')
  await page.getByRole('combobox', { name: /Language|语言/ }).selectOption('en')
})

test('"Refresh names" in the group details asks again, from the keyboard, and says how it went', async () => {
  await control('profile', { account: 'bob', nick: 'Robert Z' })
  const details = page.locator('.group-header details.more-facts')
  await details.locator('summary').focus()
  await page.keyboard.press('Enter')
  const button = details.getByRole('button', { name: 'Refresh names' })
  await button.focus()
  await page.keyboard.press('Enter')
  await expect(details.locator('[data-fact="names-refresh"]')).toHaveText(/Names refreshed: \d+ people answered\./, { timeout: 20_000 })
  await expect(button).toBeEnabled()
  // A team chat has a member list: no profiles-only note.
  await expect(details.locator('[data-fact="no-member-list"]')).toHaveCount(0)
  const after = feed().locator('article', { hasText: 'After the rename' })
  // bob's message keeps the name in force when sent; the new name is his current one.
  await expect(after.locator('.sender')).toHaveAttribute('title', 'Account ID: bob. Now named Robert Z', { timeout: 20_000 })
  await expect(after.locator('.sender')).toHaveText('Bobby Z')
  await shot('refresh-names')
})

test('a group dismissed on the server: Refresh names says names come from profiles only (the no-member-list note)', async () => {
  // The demo's live-stream group (AVChatRoom) cannot be archived (it keeps no history), so the app
  // meets a group without a member list when one it archives is dismissed (get_group_member_info: 10010).
  await control('dismiss', { groupId: teamGroupId })
  const details = page.locator('.group-header details.more-facts')
  if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open))) await details.locator('summary').click()
  const button = details.getByRole('button', { name: 'Refresh names' })
  await button.focus()
  await page.keyboard.press('Enter')
  await expect(details.locator('[data-fact="names-refresh"]')).toHaveText(/Names refreshed: \d+ people answered\./, { timeout: 20_000 })
  const note = details.locator('[data-fact="no-member-list"]')
  await expect(note).toHaveText(/^This group has no member list on the server .*never from group name cards\.$/)
  // The button names the note as its description, for a screen reader.
  await expect(button).toHaveAttribute('aria-describedby', (await note.getAttribute('id'))!)
  await shot('no-member-list')
})
