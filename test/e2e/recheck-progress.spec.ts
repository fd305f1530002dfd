import { expect, test } from '@playwright/test'
import { startServe, startSimulator } from './fixtures/processes'
import { connectAndAdd } from './fixtures/app-page'

/**
 * Issue 15 item 3: during a Recheck, Pause, Resume and Cancel, the sync panel's "done of total
 * seqs" only moves forward and the total stays. Every value the panel shows is recorded in the
 * page as it renders (a MutationObserver), not sampled.
 */
const messages = 8000

test('a recheck paused, resumed and cancelled: progress only moves forward', async ({ browser }) => {
  // 150 ms per answer: a walk of 8,000 seqs takes seconds, so Pause and Cancel land mid-way.
  const sim = await startSimulator({ latencyMs: 150, benchMessages: messages })
  const serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    await connectAndAdd(page, sim.url, ['@TGS#6BENCH'])
    const sidebar = page.getByRole('complementary', { name: 'Groups' })
    await sidebar.getByRole('button', { name: 'Sync all' }).click()
    await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
    await sidebar.getByRole('button', { name: /Bench/ }).click()
    // The finished sync's panel ("8,000 of 8,000 seqs") goes first: only the recheck's progress is recorded.
    await page.locator('.sync-panel').getByRole('button', { name: 'Dismiss' }).click()
    await expect(page.locator('.sync-panel')).toHaveCount(0)

    // (Strings, as this file is typechecked without the DOM library.)
    await page.evaluate(`(() => {
      window.__seqs = []
      const read = () => {
        const m = /([\\d,]+) of ([\\d,]+) seqs/.exec(document.querySelector('.sync-panel')?.textContent ?? '')
        if (!m) return
        const v = [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))]
        const last = window.__seqs[window.__seqs.length - 1]
        if (!last || last[0] !== v[0] || last[1] !== v[1]) window.__seqs.push(v)
      }
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true })
    })()`)
    const seen = async () => (await page.evaluate('window.__seqs')) as [number, number][]
    const done = async () => (await seen()).at(-1)?.[0] ?? 0
    const panel = page.locator('.sync-panel')

    await page.getByRole('button', { name: 'Recheck' }).click()
    await expect.poll(done, { timeout: 60_000, intervals: [50] }).toBeGreaterThan(1000)
    await panel.getByRole('button', { name: 'Pause' }).click()
    await expect(panel).toHaveAttribute('data-status', 'paused')
    const paused = await done()
    expect(paused).toBeLessThan(messages)

    await panel.getByRole('button', { name: 'Resume' }).click()
    await expect.poll(done, { timeout: 60_000, intervals: [50] }).toBeGreaterThan(paused)
    await panel.getByRole('button', { name: 'Cancel' }).click()
    await expect(panel).toHaveAttribute('data-status', /cancelled|done/)

    const values = await seen()
    for (let i = 1; i < values.length; i++)
      expect(values[i]![0], JSON.stringify(values.slice(Math.max(0, i - 3), i + 2))).toBeGreaterThanOrEqual(values[i - 1]![0])
    // One total throughout: the whole history, walked once across the three runs.
    expect(new Set(values.filter(([d]) => d > 0).map(([, total]) => total))).toEqual(new Set([messages]))
    expect(values.at(-1)![0]).toBeGreaterThan(paused)
  } finally {
    await context.close()
    await serve.kill()
    await sim.kill()
  }
})
