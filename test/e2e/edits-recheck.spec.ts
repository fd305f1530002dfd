import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { EDIT, TEAM_SEQS } from '../../tools/sim/demo-people'
import { demoApp, teamGroupId } from '../../tools/sim/seed'
import { connectAndAdd } from './fixtures/app-page'
import { freePort, simPath, startProcess, startServe, type Running } from './fixtures/processes'

/**
 * The app's Recheck records an admin's edit (modify_group_msg, issue 18 §5) against the simulator:
 * the demo team chat is synced, then the server changes two messages: one through the control
 * endpoint /_sim/edit, and the demo's own edit target (TEAM_SEQS.edited) by the simulator's
 * `--edit-after` switch. A Recheck marks both "edited", and the versions dialog has the original
 * the archive saw first and the server's current copy. Expected texts come from the seed.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial' })

const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / 86_400_000) * 86_400 })
const team = app.groups.get(teamGroupId)!.messages
const textOf = (seq: number): string => {
  const body = team.get(seq)!.body as { MsgType: string; MsgContent: { Text?: string } }[]
  expect(body.map((e) => e.MsgType)).toEqual(['TIMTextElem'])
  return body[0]!.MsgContent.Text!
}
/** alice's message that a reply quotes: edited through /_sim/edit. */
const target = TEAM_SEQS.quoted
const newText = 'Edited by an admin: the deploy window is Zanzibar time.'
/** Seconds after the simulator starts that `--edit-after` edits TEAM_SEQS.edited: after the first sync. */
const editAfter = 45

let sim: Running & { url: string }
let serve: Awaited<ReturnType<typeof startServe>>
let page: Page
const errors: string[] = []

test.beforeAll(async ({ browser }) => {
  const port = await freePort()
  sim = {
    ...startProcess([simPath, '--port', String(port), '--latency', '2', '--bench-messages', '10', '--edit-after', String(editAfter)]),
    url: `http://127.0.0.1:${port}`
  }
  await sim.waitFor(/TIM_ENDPOINT=(\S+)/)
  serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai' })
  page = await context.newPage()
  page.on('pageerror', (e) => errors.push(String(e)))
})
test.afterAll(async () => {
  await page?.context().close()
  await serve?.kill()
  await sim?.kill()
})
test.afterEach(() => expect(errors, 'no uncaught page errors').toEqual([]))

const feed = () => page.getByRole('feed', { name: 'Messages' })
const row = (seq: number) => feed().locator(`[data-row-seq="${seq}"]`)
const editedMark = (seq: number) => row(seq).getByRole('button', { name: /^Edited on the server since it was archived/ })

async function openSeq(seq: number, word: string) {
  const box = page.getByRole('searchbox', { name: 'Search messages' })
  if (!(await box.isVisible())) await page.keyboard.press('Control+f')
  await box.fill(word)
  await box.press('Enter')
  await page.locator(`[data-hit-seq="${seq}"]`).first().click()
  await expect(row(seq)).toBeInViewport()
}

test('I sync the demo team chat before the server edits anything', async () => {
  test.setTimeout(150_000)
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId])
  await page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  expect(sim.output(), `the first sync finished within ${editAfter} s, before the simulator's edit`).not.toMatch(/edited @TGS/)
  await openSeq(TEAM_SEQS.edited, 'Rollout')
  await expect(row(TEAM_SEQS.edited)).toContainText(EDIT.before)
  await expect(editedMark(TEAM_SEQS.edited)).toHaveCount(0)
  await expect(editedMark(target)).toHaveCount(0)
})

test('the server edits two messages; Recheck marks both edited with both versions', async () => {
  test.setTimeout(150_000)
  const before = textOf(target)
  // The demo's switch: the simulator edits its edit target as modify_group_msg does.
  await sim.waitFor(new RegExp(`edited ${teamGroupId} seq ${TEAM_SEQS.edited}`), (editAfter + 30) * 1000)
  // And a control request, as docs/dev/contributing.md describes it.
  const res = await fetch(`${sim.url}/_sim/edit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ groupId: teamGroupId, seq: target, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: newText } }] })
  })
  expect(await res.json()).toEqual({ ok: true })

  // Nothing changes in the archive until it asks the server again.
  await expect(editedMark(TEAM_SEQS.edited)).toHaveCount(0)
  await page.getByRole('button', { name: 'Recheck' }).click()
  // The open timeline shows the edit as soon as the recheck has committed it.
  await expect(editedMark(TEAM_SEQS.edited)).toHaveCount(1, { timeout: 90_000 })
  await expect(page.locator('.sync-panel')).toHaveAttribute('data-status', 'done', { timeout: 90_000 })

  for (const [seq, original, current, word] of [
    [TEAM_SEQS.edited, EDIT.before, EDIT.after, 'Tuesday'],
    [target, before, newText, 'Zanzibar']
  ] as const) {
    await openSeq(seq, word)
    await expect(row(seq)).toContainText(current)
    const mark = editedMark(seq)
    await expect(mark).toHaveText('edited')
    await expect(mark).toHaveAccessibleName(/1 earlier version kept/)
    await mark.click()
    const dialog = page.getByRole('dialog', { name: `Versions of message ${seq}` })
    const items = dialog.getByRole('listitem')
    await expect(items).toHaveCount(2)
    await expect(items.nth(0)).toContainText('Original')
    await expect(items.nth(0)).toContainText(original)
    await expect(items.nth(1)).toContainText('Current')
    await expect(items.nth(1)).toContainText(current)
    if (seq === TEAM_SEQS.edited) await page.screenshot({ path: join(shots, 'edits-recheck-01-versions.png') })
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
  }
  // Only these two: a neighbour is not marked.
  await expect(row(target - 1).getByRole('button', { name: /^Edited/ })).toHaveCount(0)
})

test("the group's health report counts the edits on their own line, not as removed", async () => {
  await page
    .getByRole('region', { name: /产品研发 Team/ })
    .getByRole('button', { name: 'Health report' })
    .click()
  const report = page.getByRole('dialog', { name: /Health report: 产品研发 Team/ })
  await expect(report).toBeVisible()
  const line = (kind: string) => report.locator(`tr[data-kind="${kind}"]`)
  await expect(line('edited').locator('th')).toHaveText('Edited since archived (every version kept)')
  await expect(line('edited').locator('td').first()).toHaveText('2')
  await expect(line('edited').locator('td.seqs')).toHaveText([target, TEAM_SEQS.edited].sort((a, b) => a - b).join(', '))
  await expect(line('removed-later').locator('td').first()).toHaveText('0')
  await report.getByRole('button', { name: 'Close' }).click()
})
