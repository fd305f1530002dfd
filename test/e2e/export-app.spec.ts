import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { unzip } from '../helpers/unzip'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'

/**
 * The app's export in browser mode: the archive streams from IndexedDB through the host to a
 * file the browser downloads. Round trip: pull → import into the app → export JSON Lines → the
 * same records as the pull file.
 */

let dir: string
let pulled: string

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tim-export-app-'))
  pulled = join(dir, 'team.jsonl')
  const sim = await startSimulator()
  try {
    const r = spawnSync(process.execPath, [cliPath, 'pull', '--group', '@TGS#1DEMOTEAM', '--out', pulled], {
      env: demoCliEnv(sim.url),
      encoding: 'utf8'
    })
    expect(r.status, r.stderr).toBe(0)
  } finally {
    await sim.kill()
  }
})

async function importAndOpen(page: Page): Promise<void> {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'or import an archive file' }).click()
  await (await chooser).setFiles(pulled)
  await expect(page.getByText(/Imported 595 messages/)).toBeVisible({ timeout: 30_000 })
  await page
    .getByRole('complementary', { name: 'Groups' })
    .getByRole('button', { name: /@TGS#1DEMOTEAM/ })
    .click()
}

async function exportWith(page: Page, choose: (dialog: ReturnType<Page['getByRole']>) => Promise<void>): Promise<string> {
  await page.getByRole('button', { name: 'Export…', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export messages' })
  await expect(dialog).toBeVisible()
  await choose(dialog)
  const download = page.waitForEvent('download')
  await dialog.getByRole('button', { name: 'Export', exact: true }).click()
  const d = await download
  const file = join(dir, d.suggestedFilename())
  await d.saveAs(file)
  await expect(dialog.getByRole('status')).toContainText(/Exported \d+ messages/)
  await page.screenshot({ path: resolve(__dirname, `../../test-results/screenshots/export-dialog-${d.suggestedFilename().split('.').pop()}.png`) })
  await dialog.getByRole('button', { name: 'Close' }).click()
  return file
}

test('round trip: a pulled archive imported into the app exports as the same JSON Lines records', async ({ browser }) => {
  const serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    await importAndOpen(page)
    const file = await exportWith(page, async (d) => {
      await d.getByLabel('Format').selectOption('jsonl')
    })
    const exported = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    const original = readFileSync(pulled, 'utf8').split('\n').filter(Boolean)
    expect(exported.length).toBe(595)
    // Same records (key order aside: the store gives back what was imported).
    const canon = (l: string) => JSON.stringify(JSON.parse(l), Object.keys(JSON.parse(l)).sort())
    expect(exported.map((l) => JSON.parse(l) as unknown)).toEqual(
      [...original]
        .sort((a, b) => (JSON.parse(a) as { MsgSeq: number }).MsgSeq - (JSON.parse(b) as { MsgSeq: number }).MsgSeq)
        .map((l) => JSON.parse(l) as unknown)
    )
    expect(exported.map(canon).sort()).toEqual(original.map(canon).sort())

    // The current search results: the dialog starts from the search panel's search.
    await page.getByRole('feed', { name: 'Messages' }).focus()
    await page.keyboard.press('Control+f')
    const box = page.getByRole('searchbox', { name: /Search messages/ })
    await box.fill('from:fatima')
    await box.press('Enter')
    const csv = await exportWith(page, async (d) => {
      await expect(d.getByLabel('Matching a search')).toBeChecked()
      await expect(d.getByRole('searchbox', { name: 'Search' })).toHaveValue('from:fatima')
      await d.getByLabel('Format').selectOption('csv')
    })
    const rows = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean).slice(1)
    expect(rows.length).toBeGreaterThan(3)
    for (const r of rows) expect(r.split(',')[3]).toBe('fatima')
    // Exactly the search's results.
    await expect(page.getByRole('complementary', { name: 'Search' }).getByText(`${rows.length} results`, { exact: true })).toBeVisible()

    // A split export: a browser downloads one .zip holding the folder of parts and its index.
    const zipFile = await exportWith(page, async (d) => {
      await d.getByLabel('This group').check()
      await d.getByLabel('Format').selectOption('html')
      await d.getByLabel('Files').selectOption({ label: 'A file per number of messages' })
      await d.getByLabel('Messages per file').fill('250')
      await expect(d.getByText('The files download together as one .zip')).toBeVisible()
    })
    expect(zipFile).toMatch(/@TGS#1DEMOTEAM \d{4}-\d{2}-\d{2}\.zip$/)
    const parts = new Map([...(await unzip(readFileSync(zipFile)))].map(([name, text]) => [name.split('/').pop()!, text]))
    expect([...parts.keys()]).toEqual(['index.html', 'part-0001.html', 'part-0002.html', 'part-0003.html'])
    expect(['part-0001.html', 'part-0002.html', 'part-0003.html'].map((f) => parts.get(f)!.match(/<article/g)?.length)).toEqual([250, 250, 95])
    expect(parts.get('index.html')).toContain('href="part-0003.html"')
  } finally {
    await context.close()
    await serve.kill()
  }
})
