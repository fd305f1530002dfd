import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { mediaGroupId } from '../../tools/sim/seed'
import { useAppSession, type AppSession } from './fixtures/session'
import { connectAndAdd } from './fixtures/app-page'

/**
 * Media settings as a user meets them (issue 17 §1 "Limits"): browser mode against the simulator's
 * media lab. Video is turned off in Settings (keyboard only) before the sync, so the lab's video is
 * refused as "this type is turned off" while its images are kept; a kept file offers a download
 * under its own name and keeps its server links behind a disclosure; the health report counts the
 * media. The private-address stand-in is never contacted.
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
const feed = () => page.getByRole('feed')

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

test('I turn video off in Settings with the keyboard', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [mediaGroupId])
  await page.getByRole('button', { name: 'Settings…' }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await expect(settings.getByRole('heading', { name: 'Media' })).toBeVisible()
  // The defaults: a complete archive.
  await expect(settings.getByRole('checkbox', { name: 'Original' })).toBeChecked()
  await expect(settings.getByRole('checkbox', { name: 'Files' })).toBeChecked()
  await expect(settings.getByLabel('Largest file to keep (MB)')).toHaveValue('100')
  await expect(settings.getByTestId('media-usage')).toHaveText(/^Kept files use 0 byte/)
  // A host the host refuses is named, and nothing is saved.
  await settings.getByLabel('Also download from these hosts').fill('*.com')
  await settings.getByRole('button', { name: 'Save media settings' }).click()
  await expect(settings.getByText(/“\*\.com” cannot be added to the allowed hosts/)).toBeVisible()
  await settings.getByLabel('Also download from these hosts').fill('')
  // Keyboard only: focus the video choice, pick Off, save with Enter.
  await settings.getByTestId('media-video').focus()
  await page.keyboard.press('End')
  await expect(settings.getByTestId('media-video')).toHaveValue('off')
  await settings.getByRole('button', { name: 'Save media settings' }).focus()
  await page.keyboard.press('Enter')
  await expect(settings.getByText('Saved. Downloads from now on follow these settings.')).toBeVisible()
  await shot('media-settings-01-dialog')
  await page.keyboard.press('Escape')
  await expect(settings).toHaveCount(0)
})

test('after a sync the video is refused as a type not kept, the images are kept', async () => {
  const sidebar = page.getByRole('complementary', { name: 'Groups' })
  await sidebar.getByRole('button', { name: /Media lab/ }).click()
  await sidebar.getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await feed().focus()
  await page.keyboard.press('Home')
  await expect.poll(async () => feed().locator('.media-box img').count(), { timeout: 30_000 }).toBeGreaterThan(0)
  const video = feed().locator('[data-media-kind="video"]').first()
  await reach(video)
  await expect(video).toHaveAttribute('data-media-status', 'refused', { timeout: 20_000 })
  await expect(video).toContainText('this type is turned off')
  await expect(video.locator('video')).toHaveCount(0)
  await shot('media-settings-02-video-refused')
  const stats = (await (await fetch(`${sim.url}/_sim/media`)).json()) as { privateHits: number }
  expect(stats.privateHits).toBe(0)
})

test('a kept image keeps its server links behind a disclosure; a kept file downloads under its name', async () => {
  await feed().focus()
  await page.keyboard.press('Home')
  await feed().locator('.media-box img').first().scrollIntoViewIfNeeded()
  const message = feed()
    .getByRole('article')
    .filter({ has: page.locator('.media-box img') })
    .first()
  const details = message.locator('details.meta').first()
  await expect(details).toBeVisible()
  await expect(details).not.toHaveAttribute('open', '')
  await expect(details.locator('dl')).toBeHidden()
  await details.locator('summary').click()
  await expect(details.locator('dl')).toBeVisible()

  const file = feed().locator('[data-media-kind="file"][data-media-status="saved"]').first()
  await reach(file)
  const link = file.getByRole('link', { name: 'Download' })
  await expect(link).toBeVisible()
  const href = (await link.getAttribute('href')) ?? ''
  expect(href).toMatch(/^\/media\/[0-9a-f]{64}\?download=/)
  const name = decodeURIComponent(href.split('?download=')[1]!)
  const answer = await page.request.get(new URL(href, serve.url).toString())
  expect(answer.status()).toBe(200)
  expect(answer.headers()['content-disposition']).toMatch(/^attachment;/)
  expect(answer.headers()['content-disposition']).toContain(encodeURIComponent(name))
  await shot('media-settings-03-file-download')
})

test('the health report counts the media: kept, refused, expired', async () => {
  await page
    .getByRole('region', { name: /Media lab/ })
    .getByRole('button', { name: 'Health report' })
    .click()
  const report = page.getByRole('dialog', { name: /^Health report/ })
  await expect(report).toBeVisible()
  const media = report.locator('[data-fact="media"]')
  await expect(media).toContainText(/\d+ objects: \d+ kept \(/, { timeout: 30_000 })
  await expect(media).toContainText(/\d+ refused/)
  await expect(media).toContainText(/expired on the server before they were kept/)
  await shot('media-settings-04-health')
  await page.keyboard.press('Escape')
})

test('in Chinese and dark, the media section and a kept file read in Chinese', async () => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.locator('#language').selectOption('zh-CN')
  const file = feed().locator('[data-media-kind="file"][data-media-status="saved"]').first()
  await reach(file)
  await expect(file.getByRole('link', { name: '下载' })).toBeVisible()
  await shot('media-settings-05-file-dark-zh')
  await page.getByRole('button', { name: '设置…' }).click()
  const settings = page.getByRole('dialog', { name: '设置' })
  await expect(settings.getByRole('heading', { name: '媒体' })).toBeVisible()
  await expect(settings.getByTestId('media-video')).toHaveValue('off')
  await expect(settings.getByTestId('media-usage')).toContainText('已保存的文件占用')
  await settings.getByRole('heading', { name: '媒体' }).scrollIntoViewIfNeeded()
  await shot('media-settings-06-dialog-dark-zh')
  await page.keyboard.press('Escape')
  await page.locator('#language').selectOption('en')
  await page.emulateMedia({ colorScheme: 'light' })
})
