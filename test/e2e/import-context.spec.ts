import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'

/**
 * Issue 18 §3, the app side: someone sent a `tim-archive pull` file and its context file
 * (`FILE.context.jsonl`) imports both, with no connection, and reads the chat with its names: the
 * group's name in the sidebar, the senders' names in the timeline (the simulator's demo team chat:
 * tools/sim/demo-people.ts). The context file alone, imported later, names a group imported before.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

let pulled: string
let context: string

test.beforeAll(async () => {
  pulled = join(mkdtempSync(join(tmpdir(), 'tim-import-ctx-')), 'team.jsonl')
  context = `${pulled}.context.jsonl`
  const sim = await startSimulator()
  try {
    const r = spawnSync(process.execPath, [cliPath, 'pull', '--group', '@TGS#1DEMOTEAM', '--out', pulled], {
      env: demoCliEnv(sim.url),
      encoding: 'utf8'
    })
    expect(r.status, r.stderr).toBe(0)
  } finally {
    await sim.kill() // the reader's machine has no server at all
  }
  expect(existsSync(context), 'pull writes the context file beside the archive').toBe(true)
})

async function withPage(browser: Browser, run: (page: Page) => Promise<void>): Promise<void> {
  const serve = await startServe()
  const ctx = await browser.newContext({ locale: 'en-US' })
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  try {
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(serve.url)
    await run(page)
    expect(errors, 'no uncaught page errors').toEqual([])
  } finally {
    await ctx.close()
    await serve.kill()
  }
}

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Groups' })
const sender = (page: Page, account: string) => page.getByRole('feed', { name: 'Messages' }).locator(`.sender[data-account="${account}"]`)

async function pick(page: Page, button: string, files: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: button }).click()
  const c = await chooser
  expect(c.isMultiple(), 'the picker takes an archive and its context file together').toBe(true)
  await c.setFiles(files)
}

test('an archive imported with its context file reads with the group name and the senders’ names', async ({ browser }) => {
  await withPage(browser, async (page) => {
    await pick(page, 'or import an archive file', [pulled, context])
    await expect(page.getByText(/Imported 595 messages into 1 group from team\.jsonl\./)).toBeVisible({ timeout: 30_000 })
    await expect(page.getByText(/Context team\.jsonl\.context\.jsonl: 1 group named, \d+ people updated\./)).toBeVisible()
    const group = sidebar(page).getByRole('button', { name: /产品研发 Team/ })
    await expect(group).toBeVisible()
    await group.click()
    // alice by her group name card (TUIKit's order: name card, then nickname), her account one hover away.
    const alice = sender(page, 'alice').first()
    await expect(alice).toHaveText('Alice (PM)', { timeout: 20_000 })
    await expect(alice).toHaveAttribute('title', /Account ID: alice/)
    await page.screenshot({ path: join(shots, 'import-context.png') })
  })
})

test('a context file imported later names a group imported before', async ({ browser }) => {
  await withPage(browser, async (page) => {
    await pick(page, 'or import an archive file', [pulled])
    await expect(page.getByText(/Imported 595 messages/)).toBeVisible({ timeout: 30_000 })
    const byId = sidebar(page).getByRole('button', { name: /@TGS#1DEMOTEAM/ })
    await byId.click()
    await expect(sender(page, 'alice').first()).toHaveText('alice', { timeout: 20_000 })

    await pick(page, 'Import archive…', [context])
    await expect(page.getByText(/Context team\.jsonl\.context\.jsonl: 1 group named, \d+ people updated\./)).toBeVisible({ timeout: 30_000 })
    await expect(sidebar(page).getByRole('button', { name: /产品研发 Team/ })).toBeVisible()
    await expect(sender(page, 'alice').first()).toHaveText('Alice (PM)', { timeout: 20_000 })
  })
})
