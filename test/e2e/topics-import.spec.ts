import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { communityGroupId } from '../../tools/sim/demo-people'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'

/**
 * Issue 18 §2, the app's import: a `tim-archive pull` of the demo Community (its lines carry
 * TopicId) and its context file (the topics' names) import into the topics' channels, nested under
 * the group, with no connection; each topic keeps its own seqs (Releases 1–4 beside General 1–10).
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

let pulled: string

test.beforeAll(async () => {
  pulled = join(mkdtempSync(join(tmpdir(), 'tim-import-topics-')), 'community.jsonl')
  const sim = await startSimulator()
  try {
    const r = spawnSync(process.execPath, [cliPath, 'pull', '--group', communityGroupId, '--out', pulled], {
      env: demoCliEnv(sim.url),
      encoding: 'utf8'
    })
    expect(r.status, r.stderr).toBe(0)
  } finally {
    await sim.kill()
  }
})

test('a pulled Community imports into its topics, named from the context file', async ({ browser }) => {
  const serve = await startServe()
  const ctx = await browser.newContext({ locale: 'en-US' })
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  try {
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(serve.url)
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'or import an archive file' }).click()
    await (await chooser).setFiles([pulled, `${pulled}.context.jsonl`])
    await expect(page.getByText(/Imported 14 messages into 1 group from community\.jsonl\./)).toBeVisible({ timeout: 30_000 })
    await expect(page.getByText(/left out/)).toHaveCount(0)
    const sidebar = page.getByRole('complementary', { name: 'Groups' })
    const topics = sidebar.getByRole('list', { name: 'Topics of 开源社区 Community 🌐' })
    await expect(topics.getByRole('listitem')).toHaveCount(3)
    await expect(topics.getByRole('button', { name: /General 综合/ })).toContainText('10 messages')
    await expect(topics.getByRole('button', { name: /Releases 发布/ })).toContainText('4 messages')
    await expect(topics.getByRole('button', { name: /Ideas 想法/ })).toBeVisible()
    await topics.getByRole('button', { name: /Releases 发布/ }).click()
    await expect(page.getByRole('heading', { name: '开源社区 Community 🌐 / Releases 发布' })).toBeVisible()
    const feed = page.getByRole('feed', { name: 'Messages' })
    await expect(feed.locator('[data-row-seq]')).toHaveCount(4)
    // The senders' names come from the context file, for the topic as for its group.
    await expect(feed.locator('.sender[data-account="admin2"]').first()).not.toHaveText('admin2')
    await page.screenshot({ path: join(shots, 'topics-import-1280x800-en-light.png') })
    expect(errors, 'no uncaught page errors').toEqual([])
  } finally {
    await ctx.close()
    await serve.kill()
  }
})
