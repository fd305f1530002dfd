import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { cliPath, demoCliEnv, startServe, startSimulator } from './fixtures/processes'

/**
 * A reviewer who was sent an archive: `tim-archive pull` writes it on one machine; on another,
 * with no connection at all, the app imports the file and reads it offline.
 */
test('I import a file written by tim-archive pull and read it without any connection', async ({ browser }) => {
  const sim = await startSimulator()
  const file = join(mkdtempSync(join(tmpdir(), 'tim-import-')), 'team.jsonl')
  const pull = spawnSync(process.execPath, [cliPath, 'pull', '--group', '@TGS#1DEMOTEAM', '--out', file], {
    env: demoCliEnv(sim.url),
    encoding: 'utf8'
  })
  expect(pull.status, pull.stderr).toBe(0)
  await sim.kill() // the reviewer's machine has no server at all

  const serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    await page.goto(serve.url)
    await expect(page.getByRole('heading', { name: 'Connect to your Tencent Cloud IM app' })).toBeVisible()
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'or import an archive file' }).click()
    await (await chooser).setFiles(file)
    await expect(page.getByText(/Imported 595 messages into 1 groups? from team\.jsonl/)).toBeVisible({ timeout: 30_000 })
    const group = page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: /@TGS#1DEMOTEAM/ })
    await expect(group).toContainText('595 messages')
    await group.click()
    const feed = page.getByRole('feed', { name: 'Messages' })
    await expect(feed.locator('[data-row-seq="600"]')).toBeVisible()
    await page.screenshot({ path: resolve(__dirname, '../../test-results/screenshots/11-imported.png') })
    await page.reload()
    await page
      .getByRole('complementary', { name: 'Groups' })
      .getByRole('button', { name: /@TGS#1DEMOTEAM/ })
      .click()
    await expect(feed.locator('[data-row-seq="600"]')).toBeVisible()
  } finally {
    await context.close()
    await serve.kill()
  }
})

test('a file with a line of the wrong types is refused whole, naming the line and the field, in English and Chinese', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tim-import-bad-'))
  const rec = (seq: number) => ({
    GroupId: '@TGS#WF',
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `hi ${seq}` } }],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_764_700_000 + seq
  })
  const file = join(dir, 'wrong.jsonl')
  // The line (issue 15 item 2), after three good ones.
  writeFileSync(
    file,
    [rec(1), rec(2), rec(3)].map((r) => JSON.stringify(r)).join('\n') +
      '\n{"GroupId":"@TGS#WF","MsgSeq":4,"MsgTimeStamp":"yesterday","From_Account":42,"IsPlaceMsg":"0","MsgBody":"hello"}\n'
  )
  const serve = await startServe()
  try {
    for (const [locale, text] of [
      ['en-US', 'Import of wrong.jsonl stopped: line 4: From_Account must be a string; got the number 42. Nothing was imported.'],
      ['zh-CN', 'wrong.jsonl 的导入已停止：第 4 行：From_Account 应为字符串，实际为数字 42。未导入任何内容。']
    ] as const) {
      const context = await browser.newContext({ locale })
      const page = await context.newPage()
      await page.goto(serve.url)
      const chooser = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: locale === 'en-US' ? 'or import an archive file' : '或导入归档文件' }).click()
      await (await chooser).setFiles(file)
      await expect(page.getByText(text)).toBeVisible({ timeout: 30_000 })
      // Nothing of the file was stored: no group appeared, the connect form is still there.
      await expect(page.getByRole('complementary', { name: /Groups|群组/ })).toHaveCount(0)
      await context.close()
    }
  } finally {
    await serve.kill()
  }
})
