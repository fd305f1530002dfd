import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { mediaGroupId } from '../../tools/sim/seed'
import { MEDIA_LAB_SEQS } from '../../tools/sim/media/lab'
import { useAppSession, type AppSession } from './fixtures/session'
import { connectAndAdd } from './fixtures/app-page'

/**
 * The Media view (issue 17 §3) as a user meets it: browser mode against the simulator's media lab,
 * synced into the real IndexedDB. The group's images and videos in a grid of kept thumbnails
 * (newest first), its files and voice messages in a list; filter by type; open one in the
 * timeline; open an image in the viewer and step through the group's images with ← and →, zoom
 * with + − 0. Screenshots in light and dark, English and Chinese, at two sizes.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial', timeout: 90_000 })

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10, media: true } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })
const grid = () => page.getByRole('list', { name: /^Images and videos, newest first/ })
const tiles = () => grid().locator('button[data-seq]')
/** The lab's images, newest first (the relay's image sits in message 11). */
const imageSeqs = [
  MEDIA_LAB_SEQS.expiredMedia,
  MEDIA_LAB_SEQS.lyingType,
  MEDIA_LAB_SEQS.relay,
  MEDIA_LAB_SEQS.portrait,
  MEDIA_LAB_SEQS.gif,
  MEDIA_LAB_SEQS.jpeg,
  MEDIA_LAB_SEQS.png
]

test('the Media view says what to do before a sync, and shows the kept thumbnails after one', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  // What the page sends back to the host after the sync (lib/media/resume.ts): media pending or failed.
  const resent: number[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/media:enqueue')) {
      const body = r.postDataJSON() as { args: [string, { MsgSeq: number }[]] }
      resent.push(...body.args[1].map((m) => m.MsgSeq))
    }
  })
  await connectAndAdd(page, sim.url, [mediaGroupId])
  const sidebar = page.getByRole('complementary', { name: 'Groups' })
  await sidebar.getByRole('button', { name: /Media lab/ }).click()
  await sidebar.getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  // The truncated download (seq 16) is pending or failed when the run ends: it is sent back; the
  // oversize file, refused by policy, is not.
  await expect.poll(() => resent.includes(MEDIA_LAB_SEQS.truncated), { timeout: 20_000 }).toBe(true)
  expect(resent).not.toContain(MEDIA_LAB_SEQS.oversize)

  await page.getByRole('button', { name: 'Media', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Media', exact: true })).toHaveAttribute('aria-pressed', 'true')
  // Newest first: the images and the video, by seq.
  await expect
    .poll(async () => await tiles().evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq')))))
    .toEqual([
      MEDIA_LAB_SEQS.expiredMedia,
      MEDIA_LAB_SEQS.lyingType,
      MEDIA_LAB_SEQS.relay,
      MEDIA_LAB_SEQS.video,
      MEDIA_LAB_SEQS.portrait,
      MEDIA_LAB_SEQS.gif,
      MEDIA_LAB_SEQS.jpeg,
      MEDIA_LAB_SEQS.png
    ])
  await expect(page.getByText('8 items, newest first')).toBeVisible()
  // Kept thumbnails come from the archive's copy; what was not kept says why.
  const kept = grid().locator(`button[data-seq="${MEDIA_LAB_SEQS.png}"] img`)
  await expect.poll(() => kept.evaluate((e) => (e as unknown as { naturalWidth: number }).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0)
  expect(await kept.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  await expect(grid().locator(`button[data-seq="${MEDIA_LAB_SEQS.expiredMedia}"]`)).toContainText('Expired on the server')
  const video = grid().locator(`button[data-seq="${MEDIA_LAB_SEQS.video}"]`)
  await expect(video.locator('img')).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/, { timeout: 30_000 })
  await shot('media-view-01-grid-light-en-1280')
})

test('filters by type and date, and the list shows files and voice messages', async () => {
  await page.getByRole('button', { name: 'Videos', exact: true }).click()
  await expect(tiles()).toHaveCount(1)
  await expect(page.getByText('1 item', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Files and voice', exact: true }).click()
  const list = page.getByRole('list', { name: 'Files and voice messages, newest first' })
  await expect(list.locator('button[data-seq]')).toHaveCount(9)
  await expect(list.locator(`button[data-seq="${MEDIA_LAB_SEQS.voice}"]`)).toContainText('Voice message')
  const pdf = list.locator(`button[data-seq="${MEDIA_LAB_SEQS.pdf}"]`)
  await expect(pdf).toContainText('.pdf')
  await expect(pdf).toContainText('Kept', { timeout: 30_000 })
  // Who sent it, by name (issue 18 §1: everywhere a person appears), also in its accessible name.
  await expect(pdf.locator('.from')).toHaveText('فاطمة Fatima', { timeout: 30_000 })
  await expect(pdf).toHaveAttribute('aria-label', /from فاطمة Fatima/)
  await shot('media-view-02-list-light-en-1280')
  await page.getByRole('button', { name: 'Files', exact: true }).click()
  await expect(list.locator('button[data-seq]')).toHaveCount(8)
  // A date range before the lab's messages: nothing matches.
  await page.getByLabel('To', { exact: true }).fill('2001-01-01')
  await expect(page.getByText('Nothing matches these filters.')).toBeVisible()
  await page.getByRole('button', { name: 'All dates' }).click()
  await expect(list.locator('button[data-seq]')).toHaveCount(8)
})

test('a file opens in context: the timeline at its message', async () => {
  const list = page.getByRole('list', { name: 'Files and voice messages, newest first' })
  await list.locator(`button[data-seq="${MEDIA_LAB_SEQS.pdf}"]`).click()
  await expect(page.getByRole('button', { name: 'Timeline', exact: true })).toHaveAttribute('aria-pressed', 'true')
  // The message is shown, marked as the one opened, and focused.
  const row = page.getByRole('feed').locator(`[data-search-target] [data-row-seq="${MEDIA_LAB_SEQS.pdf}"]`)
  await expect(row).toBeInViewport()
  await expect(row).toBeFocused()
  await shot('media-view-02b-in-context-light-en-1280')
})

test('the viewer steps through the group images with the arrow keys, zooms, and saves', async () => {
  await page.getByRole('button', { name: 'Media', exact: true }).click()
  await page.getByRole('button', { name: 'Images', exact: true }).click()
  await expect(tiles()).toHaveCount(imageSeqs.length)
  // Keyboard: the first tile takes focus, → moves along the grid, Enter opens.
  await tiles().first().focus()
  await page.keyboard.press('End')
  await expect(tiles().last()).toBeFocused()
  await page.keyboard.press('Home')
  await page.keyboard.press('ArrowRight')
  await expect(tiles().nth(1)).toBeFocused()
  await page.keyboard.press('Enter')
  const viewer = page.getByRole('dialog')
  await expect(viewer).toBeVisible()
  const shown = () => viewer.locator('[data-seq]').first().getAttribute('data-seq')
  await expect.poll(shown).toBe(String(imageSeqs[1]))
  await expect(viewer.getByText(`Image 2 of ${imageSeqs.length}`)).toBeVisible()
  // → older, ← newer, through every image of the group.
  for (let i = 2; i < imageSeqs.length; i++) {
    await page.keyboard.press('ArrowRight')
    await expect.poll(shown).toBe(String(imageSeqs[i]))
  }
  await expect(viewer.getByRole('button', { name: 'Older image (→)' })).toBeDisabled()
  await page.keyboard.press('ArrowLeft')
  await expect.poll(shown).toBe(String(imageSeqs[imageSeqs.length - 2]))
  // Keys pressed quickly, before the viewer has read the next image's neighbours, are not lost.
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await expect.poll(shown).toBe(String(imageSeqs[imageSeqs.length - 4]))
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await expect.poll(shown).toBe(String(imageSeqs[imageSeqs.length - 2]))
  // The PNG (oldest) is kept: its large copy shows, and Save downloads the archive's copy.
  await page.keyboard.press('ArrowRight')
  const img = viewer.locator('img')
  await expect(img).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/)
  const save = viewer.getByRole('link', { name: 'Save' })
  await expect(save).toHaveAttribute('href', /^\/media\/[0-9a-f]{64}$/)
  await expect(save).toHaveAttribute('download', new RegExp(`-${MEDIA_LAB_SEQS.png}\\.png$`))
  // Zoom: + grows the picture, 0 fits it again.
  const width = () => img.evaluate((e) => (e as unknown as { clientWidth: number }).clientWidth)
  const fit = await width()
  await page.keyboard.press('+')
  await expect.poll(width).toBeGreaterThan(fit)
  await page.keyboard.press('0')
  await expect.poll(width).toBe(fit)
  await shot('media-view-03-viewer-light-en-1280')
  await page.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)
  // Focus goes back to the tile that opened the viewer.
  await expect(tiles().nth(1)).toBeFocused()
})

test('light and dark, English and Chinese, 1280×800 and 800×600', async () => {
  await page.getByRole('button', { name: 'Images and videos', exact: true }).click()
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot('media-view-04-grid-dark-en-1280')
  await page.locator('#language').selectOption('zh-CN')
  await expect(page.getByRole('button', { name: '媒体', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await shot('media-view-05-grid-dark-zh-1280')
  await page.setViewportSize({ width: 800, height: 600 })
  await shot('media-view-06-grid-dark-zh-800')
  await page
    .getByRole('list', { name: /^图片和视频，最新的在前/ })
    .locator(`button[data-seq="${MEDIA_LAB_SEQS.jpeg}"]`)
    .click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await expect(page.getByRole('dialog').getByRole('link', { name: '保存' })).toBeVisible()
  await shot('media-view-06b-viewer-dark-zh-800')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await page.getByRole('button', { name: '文件和语音', exact: true }).click()
  await shot('media-view-07-list-dark-zh-800')
  await page.emulateMedia({ colorScheme: 'light' })
  await shot('media-view-08-list-light-zh-800')
  await page.locator('#language').selectOption('en')
  await shot('media-view-09-list-light-en-800')
  await page.setViewportSize({ width: 1280, height: 800 })
})

test('a group with 100,000 images opens at once and scrolls to its oldest, with only the visible tiles in the page', async () => {
  // The rows the media projection would hold, written straight into the page's store.
  const gk = await page.evaluate(async (groupId) => {
    // The node tsconfig has no DOM types: what is used of IndexedDB is named here.
    interface Req<T> {
      result: T
      error: unknown
      onsuccess: (() => void) | null
      onerror: (() => void) | null
    }
    interface Store {
      put(v: unknown): void
      getAll(): Req<unknown[]>
    }
    interface Tx {
      objectStore(name: string): Store
      oncomplete: (() => void) | null
      onerror: (() => void) | null
      error: unknown
    }
    interface Db {
      transaction(names: string[], mode: 'readwrite'): Tx
      close(): void
    }
    const open = (globalThis as unknown as { indexedDB: { open(name: string): Req<Db> } }).indexedDB.open('tim-archive')
    const idb = await new Promise<Db>((res, rej) => ((open.onsuccess = () => res(open.result)), (open.onerror = () => rej(open.error))))
    const tx = idb.transaction(['groups', 'media'], 'readwrite')
    const groups = tx.objectStore('groups')
    const all = await new Promise<{ gk: string; groupId: string }[]>((res) => {
      const r = groups.getAll()
      r.onsuccess = () => res(r.result as { gk: string; groupId: string }[])
    })
    const key = all.find((g) => g.groupId === groupId)!.gk
    const media = tx.objectStore('media')
    const t0 = 1_500_000_000
    for (let n = 0; n < 100_000; n++) {
      const seq = 1000 + n
      media.put({
        gk: key,
        seq,
        i: 0,
        t: t0 + n * 60,
        kind: 'image',
        shelf: 'grid',
        keys: { thumb: `image:thumb:uuid:bulk-${n}` },
        w: 198,
        h: 149,
        bytes: 1000,
        name: null,
        seconds: null,
        format: '1'
      })
    }
    await new Promise<void>((res, rej) => ((tx.oncomplete = () => res()), (tx.onerror = () => rej(tx.error))))
    idb.close()
    return key
  }, mediaGroupId)
  expect(gk).toContain(mediaGroupId)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const started = Date.now()
  await page.getByRole('button', { name: 'Media', exact: true }).click()
  await page.getByRole('button', { name: 'Images', exact: true }).click()
  await expect(page.getByText(`${(100_000 + imageSeqs.length).toLocaleString('en')} items, newest first`)).toBeVisible()
  // The bulk is from 2017: the lab's images stay the newest.
  await expect(tiles().first()).toHaveAttribute('data-seq', String(imageSeqs[0]))
  expect(Date.now() - started).toBeLessThan(5000)
  expect(await grid().locator('li').count()).toBeLessThan(200)
  // End: the oldest image, focused; Home: back to the newest.
  await tiles().first().focus()
  await page.keyboard.press('End')
  await expect(grid().locator('button[data-seq="1000"]')).toBeFocused({ timeout: 10_000 })
  await page.keyboard.press('ArrowLeft')
  await expect(grid().locator('button[data-seq="1001"]')).toBeFocused()
  expect(await grid().locator('li').count()).toBeLessThan(200)
  await shot('media-view-10-100k-light-en-1280')
  await page.keyboard.press('Home')
  await expect(tiles().first()).toBeFocused({ timeout: 10_000 })
  await expect(tiles().first()).toHaveAttribute('data-seq', String(imageSeqs[0]))
})
