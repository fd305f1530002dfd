import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { mediaGroupId } from '../../tools/sim/seed'
import { MEDIA_LAB_SEQS } from '../../tools/sim/media/lab'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'

/**
 * "An archive imported with its media folder shows its media" (issue 17 §1): `tim-archive pull
 * --media DIR` keeps the media lab's files on one machine; on another, with no server at all, the
 * app imports the JSONL file and the folder (`serve --import-media DIR`) and shows the thumbnails.
 * Without the folder the page still says what became of each object, from the lines' `_archive.media`.
 */
test.describe.configure({ mode: 'serial', timeout: 120_000 })

const dir = mkdtempSync(join(tmpdir(), 'tim-media-import-'))
const file = join(dir, 'lab.jsonl')
const mediaDir = join(dir, 'media')

test.beforeAll(async () => {
  const sim = await startSimulator({ media: true, benchMessages: 10 })
  try {
    const pull = spawnSync(process.execPath, [cliPath, 'pull', '--group', mediaGroupId, '--out', file, '--media', mediaDir], {
      env: demoCliEnv(sim.url),
      encoding: 'utf8'
    })
    expect(pull.status, pull.stderr).toBe(0)
  } finally {
    await sim.kill() // the reader's machine has no server at all
  }
  expect(readdirSync(mediaDir).some((d) => /^[0-9a-f]{2}$/.test(d))).toBe(true)
})

interface Img {
  complete: boolean
  naturalWidth: number
}

async function importFile(page: Page): Promise<void> {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'or import an archive file' }).click()
  await (await chooser).setFiles(file)
  await expect(page.getByText(/Imported \d+ messages into 1 group from lab\.jsonl/)).toBeVisible({ timeout: 30_000 })
  await page
    .getByRole('complementary', { name: 'Groups' })
    .getByRole('button', { name: /@TGS#7MEDIALAB/ })
    .click()
}

const feed = (page: Page) => page.getByRole('feed', { name: 'Messages' })

async function reach(page: Page, seq: number) {
  const row = feed(page).locator(`article[data-row-seq="${seq}"]`)
  await feed(page).focus()
  await page.keyboard.press('Home')
  await feed(page).hover()
  for (let i = 0; i < 60 && (await row.count()) === 0; i++) {
    await page.mouse.wheel(0, 300)
    await page.waitForTimeout(40)
  }
  await row.scrollIntoViewIfNeeded()
  return row
}

test('without its media folder, an imported archive says what became of each object (its _archive.media)', async ({ browser }) => {
  const serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    await importFile(page)
    // The host has no outcome for these objects: the line's own note stands in.
    const oversize = (await reach(page, MEDIA_LAB_SEQS.oversize)).locator('[data-media-kind="file"]')
    await expect(oversize).toHaveAttribute('data-media-status', 'refused')
    await expect(oversize).toContainText('over the size limit')
    const noUrl = (await reach(page, MEDIA_LAB_SEQS.noUrl)).locator('[data-media-kind="file"]')
    await expect(noUrl).toContainText('No download address (sent by an old SDK)')
    // A saved object's bytes are in the folder, not here: no picture, no broken image.
    const png = (await reach(page, MEDIA_LAB_SEQS.png)).locator('.media-box')
    await expect(png).toHaveAttribute('data-media-status', 'pending')
    await expect(png.locator('img')).toHaveCount(0)
  } finally {
    await context.close()
    await serve.kill()
  }
})

test('with serve --import-media DIR, the imported archive shows its thumbnails, from the archive’s own store', async ({ browser }) => {
  const serve = await startServe({ args: ['--import-media', mediaDir] })
  expect(serve.output()).toMatch(/Imported media from .*: \d+ files copied, 0 already kept, \d+ outcomes recorded/)
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    await importFile(page)
    for (const seq of [MEDIA_LAB_SEQS.png, MEDIA_LAB_SEQS.jpeg, MEDIA_LAB_SEQS.gif]) {
      const img = (await reach(page, seq)).locator('.media-box img')
      await expect(img).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/, { timeout: 15_000 })
      await expect.poll(() => img.evaluate((e) => (e as unknown as Img).complete && (e as unknown as Img).naturalWidth > 0), { timeout: 10_000 }).toBe(true)
    }
    const voice = (await reach(page, MEDIA_LAB_SEQS.voice)).locator('[data-media-kind="sound"] audio')
    await expect(voice).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/)
    // What pull refused stays refused.
    const oversize = (await reach(page, MEDIA_LAB_SEQS.oversize)).locator('[data-media-kind="file"]')
    await expect(oversize).toContainText('over the size limit')
  } finally {
    await context.close()
    await serve.kill()
  }
})
