import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { freePort, startServe, startSimulator } from './fixtures/processes'
import { connectAndAdd } from './fixtures/app-page'

/**
 * A sync killed mid-way resumes exactly: the host process (`tim-archive serve`) is SIGKILLed
 * while it streams batches to the page; a new host on the same origin resumes from the coverage
 * in IndexedDB, and the archive ends up holding every seq once.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
const messages = 16000

test('a sync killed mid-way (SIGKILL of the host) resumes exactly', async ({ browser }) => {
  // 150 ms per answer with 16 requests in flight: the whole pull takes about 7 s, so a kill once
  // 1,500 messages are in (under 1 s, polled every 50 ms) always lands mid-way. At 15 ms the pull
  // once finished between two of expect.poll's default 1 s polls, and the test failed in CI.
  const sim = await startSimulator({ latencyMs: 150, benchMessages: messages })
  const port = await freePort()
  let serve = await startServe({ port })
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    await connectAndAdd(page, sim.url, ['@TGS#6BENCH'])
    const sidebar = page.getByRole('complementary', { name: 'Groups' })
    const bench = sidebar.getByRole('button', { name: /Bench/ })
    await expect(bench).toBeVisible()

    await sidebar.getByRole('button', { name: 'Sync all' }).click()
    // Let part of the history arrive, then kill the host without warning. What is archived is
    // counted in the page's IndexedDB itself: the sidebar's count may trail a busy page by seconds,
    // and once the sync had ended before the count it showed passed 1,500.
    // (A string, as this file is typechecked without the DOM library.)
    const archived = async () =>
      (await page.evaluate(`new Promise((res, rej) => {
        const open = indexedDB.open('tim-archive')
        open.onerror = () => rej(open.error)
        open.onsuccess = () => {
          const req = open.result.transaction('messages').objectStore('messages').count()
          req.onsuccess = () => { open.result.close(); res(req.result) }
          req.onerror = () => rej(req.error)
        }
      })`)) as number
    await expect.poll(archived, { timeout: 60_000, intervals: [50] }).toBeGreaterThan(1500)
    await serve.kill('SIGKILL')
    const partial = await archived()
    expect(partial).toBeLessThan(messages)

    // A new host on the same origin (the archive lives in this origin's IndexedDB).
    serve = await startServe({ port, configDir: serve.configDir })
    await page.goto(serve.url)
    await expect(bench).toContainText(/gaps|not found yet/)
    await page.screenshot({ path: join(shots, '10-after-kill.png') })
    await sidebar.getByRole('button', { name: 'Sync all' }).click()
    await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
    // The sidebar: the count and the days it spans, no gap left; the seq range is the header's.
    await expect(bench).toContainText(`${messages.toLocaleString('en-US')} messages · `)
    await expect(bench).not.toContainText(/gap|not found yet/)
    await bench.click()
    await expect(page.getByRole('region', { name: /Bench/ })).toContainText(`seq 1–${messages.toLocaleString('en-US')}, complete`)

    // Exactly every seq once, straight from IndexedDB.
    // (A string, as this file is typechecked without the DOM library.)
    const seqs = (await page.evaluate(`new Promise((res, rej) => {
      const open = indexedDB.open('tim-archive')
      open.onerror = () => rej(open.error)
      open.onsuccess = () => {
        const req = open.result.transaction('messages').objectStore('messages').getAllKeys()
        req.onsuccess = () => res(req.result.filter((k) => k[0].endsWith('|@TGS#6BENCH')).map((k) => k[1]))
        req.onerror = () => rej(req.error)
      }
    })`)) as number[]
    expect(seqs.length).toBe(messages)
    expect(seqs.every((s, i) => s === i + 1)).toBe(true)
  } finally {
    await context.close()
    await serve.kill()
    await sim.kill()
  }
})
