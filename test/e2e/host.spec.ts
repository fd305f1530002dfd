import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { unpack } from './fixtures/zip'
import { expect, test, type Page } from '@playwright/test'
import { cliPath, freePort, startProcess, startServe } from './fixtures/processes'

/**
 * The browser-mode host as a newcomer meets it: the README's demo, with the same features as
 * tim-archive serve (its export among them); a tab left from an earlier launch; the storage banner.
 */

const root = resolve(__dirname, '../..')
const shots = resolve(root, 'test-results/screenshots')

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, `${name}.png`) })
}

test('the demo (npm run demo -- --web) exports a group to a file, as serve does', async ({ browser }) => {
  const [port, simPort] = [await freePort(), await freePort()]
  // The demo keeps its config folder in the temp folder: a private one for this test.
  const tmp = mkdtempSync(join(tmpdir(), 'tim-demo-e2e-'))
  const demo = startProcess([join(root, 'out-tools/main/demo.js'), '--web', '--port', String(port), '--sim-port', String(simPort), '--latency', '0'], {
    TMPDIR: tmp
  })
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true })
  const page = await context.newPage()
  try {
    const url = (await demo.waitFor(/running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/))[1]!
    await page.goto(url)
    // Already connected to the demo's simulator.
    await expect(page.getByText('SDKAppID 1400000001')).toBeVisible()
    const sidebar = page.getByRole('complementary', { name: 'Groups' })
    await sidebar.getByRole('button', { name: 'Add group' }).click()
    await page.getByLabel('Group IDs').fill('@TGS#1DEMOTEAM')
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    const team = sidebar.getByRole('button', { name: /产品研发 Team/ })
    await team.click()
    await sidebar.getByRole('button', { name: 'Sync all' }).click()
    await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 60_000 })

    await page.getByRole('button', { name: 'Export…', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Export messages' })
    await dialog.getByLabel('Format').selectOption('html')
    const download = page.waitForEvent('download', { timeout: 30_000 })
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    // It failed here with "The export failed: No download folder is configured."
    await expect(dialog.getByRole('status')).toContainText(/Exported \d+ messages/)
    const d = await download
    const file = join(tmp, d.suggestedFilename())
    await d.saveAs(file)
    // The demo keeps the team chat's media, and an HTML export includes it by default: once some of
    // it is kept, the page and its media/ folder download together as one .zip; before (the
    // downloads run after the sync), the page alone.
    let page_ = file
    if (d.suggestedFilename().endsWith('.zip')) {
      const unpacked = join(tmp, 'unpacked')
      const names = await unpack(readFileSync(file), unpacked)
      expect(names.some((n) => /\/media\/[0-9a-f]{64}\.\w+$/.test(n))).toBe(true)
      page_ = join(
        unpacked,
        names.find((n) => n.endsWith('.html'))!
      )
    } else expect(d.suggestedFilename()).toMatch(/\.html$/)
    expect(readFileSync(page_, 'utf8')).toContain('<!doctype html>')
    expect(readFileSync(page_, 'utf8')).toContain('@TGS#1DEMOTEAM')
  } finally {
    await context.close()
    await demo.kill('SIGINT')
  }
  // Stopped with Ctrl+C, the demo leaves only its config folder in the temp folder.
  expect(readdirSync(tmp).filter((f) => f.startsWith('tim-archive-'))).toEqual(['tim-archive-demo'])
})

test('a tab from an earlier launch says so, and that the archive is safe', async ({ browser }) => {
  const configDir = mkdtempSync(join(tmpdir(), 'tim-stale-'))
  const port = await freePort()
  const first = await startServe({ port, configDir })
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  let second: Awaited<ReturnType<typeof startServe>> | undefined
  try {
    await page.goto(first.url)
    await expect(page.getByRole('heading', { name: 'Connect to your Tencent Cloud IM app' })).toBeVisible()
    const oldUrl = first.url
    await first.kill()
    second = await startServe({ port, configDir })
    expect(second.url).not.toBe(oldUrl)

    // The tab left open: the server's restart refuses its token.
    const notice = page.getByRole('alert').filter({ hasText: 'earlier launch' })
    await expect(notice.getByRole('heading', { name: 'This tab belongs to an earlier launch of TIM Archive' })).toBeVisible()
    await expect(notice).toContainText('Open the address printed in the terminal')
    await expect(notice).toContainText('Your archive is safe')
    await shot(page, 'host-stale-tab-en')

    // The new address opened in another tab (the browser now holds its page cookie); the old tab
    // reloaded still has the old token: same notice, not an empty "Not connected" archive.
    const fresh = await context.newPage()
    await fresh.goto(second.url)
    await expect(fresh.getByRole('heading', { name: 'Connect to your Tencent Cloud IM app' })).toBeVisible()
    await page.reload()
    await expect(page.getByRole('heading', { name: 'This tab belongs to an earlier launch of TIM Archive' })).toBeVisible()
    // The empty archive behind it takes no keyboard focus.
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab')
      await expect(page.locator('.app :focus')).toHaveCount(0)
    }

    // The old address itself, typed again: the server's page says the same.
    const retyped = await context.newPage()
    const r = await retyped.goto(oldUrl)
    expect(r?.status()).toBe(403)
    await expect(retyped.getByText('This address belongs to an earlier launch of TIM Archive')).toBeVisible()
    await expect(retyped.getByText(/Your archive is safe/)).toBeVisible()
  } finally {
    await context.close()
    await first.kill()
    await second?.kill()
  }
})

test('the stale-tab notice in Chinese', async ({ browser }) => {
  const configDir = mkdtempSync(join(tmpdir(), 'tim-stale-zh-'))
  const port = await freePort()
  const first = await startServe({ port, configDir })
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  let second: Awaited<ReturnType<typeof startServe>> | undefined
  try {
    await page.goto(first.url)
    await expect(page.getByText('TIM Archive').first()).toBeVisible()
    await first.kill()
    second = await startServe({ port, configDir })
    await expect(page.getByRole('heading', { name: '此标签页属于 TIM Archive 之前的一次启动' })).toBeVisible()
    await expect(page.getByRole('alert')).toContainText('您的归档是安全的')
    await shot(page, 'host-stale-tab-zh')
  } finally {
    await context.close()
    await first.kill()
    await second?.kill()
  }
})

test('the storage banner says where the archive lives, and asks the browser to keep it', async ({ browser }) => {
  const serve = await startServe()
  try {
    for (const [locale, where, ask] of [
      ['en-US', 'This archive lives in this browser’s profile, for this address', 'Ask the browser to keep it'],
      ['zh-CN', '此归档保存在此浏览器的配置文件中', '请求浏览器保留']
    ] as const) {
      const context = await browser.newContext({ locale })
      const page = await context.newPage()
      try {
        await page.goto(serve.url)
        const banner = page.getByTestId('persistence-notice')
        // Headless Chromium keeps a fresh site's storage best-effort: the banner shows.
        await expect(banner).toContainText(where)
        await expect(banner).toContainText(`http://127.0.0.1:${serve.port}`)
        await shot(page, `host-storage-banner-${locale}`)
        await banner.getByRole('button', { name: ask }).click()
        // The browser's answer, whichever it is.
        await expect(banner).toContainText(locale === 'en-US' ? /The browser (said no|agreed)/ : /浏览器(拒绝了|已同意)/)
        await shot(page, `host-storage-answer-${locale}`)
      } finally {
        await context.close()
      }
    }
  } finally {
    await serve.kill()
  }
})

test('the file serve opens the browser with forwards to the app', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tim-opener-'))
  // A stand-in for the browser: records the path it was given.
  const opener = join(dir, 'opener.sh')
  writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${dir}/arg.tmp' && mv '${dir}/arg.tmp' '${dir}/arg'\n`)
  chmodSync(opener, 0o755)
  const serve = startProcess([cliPath, 'serve', '--port', String(await freePort()), '--config-dir', join(dir, 'cfg')], { BROWSER: opener })
  try {
    await serve.waitFor(/running at/)
    await expect.poll(() => existsSync(join(dir, 'arg'))).toBe(true)
    const file = readFileSync(join(dir, 'arg'), 'utf8')
    await page.goto('file://' + file)
    await expect(page.getByRole('heading', { name: 'Connect to your Tencent Cloud IM app' })).toBeVisible()
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  } finally {
    await serve.kill()
  }
})
