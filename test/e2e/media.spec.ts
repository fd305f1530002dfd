import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { mediaGroupId } from '../../tools/sim/seed'
import { useAppSession, type AppSession } from './fixtures/session'
import { connectAndAdd } from './fixtures/app-page'

/**
 * Kept media as a user meets it (issue 17): browser mode against the simulator with its media lab,
 * synced into the real IndexedDB. Once the batches are committed the host downloads the lab's
 * files; the timeline shows each image's kept thumbnail (served by /media/<sha256>) in a box of the
 * size the message declares, and a placeholder for what was not kept. The private-address stand-in
 * is never contacted. Screenshots in light and dark, English and Chinese, at two sizes.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial', timeout: 60_000 })

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10, media: true } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

/** The fields of an <img> the checks read. */
interface Img {
  complete: boolean
  naturalWidth: number
  naturalHeight: number
  src: string
  parentElement: { getBoundingClientRect(): { width: number; height: number } } | null
}

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })
const feed = () => page.getByRole('feed') // named in the UI's language
const images = () => feed().locator('.media-box img')

/** Scrolls down the virtualized timeline from the top until `loc` is rendered. */
async function reach(loc: ReturnType<Page['locator']>): Promise<void> {
  await feed().focus()
  await page.keyboard.press('Home')
  await feed().hover()
  for (let i = 0; i < 60 && (await loc.count()) === 0; i++) {
    await page.mouse.wheel(0, 300)
    await page.waitForTimeout(50)
  }
  await loc.first().scrollIntoViewIfNeeded()
}

async function simMedia(): Promise<{ privateHits: number; cos: { served: number } }> {
  const r = await fetch(`${sim.url}/_sim/media`)
  return (await r.json()) as { privateHits: number; cos: { served: number } }
}

test('I sync the media lab and see its images', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [mediaGroupId])
  const sidebar = page.getByRole('complementary', { name: 'Groups' })
  await sidebar.getByRole('button', { name: /Media lab/ }).click()
  await sidebar.getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  // The oldest messages (the plain images) first.
  await feed().focus()
  await page.keyboard.press('Home')
  // Kept images appear without a reload (media.onChanged), each loaded from the archive's copy.
  await expect.poll(async () => images().count(), { timeout: 30_000 }).toBeGreaterThan(0)
  const first = images().first()
  await first.scrollIntoViewIfNeeded()
  // Every image on screen decodes (the node tsconfig has no DOM types: the fields are named here).
  const loaded = () => images().evaluateAll((els) => els.map((e) => (e as unknown as Img).complete && (e as unknown as Img).naturalWidth > 0))
  await expect.poll(async () => (await loaded()).every(Boolean), { timeout: 20_000 }).toBe(true)
  const srcs = await images().evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? ''))
  expect(srcs.length).toBeGreaterThan(0)
  for (const src of srcs) expect(src).toMatch(/^\/media\/[0-9a-f]{64}$/)
  // Nothing on the page points at a message's own URL.
  const origin = new URL(page.url()).origin
  const remote = await page.locator('img').evaluateAll((els) => els.map((e) => (e as unknown as Img).src))
  expect(remote.filter((s) => !s.startsWith(origin) && !s.startsWith('data:'))).toEqual([])
  // The box has the thumbnail's declared shape: the image fills it, no jump when it loads.
  const box = await first.evaluate((e) => {
    const img = e as unknown as Img
    const r = img.parentElement!.getBoundingClientRect()
    return { w: r.width, h: r.height, natural: img.naturalWidth / img.naturalHeight }
  })
  expect(Math.abs(box.w / box.h - box.natural)).toBeLessThan(0.05)
  expect((await simMedia()).privateHits).toBe(0)
  await shot('media-01-light-en-1280')
})

test('clicking a thumbnail opens the kept large image over the timeline', async () => {
  await images().first().click()
  const viewer = page.getByRole('dialog', { name: /\d×\d/ })
  await expect(viewer).toBeVisible()
  const big = viewer.locator('img')
  await expect.poll(() => big.evaluate((e) => (e as unknown as Img).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(198)
  expect(await big.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  await shot('media-01b-viewer-light-en-1280')
  // Opened from the timeline, the viewer knows the image's place in the group and steps to another with ←/→.
  const position = viewer.getByText(/^Image \d+ of \d+$/)
  await expect(position).toBeVisible()
  const before = await position.textContent()
  const first = await big.getAttribute('src')
  await page.keyboard.press(before?.startsWith('Image 1 of') ? 'ArrowRight' : 'ArrowLeft')
  await expect(position).not.toHaveText(before ?? '')
  await expect.poll(() => big.getAttribute('src')).not.toBe(first)
  await page.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)
})

test('kept voice and video play from the archive; kept files say so', async () => {
  const voice = feed().locator('[data-media-kind="sound"] audio').first()
  await reach(voice)
  expect(await voice.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  const video = feed().locator('[data-media-kind="video"] video').first()
  await reach(video)
  expect(await video.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  expect(await video.getAttribute('poster')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  // The poster (the kept thumbnail) shows before anything is played.
  await shot('media-01c-voice-video-light-en-1280')
  const pdf = feed().locator('[data-media-kind="file"][data-media-status="saved"]').first()
  await reach(pdf)
  await expect(pdf).toContainText('Kept in the archive')
  const refused = feed().locator('[data-media-kind="file"][data-media-status="refused"]')
  await reach(refused.filter({ hasText: 'over the size limit' }))
  await expect(refused.filter({ hasText: 'over the size limit' })).toHaveCount(1)
  await reach(refused.filter({ hasText: 'points at a private network address' }))
  await expect(refused.filter({ hasText: 'points at a private network address' })).toHaveCount(1)
  await shot('media-01d-files-light-en-1280')
})

test('what was not kept says why', async () => {
  // The expired image (seq 18) shows its placeholder with the date it was first seen missing.
  await feed().focus()
  await page.keyboard.press('End')
  const expired = feed().locator('.media-box[data-media-status="expired"]').first()
  await expired.scrollIntoViewIfNeeded()
  await expect(expired).toContainText('Expired on the server')
  await expect(expired).toContainText(/Missing on the server since/)
  await shot('media-02-expired-light-en-1280')
})

test('light and dark, English and Chinese, 1280×800 and 800×600', async () => {
  await feed().focus()
  await page.keyboard.press('Home')
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot('media-03-dark-en-1280')
  await page.locator('#language').selectOption('zh-CN')
  await feed().focus()
  await page.keyboard.press('End')
  await expect(feed().locator('.media-box[data-media-status="expired"]').first()).toContainText('服务器上已过期')
  await shot('media-04b-dark-zh-1280-end')
  await feed().focus()
  await page.keyboard.press('Home')
  await shot('media-04-dark-zh-1280')
  await page.setViewportSize({ width: 800, height: 600 })
  await shot('media-05-dark-zh-800')
  await page.emulateMedia({ colorScheme: 'light' })
  await shot('media-06-light-zh-800')
  await page.locator('#language').selectOption('en')
  await feed().focus()
  await page.keyboard.press('End')
  await shot('media-07-light-en-800-expired')
  await page.setViewportSize({ width: 1280, height: 800 })
  expect((await simMedia()).privateHits).toBe(0)
})
