import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { corpus, hostileTexts } from '../unit/export/corpus'
import { checkRecord } from '../../src-main/shared/record-line'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'
import { communityGroupId, communityTopicIds } from '../../tools/sim/demo-people'

/**
 * An exported HTML file opened from disk (file://) in Chromium: the hostile texts of the demo
 * team chat and of the export corpus must show as text and run nothing; the page must request
 * nothing; its own search, sender and date filters and its theme toggle must work.
 */

function cli(args: string[], e: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(process.execPath, [cliPath, ...args], { env: e, encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
}

let dir: string
let pulled: string
let pulledCommunity: string

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tim-export-e2e-'))
  pulled = join(dir, 'team.jsonl')
  const sim = await startSimulator()
  try {
    cli(['pull', '--group', '@TGS#1DEMOTEAM', '--out', pulled], demoCliEnv(sim.url))
    pulledCommunity = join(dir, 'community.jsonl')
    cli(['pull', '--group', communityGroupId, '--out', pulledCommunity], demoCliEnv(sim.url))
  } finally {
    await sim.kill()
  }
})

interface Watch {
  dialogs: string[]
  requests: string[]
  cspErrors: string[]
}

async function open(page: Page, file: string): Promise<Watch> {
  const w: Watch = { dialogs: [], requests: [], cspErrors: [] }
  const url = pathToFileURL(file).href
  page.on('dialog', (d) => {
    w.dialogs.push(d.message())
    void d.dismiss()
  })
  page.on('request', (r) => {
    if (r.url() !== url) w.requests.push(r.url())
  })
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) w.cspErrors.push(m.text())
  })
  await page.goto(url)
  return w
}

test('an exported HTML file shows hostile texts as text and runs none of them', async ({ page }) => {
  const file = join(dir, 'hostile.jsonl')
  // The corpus' two malformed records are for the writers: an export refuses a file holding them
  // (shared/record-line), so the page gets the valid ones, every hostile text among them.
  const valid = corpus.filter((m) => checkRecord(m) === null)
  writeFileSync(file, readFileSync(pulled, 'utf8') + valid.map((m) => JSON.stringify(m)).join('\n') + '\n')
  const out = join(dir, 'hostile.html')
  cli(['export', '--in', file, '--format', 'html', '--out', out])
  const w = await open(page, out)

  // The page's own script ran (the count is filled in), and nothing from content did.
  await expect(page.locator('#shown')).toHaveText(/^\d+ of \d+ messages$/)
  for (const text of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', hostileTexts[0]!, hostileTexts[1]!, hostileTexts[3]!]) {
    await expect(page.getByText(text, { exact: true }).first()).toBeVisible()
  }
  await expect(page.getByText('invoice_\\u202efdp.exe and \\u2067isolate\\u2069', { exact: true })).toBeVisible()
  // Hover and click the messages that carry handlers: none may fire.
  for (const el of await page.locator('article', { hasText: /pwned|onmouseover|onerror|onload/ }).all()) {
    await el.hover()
    await el.click({ position: { x: 5, y: 5 } })
  }
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined()
  expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0)
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  for (const h of hrefs) expect(h).toMatch(/^https?:\/\//)
  expect(w.dialogs).toEqual([])
  expect(w.requests).toEqual([])
  expect(w.cspErrors).toEqual([])
})

test('I can search and filter inside an exported HTML file, and switch light and dark', async ({ page }) => {
  const out = join(dir, 'team.html')
  cli(['export', '--in', pulled, '--format', 'html', '--out', out])
  const w = await open(page, out)
  const articles = page.locator('article')
  const total = await articles.count()
  expect(total).toBe(595)
  await expect(page.locator('#shown')).toHaveText(`${total} of ${total} messages`)
  await page.screenshot({ path: resolve(__dirname, '../../test-results/screenshots/export-html-light.png') })

  // A sender's name is searchable: her one message (its body is protobuf, shown as hex).
  await page.locator('#q').fill('watermelon girl')
  await expect(page.locator('#shown')).toHaveText(`1 of ${total} messages`)
  await expect(page.locator('article:visible .h .f')).toHaveText('Watermelon Girl')
  await page.locator('#q').fill('')
  await expect(page.locator('#shown')).toHaveText(`${total} of ${total} messages`)

  await page.locator('#from').selectOption('fatima')
  const visible = page.locator('article:visible')
  const n = await visible.count()
  expect(n).toBeGreaterThan(3)
  expect(n).toBeLessThan(total)
  // The pull wrote the archive's context file: the sender shows by name, the account on hover.
  for (const f of await visible.locator('.h .f').allTextContents()) expect(f).toBe('فاطمة Fatima')
  for (const t of await visible.locator('.h .f').evaluateAll((els) => els.map((e) => e.getAttribute('title')))) expect(t).toBe('fatima')
  await expect(page.locator('#from option[value="fatima"]')).toHaveText('فاطمة Fatima (fatima)')

  await page.locator('#from').selectOption('')
  const days = await articles.evaluateAll((as) => as.map((a) => a.getAttribute('data-d') ?? '').filter(Boolean))
  const day = days[Math.floor(days.length / 2)]!
  await page.locator('#after').fill(day)
  await page.locator('#before').fill(day)
  const onDay = days.filter((d) => d === day).length
  await expect(page.locator('#shown')).toHaveText(`${onDay} of ${total} messages`)
  for (const d of await page.locator('article:visible').evaluateAll((as) => as.map((a) => a.getAttribute('data-d')))) expect(d).toBe(day)
  // Only that day's heading stays; the other days' headings hide with their messages.
  await expect(page.locator('h3.day:visible')).toHaveCount(1)
  await expect(page.locator('h3.day:visible time')).toHaveAttribute('datetime', day)
  await page.locator('#after').fill('')
  await page.locator('#before').fill('')

  const bg = () =>
    page.evaluate(() => {
      // The node tsconfig has no DOM lib: the page's globals, typed as far as used here.
      const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } }
      return g.getComputedStyle(g.document.body).backgroundColor
    })
  const before = await bg()
  await page.getByRole('button', { name: 'Light / dark' }).click()
  expect(await bg()).not.toBe(before)
  await page.screenshot({ path: resolve(__dirname, '../../test-results/screenshots/export-html-dark.png') })
  expect(w.requests).toEqual([])
  expect(w.cspErrors).toEqual([])
})

test('a Community’s HTML export filters by topic, from the keyboard (issue 18 §2)', async ({ page }) => {
  const out = join(dir, 'community.html')
  cli(['export', '--in', pulledCommunity, '--format', 'html', '--out', out])
  const w = await open(page, out)
  const total = await page.locator('article').count()
  expect(total).toBe(14)
  const topic = page.getByRole('combobox', { name: 'Topic' })
  // The topics the page holds, named "Group / Topic (ID)" as their sections are.
  await expect(topic.locator('option')).toHaveText(['All topics', /\/ General 综合 \(/, /\/ Releases 发布 \(/])
  // Reached with Tab from the sender filter (a native select: the arrow keys change it).
  await page.getByRole('combobox', { name: 'Sender' }).focus()
  await page.keyboard.press('Tab')
  await expect(topic).toBeFocused()
  await topic.selectOption(communityTopicIds.releases)
  await expect(page.locator('#shown')).toHaveText(`4 of ${total} messages`)
  for (const t of await page.locator('article:visible').evaluateAll((as) => as.map((a) => a.getAttribute('data-t')))) expect(t).toBe(communityTopicIds.releases)
  // The other topics' headings hide with their messages.
  await expect(page.locator('h2.g:visible')).toHaveCount(1)
  await expect(page.locator('h2.g:visible')).toContainText('Releases 发布')
  await page.screenshot({ path: resolve(__dirname, '../../test-results/screenshots/export-html-topics-light.png') })
  await topic.selectOption('')
  await expect(page.locator('#shown')).toHaveText(`${total} of ${total} messages`)
  await expect(page.locator('h2.g:visible')).toHaveCount(2)
  expect(w.requests).toEqual([])
  expect(w.cspErrors).toEqual([])
})

test('a JSON Lines export imports into the app like the pull file it came from', async ({ browser }) => {
  const out = join(dir, 'exported.jsonl')
  cli(['export', '--in', pulled, '--format', 'jsonl', '--out', out])
  const serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'or import an archive file' }).click()
    await (await chooser).setFiles(out)
    await expect(page.getByText(/Imported 595 messages into 1 groups? from exported\.jsonl/)).toBeVisible({ timeout: 30_000 })
  } finally {
    await context.close()
    await serve.kill()
  }
})
