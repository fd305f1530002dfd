import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test'
import { demoApp, mediaGroupId, teamGroupId } from '../../tools/sim/seed'
import { mediaInBody, mediaKey } from '../../src-main/shared/media/objects'
import { MEDIA_LAB_SEQS } from '../../tools/sim/media/lab'
import { connectAndAdd } from './fixtures/app-page'
import { startServe, startSimulator } from './fixtures/processes'

/**
 * Kept media with no network, and after a crash (issue 17 §7): browser mode (`tim-archive serve`)
 * against the simulator's loopback COS.
 *
 * 1. Sync the team chat and the media lab: the thumbnails show, a voice message plays.
 * 2. The hostile objects of the media lab, each with its placeholder's words, and the private
 *    address's port never contacted.
 * 3. Stop the simulator and reload: thumbnails, the viewer's image and the voice still load, from
 *    /media/<sha256> (the host's store), since nothing else is there to answer.
 * 4. SIGKILL the host while it downloads (the COS answers slowly), start it again on the same config
 *    folder: every stored file hashes to its name, no temporary file is left, every recorded
 *    outcome stands, and what was saved before the kill still shows.
 */
test.describe.configure({ mode: 'serial', timeout: 120_000 })

type Sim = Awaited<ReturnType<typeof startSimulator>>
type Serve = Awaited<ReturnType<typeof startServe>>

let sim: Sim
let serve: Serve
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

test.beforeAll(async ({ browser }) => {
  sim = await startSimulator({ latencyMs: 2, benchMessages: 10, media: true })
  serve = await startServe()
  context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.on('dialog', async (d) => {
    pageErrors.push(`dialog opened: ${d.message()}`)
    await d.dismiss()
  })
})

test.afterAll(async () => {
  await context?.close()
  await serve?.kill()
  await sim?.kill()
})

test.afterEach(() => {
  expect(pageErrors, 'no uncaught page errors and no script from message content').toEqual([])
})

/** The fields of an <img> or <audio> the checks read (the node tsconfig has no DOM types). */
interface Img {
  complete: boolean
  naturalWidth: number
}
interface Audio {
  muted: boolean
  currentTime: number
  ended: boolean
  readyState: number
  error: unknown
  play(): Promise<void>
}

const feed = () => page.getByRole('feed')
const sidebar = () => page.getByRole('complementary', { name: 'Groups' })
const row = (seq: number) => feed().locator(`article[data-row-seq="${seq}"]`)

async function openGroup(name: RegExp): Promise<void> {
  await sidebar().getByRole('button', { name }).click()
  await expect(feed()).toBeVisible()
}

/** Scrolls the virtualized timeline from the top until `loc` is rendered. */
async function reach(loc: Locator): Promise<void> {
  await feed().focus()
  await page.keyboard.press('Home')
  await feed().hover()
  for (let i = 0; i < 150 && (await loc.count()) === 0; i++) {
    await page.mouse.wheel(0, 400)
    await page.waitForTimeout(40)
  }
  await loc.first().scrollIntoViewIfNeeded()
}

/** Scrolls through the whole timeline, again and again, until a kept image is rendered (the team chat's are spread over 600 messages). */
async function findThumbnail(timeoutMs = 90_000): Promise<void> {
  const images = feed().locator('.media-box img')
  const until = Date.now() + timeoutMs
  while ((await images.count()) === 0 && Date.now() < until) await reach(images)
  await images.first().scrollIntoViewIfNeeded()
}

/** Every kept image on screen decodes, each loaded from /media/<sha256>. */
async function thumbnailsLoad(min = 1): Promise<void> {
  const images = feed().locator('.media-box img')
  await expect.poll(async () => images.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(min)
  const loaded = () => images.evaluateAll((els) => els.map((e) => (e as unknown as Img).complete && (e as unknown as Img).naturalWidth > 0))
  await expect.poll(async () => (await loaded()).every(Boolean), { timeout: 20_000 }).toBe(true)
  for (const src of await images.evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? ''))) expect(src).toMatch(/^\/media\/[0-9a-f]{64}$/)
}

/** Plays the media lab's voice message (muted: no user gesture needed) until its time advances or it ends. */
async function voicePlays(): Promise<void> {
  const voice = row(MEDIA_LAB_SEQS.voice).locator('[data-media-kind="sound"] audio')
  await reach(voice)
  expect(await voice.getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  await voice.evaluate(async (e) => {
    const a = e as unknown as Audio
    a.muted = true
    await a.play()
  })
  await expect
    .poll(() => voice.evaluate((e) => ({ t: (e as unknown as Audio).currentTime, ended: (e as unknown as Audio).ended })), { timeout: 15_000 })
    .toMatchObject({ t: expect.any(Number) })
  await expect.poll(() => voice.evaluate((e) => (e as unknown as Audio).currentTime > 0.2 || (e as unknown as Audio).ended), { timeout: 15_000 }).toBe(true)
  expect(await voice.evaluate((e) => (e as unknown as Audio).error)).toBeNull()
}

async function simMedia(s: Sim): Promise<{ privateHits: number; cos: { served: number; requests: number } }> {
  return (await (await fetch(`${s.url}/_sim/media`)).json()) as { privateHits: number; cos: { served: number; requests: number } }
}

interface LedgerLine {
  g: string
  k: string
  o: { status: string; sha256?: string; type?: string; reason?: string }
}
/** The host's ledger (`<configDir>/media/ledger.jsonl`): the last line of each (group, key) stands. */
function ledger(configDir: string): Map<string, LedgerLine['o']> {
  const path = join(configDir, 'media', 'ledger.jsonl')
  const out = new Map<string, LedgerLine['o']>()
  if (!existsSync(path)) return out
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const v = JSON.parse(line) as LedgerLine
      out.set(`${v.g} ${v.k}`, v.o)
    } catch {
      // a torn last line (the kill)
    }
  }
  return out
}

/** The content files under `<configDir>/media` (not .tmp), by name. */
function storedFiles(configDir: string): string[] {
  const root = join(configDir, 'media')
  if (!existsSync(root)) return []
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^[0-9a-f]{2}$/.test(d.name))
    .flatMap((d) => readdirSync(join(root, d.name)).map((f) => join(root, d.name, f)))
}

test('I sync the team chat and the media lab: the thumbnails show and a voice message plays', async () => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId, mediaGroupId])
  await sidebar().getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
  await openGroup(/Media lab/)
  await feed().focus()
  await page.keyboard.press('Home')
  await thumbnailsLoad()
  await voicePlays()
  // The team chat's photos too (its newest messages are shown first).
  await openGroup(/产品研发 Team/)
  await findThumbnail()
  await thumbnailsLoad()
})

test('the hostile objects are refused, failed or sniffed, each saying so; the private port is never contacted', async () => {
  await openGroup(/Media lab/)
  const refused = (seq: number) => row(seq).locator('[data-media-kind="file"][data-media-status="refused"]')
  // Over the 100 MB cap: refused before any byte is fetched.
  await reach(refused(MEDIA_LAB_SEQS.oversize))
  await expect(refused(MEDIA_LAB_SEQS.oversize)).toContainText('Not kept')
  await expect(refused(MEDIA_LAB_SEQS.oversize)).toContainText('over the size limit')
  // A 302 to a host off the allow-list.
  await reach(refused(MEDIA_LAB_SEQS.redirect))
  await expect(refused(MEDIA_LAB_SEQS.redirect)).toContainText('from a server that is not allowed')
  // The private-address stand-in: refused after resolving, before connecting.
  await reach(refused(MEDIA_LAB_SEQS.privatePort))
  await expect(refused(MEDIA_LAB_SEQS.privatePort)).toContainText('points at a private network address')
  expect((await simMedia(sim)).privateHits).toBe(0)
  // The truncated download fails (after its retries).
  const truncated = row(MEDIA_LAB_SEQS.truncated).locator('[data-media-kind="file"]')
  await reach(truncated)
  await expect(truncated).toHaveAttribute('data-media-status', 'failed', { timeout: 60_000 })
  await expect(truncated).toContainText('Could not be downloaded')
  // An element without a URL (an old SDK) is not an error.
  const noUrl = row(MEDIA_LAB_SEQS.noUrl).locator('[data-media-kind="file"]')
  await reach(noUrl)
  await expect(noUrl).toHaveAttribute('data-media-status', 'no-url')
  await expect(noUrl).toContainText('No download address (sent by an old SDK)')
  // The image whose Content-Type says PNG and whose bytes are HTML is kept with the type sniffed
  // from its bytes, and served as that (never as HTML, never as the PNG it claimed to be).
  const lying = row(MEDIA_LAB_SEQS.lyingType).locator('.media-box')
  await reach(lying)
  await expect(lying).toHaveAttribute('data-media-status', 'saved', { timeout: 30_000 })
  // It is not shown as a (broken) picture: the box says what it is.
  await expect(lying).toContainText('Kept, but not an image')
  await expect(lying.locator('img')).toHaveCount(0)
  const outcomes = [...ledger(serve.configDir)].filter(([k]) => k.startsWith(`${mediaGroupId} image:`)).map(([, o]) => o)
  const lyingOutcome = outcomes.find((o) => o.status === 'saved' && o.type !== undefined && !o.type.startsWith('image/'))
  expect(lyingOutcome, 'the lying image is saved with a non-image sniffed type').toBeTruthy()
  const served = await page.request.get(new URL(`/media/${lyingOutcome!.sha256}`, serve.url).href)
  expect(served.status()).toBe(200)
  expect(served.headers()['content-type']).not.toMatch(/html|image\/png/)
  expect(served.headers()['x-content-type-options']).toBe('nosniff')
  expect((await simMedia(sim)).privateHits).toBe(0)
})

test('with the simulator stopped, a reload still shows the thumbnails, the viewer image and the voice', async () => {
  const before = (await simMedia(sim)).cos.requests
  await sim.kill()
  await page.reload()
  await openGroup(/Media lab/)
  await feed().focus()
  await page.keyboard.press('Home')
  await thumbnailsLoad()
  // The viewer opens the kept large image.
  await feed().locator('.media-box img').first().click()
  const viewer = page.getByRole('dialog', { name: /\d×\d/ })
  await expect(viewer).toBeVisible()
  await expect.poll(() => viewer.locator('img').evaluate((e) => (e as unknown as Img).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0)
  expect(await viewer.locator('img').getAttribute('src')).toMatch(/^\/media\/[0-9a-f]{64}$/)
  await page.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)
  await voicePlays()
  await openGroup(/产品研发 Team/)
  await findThumbnail()
  await thumbnailsLoad()
  expect(before).toBeGreaterThan(0)
})

test('SIGKILL of the host mid-download, then a restart on the same config folder: no corrupt or partial file', async ({ browser }) => {
  // A COS that answers each request after 400 ms: the team chat's ~400 objects take a while.
  const slow = await startSimulator({ latencyMs: 2, benchMessages: 10, media: true, cosLatencyMs: 400 })
  let host = await startServe()
  const { configDir, port } = host
  const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai' })
  const p = await ctx.newPage()
  try {
    await p.goto(host.url)
    await connectAndAdd(p, slow.url, [teamGroupId])
    await p.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: 'Sync all' }).click()
    // Kill once some files are saved and the queue is still busy.
    const saved = (l: Map<string, LedgerLine['o']>) => [...l.values()].filter((o) => o.status === 'saved').length
    await expect.poll(() => saved(ledger(configDir)), { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(3)
    const recordedAtKill = ledger(configDir)
    const cosAtKill = (await simMedia(slow)).cos
    const tmpAtKill = readdirSync(join(configDir, 'media', '.tmp')).length
    host.child.kill('SIGKILL')
    await new Promise((r) => host.child.once('close', r))
    expect(host.child.signalCode).toBe('SIGKILL')

    // The kill came mid-download: the COS had been asked for more objects than had outcomes.
    const fetched = [...recordedAtKill.values()].filter((o) => ['saved', 'expired', 'failed'].includes(o.status)).length
    expect(cosAtKill.requests).toBeGreaterThan(fetched)
    test
      .info()
      .annotations.push({ type: 'at kill', description: `${recordedAtKill.size} outcomes, ${cosAtKill.requests} COS requests, ${tmpAtKill} temporary files` })

    // Whatever the kill left: a ledger line is whole or cut, a stored file is whole.
    host = await startServe({ port, configDir })
    // The restart cleared the dead process's temporary files (content-store open).
    await expect.poll(() => readdirSync(join(configDir, 'media', '.tmp')).filter((f) => !f.startsWith(`${host.child.pid}-`)), { timeout: 10_000 }).toEqual([])
    for (const path of storedFiles(configDir)) {
      const sha = createHash('sha256').update(readFileSync(path)).digest('hex')
      expect(sha, `${path} hashes to its name`).toBe(path.slice(-64))
    }
    // Every outcome recorded before the kill stands, and every saved one has its file.
    const after = ledger(configDir)
    for (const [k, o] of recordedAtKill) expect(after.get(k)?.status, k).toBe(o.status)
    const names = new Set(storedFiles(configDir).map((f) => f.slice(-64)))
    for (const [k, o] of after) if (o.status === 'saved') expect(names.has(o.sha256!), `${k} has its file`).toBe(true)

    // The page comes back on the new launch's address (same port: same archive) and shows what was kept.
    await p.goto(host.url)
    await p
      .getByRole('complementary', { name: 'Groups' })
      .getByRole('button', { name: /产品研发 Team/ })
      .click()
    // Every object of the team chat's messages (as the simulator serves them) should end with an outcome.
    const team = demoApp({ benchMessages: 10, media: true }).groups.get(teamGroupId)!
    const expected = new Set(
      [...team.messages.values()].filter((m) => m.state === 'normal').flatMap((m) => mediaInBody(m.body).map((ref) => `${teamGroupId} ${mediaKey(ref)}`))
    )
    const missing = () => [...expected].filter((k) => !ledger(configDir).has(k))
    // The page queues the objects of its archive again (media.enqueue, lib/media/resume.ts): every object ends with an outcome.
    await expect.poll(() => missing().length, { timeout: 90_000 }).toBe(0)
    for (const path of storedFiles(configDir)) {
      expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(path.slice(-64))
    }
  } finally {
    await ctx.close()
    await host.kill()
    await slow.kill()
  }
})
