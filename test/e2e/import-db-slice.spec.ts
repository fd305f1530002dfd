import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startCluster, type Cluster } from '../helpers/pg'
import pg from 'pg'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'

/**
 * Issue 20 §3: a reviewer takes a slice of the team archive into the desktop app. The demo team chat
 * is pulled into a real PostgreSQL (`pull --db`), the reviewer exports alice's messages with
 * `export --db … --format jsonl`, which writes the slice and its context file, and imports both in
 * the app, which has no connection to the database or the server: the messages read with the
 * group's name and the senders' names.
 */
let cluster: Cluster
let slice: string

test.beforeAll(async () => {
  test.setTimeout(180_000)
  cluster = await startCluster()
  const admin = new pg.Client({ connectionString: cluster.url })
  await admin.connect()
  await admin.query('CREATE DATABASE slice')
  await admin.end()
  const u = new URL(cluster.url)
  u.pathname = '/slice'
  const db = u.toString()
  const sim = await startSimulator()
  try {
    const pull = spawnSync(process.execPath, [cliPath, 'pull', '--db', db, '--group', '@TGS#1DEMOTEAM'], { env: demoCliEnv(sim.url), encoding: 'utf8' })
    expect(pull.status, pull.stderr).toBe(0)
  } finally {
    await sim.kill()
  }
  slice = join(mkdtempSync(join(tmpdir(), 'tim-db-slice-')), 'alice.jsonl')
  const out = spawnSync(
    process.execPath,
    [cliPath, 'export', '--db', db, '--group', '@TGS#1DEMOTEAM', '--query', 'from:alice', '--format', 'jsonl', '--out', slice],
    {
      env: { PATH: process.env.PATH },
      encoding: 'utf8'
    }
  )
  expect(out.status, out.stderr).toBe(0)
  expect(out.stderr).toContain(`${slice}.context.jsonl`)
})

test.afterAll(async () => {
  await cluster?.stop()
})

test("a reviewer's slice exported from the team archive imports into the app with its names", async ({ browser }) => {
  const count = readFileSync(slice, 'utf8').split('\n').filter(Boolean).length
  expect(count).toBeGreaterThan(5)
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
    await (await chooser).setFiles([slice, `${slice}.context.jsonl`])
    await expect(page.getByText(new RegExp(`Imported ${count} messages into 1 group from alice\\.jsonl\\.`))).toBeVisible({ timeout: 30_000 })
    await expect(page.getByText(/Context alice\.jsonl\.context\.jsonl: 1 group named, \d+ people updated\./)).toBeVisible()
    const group = page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: /产品研发 Team/ })
    await expect(group).toBeVisible()
    await group.click()
    const senders = page.getByRole('feed', { name: 'Messages' }).locator('.sender')
    await expect(senders.first()).toHaveText('Alice (PM)', { timeout: 20_000 })
    // Only alice's messages are in the slice.
    await expect(page.getByRole('feed', { name: 'Messages' }).locator('.sender:not([data-account="alice"])')).toHaveCount(0)
    expect(errors, 'no uncaught page errors').toEqual([])
  } finally {
    await ctx.close()
    await serve.kill()
  }
})
