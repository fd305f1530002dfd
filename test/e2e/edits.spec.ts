import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { startServe } from './fixtures/processes'

/**
 * A message an admin edited on the server (modify_group_msg keeps no old version, issue 18 §5):
 * the archive holds every version; the timeline marks the message "edited" and lists the versions
 * on demand, by keyboard, in English and Chinese.
 */
const say = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
const rec = (seq: number, text: string, extra: Record<string, unknown> = {}) => ({
  GroupId: '@TGS#EDITS',
  From_Account: 'alice',
  IsPlaceMsg: 0,
  MsgBody: say(text),
  MsgRandom: seq,
  MsgSeq: seq,
  MsgTimeStamp: 1_764_700_000 + seq * 60,
  ...extra
})

test('I see which messages were edited and read every version, by keyboard, in English and Chinese', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tim-edits-'))
  const file = join(dir, 'edits.jsonl')
  const lines = [
    rec(1, 'Plain message'),
    rec(2, 'Meeting moved to <b>Friday</b>', {
      _archive: {
        versions: [{ MsgBody: say('Meeting on Monday') }, { seenAt: '2025-12-03T09:00:00.000Z', MsgBody: say('Meeting on Wednesday') }],
        seenAt: '2025-12-04T09:00:00.000Z'
      }
    }),
    rec(3, 'Another plain one'),
    // Edited in a loop: the cap kept the original and the latest, and says how many it let go.
    rec(4, 'Loop 30', {
      _archive: {
        versions: [{ MsgBody: say('Loop original') }, { seenAt: '2025-12-05T09:00:00.000Z', MsgBody: say('Loop 29') }],
        seenAt: '2025-12-05T09:01:00.000Z',
        versionsDropped: 28
      }
    })
  ]
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  const serve = await startServe()
  try {
    for (const locale of ['en-US', 'zh-CN'] as const) {
      const en = locale === 'en-US'
      const context = await browser.newContext({ locale })
      const page = await context.newPage()
      await page.goto(serve.url)
      const importButton = page.getByRole('button', { name: en ? 'or import an archive file' : '或导入归档文件' })
      const group = page.getByRole('complementary', { name: en ? 'Groups' : '群组' }).getByRole('button', { name: /@TGS#EDITS/ })
      // The page may still be starting: wait for the empty state's import button (or the group).
      await expect(importButton.or(group).first()).toBeVisible({ timeout: 30_000 })
      if (await importButton.isVisible()) {
        const chooser = page.waitForEvent('filechooser')
        await importButton.click()
        await (await chooser).setFiles(file)
      }
      await group.click({ timeout: 30_000 })
      const feed = page.getByRole('feed', { name: en ? 'Messages' : '消息' })
      const row = feed.locator('[data-row-seq="2"]')
      await expect(row).toContainText('Meeting moved to <b>Friday</b>')
      const mark = row.getByRole('button', {
        name: en ? /^Edited on the server since it was archived; 2 earlier versions kept/ : /^已编辑：归档后在服务器上被修改过，保留了 2 个早先版本/
      })
      await expect(mark).toHaveText(en ? 'edited' : '已编辑')
      // Only the edited message is marked.
      await expect(feed.locator('[data-row-seq="1"]').getByRole('button', { name: en ? /Edited/ : /编辑/ })).toHaveCount(0)

      // Keyboard: focus the row, Tab to the mark, Enter opens the versions.
      await row.click()
      await expect(row).toBeFocused()
      await page.keyboard.press('Tab')
      await expect(mark).toBeFocused()
      await page.keyboard.press('Enter')
      const dialog = page.getByRole('dialog', { name: en ? 'Versions of message 2' : '消息 2 的各版本' })
      await expect(dialog).toBeVisible()
      const items = dialog.getByRole('listitem')
      await expect(items).toHaveCount(3)
      await expect(items.nth(0)).toContainText(en ? 'Original' : '原始版本')
      await expect(items.nth(0)).toContainText('Meeting on Monday')
      await expect(items.nth(1)).toContainText(en ? 'Version 2' : '版本 2')
      await expect(items.nth(1)).toContainText('Meeting on Wednesday')
      await expect(items.nth(2)).toContainText(en ? 'Current' : '当前版本')
      await expect(items.nth(2)).toContainText('Meeting moved to <b>Friday</b>')
      // Content is data: the <b> a message holds is text, not bold.
      await expect(dialog.locator('b')).toHaveCount(0)
      await expect(dialog.getByRole('button', { name: en ? 'Close' : '关闭' })).toBeFocused()
      await page.screenshot({ path: resolve(__dirname, `../../test-results/screenshots/18-edits-${en ? 'en' : 'zh'}.png`) })
      await page.keyboard.press('Escape')
      await expect(dialog).toHaveCount(0)
      await expect(mark).toBeFocused()

      if (en) {
        await feed
          .locator('[data-row-seq="4"]')
          .getByRole('button', { name: /^Edited/ })
          .click()
        const loop = page.getByRole('dialog', { name: 'Versions of message 4' })
        await expect(loop.getByRole('listitem')).toHaveCount(4)
        await expect(loop.getByRole('listitem').nth(1)).toHaveText('28 versions in between were not kept: the archive keeps the first and the latest 20.')
        await loop.getByRole('button', { name: 'Close' }).click()
        await expect(loop).toHaveCount(0)
      }

      // Search finds the message by a word only an earlier version had, and says it was edited.
      await page.keyboard.press('Control+f')
      const box = page.getByRole('searchbox', { name: en ? 'Search messages' : '搜索消息' })
      await box.fill('Monday')
      await box.press('Enter')
      const results = page.getByRole('list', { name: en ? 'Search results' : '搜索结果' }).getByRole('button')
      await expect(results).toHaveCount(1)
      await expect(results.first().locator('mark')).toHaveText('Monday')
      await expect(results.first()).toContainText(en ? 'Edited on the server' : '服务器上已编辑')
      await context.close()
    }
  } finally {
    await serve.kill()
  }
})
