import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createHash } from 'node:crypto'
import { expect, test, type Page } from '@playwright/test'
import { unpack } from './fixtures/zip'
import { mediaGroupId } from '../../tools/sim/seed'
import { useAppSession, type AppSession } from './fixtures/session'
import { connectAndAdd } from './fixtures/app-page'

/**
 * An HTML export with its media, from the app in browser mode (issue 17 §4, §7 "export HTML with
 * media and open it from disk, offline"): the media lab synced and its files kept, then Export…
 * with "Include media" (on by default) downloads one .zip of the page and its media/ folder. Unpacked
 * on disk and opened from file:// with the simulator stopped and the browser offline, the page shows
 * its thumbnails from media/.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial', timeout: 120_000 })

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10, media: true } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

interface Img {
  complete: boolean
  naturalWidth: number
  src: string
}

const dir = mkdtempSync(join(tmpdir(), 'tim-media-export-'))
let pagePath = ''

test('I export the media lab as HTML with its media and get one .zip of the page and its media folder', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [mediaGroupId])
  const sidebar = page.getByRole('complementary', { name: 'Groups' })
  await sidebar.getByRole('button', { name: /Media lab/ }).click()
  await sidebar.getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  // The host keeps the files once the batches are committed: wait until the timeline shows one.
  const feed = page.getByRole('feed')
  await feed.focus()
  await page.keyboard.press('Home')
  await expect.poll(() => feed.locator('.media-box img').count(), { timeout: 30_000 }).toBeGreaterThan(0)

  await page.getByRole('button', { name: 'Export…', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Export messages' })
  await expect(dialog).toBeVisible()
  const include = dialog.getByRole('checkbox', { name: /Include the kept images/ })
  await expect(include).toBeChecked()
  await expect(dialog.getByRole('checkbox', { name: 'One self-contained HTML file' })).not.toBeChecked()
  await expect(dialog.getByText('The export and its media folder download together as one .zip.')).toBeVisible()
  await page.screenshot({ path: join(shots, 'media-export-01-dialog.png') })
  const download = page.waitForEvent('download')
  await dialog.getByRole('button', { name: 'Export', exact: true }).click()
  const d = await download
  expect(d.suggestedFilename()).toMatch(/\.zip$/)
  const zipFile = join(dir, d.suggestedFilename())
  await d.saveAs(zipFile)
  await expect(dialog.getByRole('status')).toContainText(/Exported \d+ messages/)
  await expect(dialog.getByRole('status')).toContainText(/Media: \d+ files/)
  await page.screenshot({ path: join(shots, 'media-export-02-done.png') })

  const names = await unpack(readFileSync(zipFile), dir)
  const html = names.filter((n) => n.endsWith('.html'))
  expect(html).toHaveLength(1)
  const media = names.filter((n) => n.includes('/media/'))
  expect(media.length).toBeGreaterThan(3)
  // Each copy is named by the SHA-256 of its bytes.
  for (const n of media) {
    const [hash] = n.split('/').pop()!.split('.')
    expect(
      createHash('sha256')
        .update(readFileSync(join(dir, n)))
        .digest('hex')
    ).toBe(hash)
  }
  pagePath = join(dir, html[0]!)
  expect(readdirSync(dirname(pagePath))).toContain('media')
})

test('opened from disk with the simulator stopped and no network, the exported page shows its thumbnails', async ({ browser }) => {
  await sim.kill()
  const context = await browser.newContext({ offline: true })
  const viewer = await context.newPage()
  const errors: string[] = []
  viewer.on('pageerror', (e) => errors.push(String(e)))
  const requests: string[] = []
  viewer.on('request', (r) => requests.push(r.url()))
  try {
    await viewer.goto(pathToFileURL(pagePath).href)
    const imgs = viewer.locator('img.mi')
    expect(await imgs.count()).toBeGreaterThan(3)
    // Forwarded messages (the relay's image) are folded: open them, as a reader would.
    const relays = viewer.locator('details.r > summary')
    for (let i = 0; i < (await relays.count()); i++) await relays.nth(i).click()
    // Lazy images load as they come into view.
    for (let i = 0; i < (await imgs.count()); i++) await imgs.nth(i).scrollIntoViewIfNeeded()
    const loaded = () => imgs.evaluateAll((els) => els.map((e) => (e as unknown as Img).complete && (e as unknown as Img).naturalWidth > 0))
    await expect.poll(async () => (await loaded()).every(Boolean), { timeout: 15_000 }).toBe(true)
    const srcs = await imgs.evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? ''))
    for (const s of srcs) expect(s).toMatch(/^media\/[0-9a-f]{64}\.(png|jpg|gif)$/)
    // The page asked for nothing but its own file and its media folder.
    const base = pathToFileURL(dirname(pagePath)).href
    expect(requests.filter((u) => !u.startsWith(base))).toEqual([])
    await imgs.first().scrollIntoViewIfNeeded()
    await viewer.screenshot({ path: join(shots, 'media-export-03-offline-page.png') })
    expect(errors).toEqual([])
  } finally {
    await context.close()
  }
})
