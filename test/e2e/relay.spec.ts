import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { TEAM_SEQS } from '../../tools/sim/demo-people'
import { demoApp, teamGroupId } from '../../tools/sim/seed'
import { connectAndAdd } from './fixtures/app-page'
import { useAppSession, type AppSession } from './fixtures/session'

/**
 * A forwarded chat whose messages Tencent keeps on its server under a key (TIMRelayElem with only
 * JsonMsgKey, issue 18 §6): no REST API reads them (docs/reference/tencent-im-api.md §9.8), so the
 * timeline shows the title and summary and says plainly why there is nothing to expand, in English
 * and Chinese. The simulator's demo team chat has one (TEAM_SEQS.relayOnServer); the expected
 * title, count and summary come from the seed.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial' })

const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / 86_400_000) * 86_400 })
const relay = app.groups.get(teamGroupId)!.messages.get(TEAM_SEQS.relayOnServer)!
const element = (relay.body as unknown as { MsgType: string; MsgContent: { Title: string; MsgNum: number; AbstractList: string[]; JsonMsgKey: string } }[])[0]!
const content = element.MsgContent

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10 } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

const row = () => page.getByRole('feed', { name: /^(Messages|消息)$/ }).locator(`[data-row-seq="${TEAM_SEQS.relayOnServer}"]`)

test('the demo team chat holds a forwarded chat kept on the server', async () => {
  expect(element.MsgType).toBe('TIMRelayElem')
  expect(content.JsonMsgKey, 'the seed keeps this relay on the server').toBeTruthy()
  expect(content).not.toHaveProperty('MsgList')
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId])
  await page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
})

test('its card has the title and summary and says no server API reads its messages, with nothing to expand', async () => {
  await page.keyboard.press('Control+f')
  const box = page.getByRole('searchbox', { name: 'Search messages' })
  await box.fill('incident')
  await box.press('Enter')
  await page.locator(`[data-hit-seq="${TEAM_SEQS.relayOnServer}"]`).first().click()
  const r = row()
  await expect(r).toBeInViewport()
  await expect(r).toContainText(content.Title)
  for (const line of content.AbstractList) await expect(r).toContainText(line)
  const note = r.getByTestId('relay-server')
  await expect(note).toHaveText(
    `${content.MsgNum} messages kept on Tencent’s server under a key; Tencent offers no server API to read them, so the archive has the title and summary only`
  )
  await expect(r).toContainText(content.JsonMsgKey)
  // Nothing pretends it can be opened.
  await expect(r.getByRole('button', { name: /^Show the (\S+ messages|message)$/ })).toHaveCount(0)
  await r.screenshot({ path: join(shots, 'relay-01-on-server.png') })

  // In Chinese too.
  await page.getByLabel('Language').selectOption('zh-CN')
  await expect(row().getByTestId('relay-server')).toHaveText(
    `${content.MsgNum} 条消息以一个 key 保存在腾讯的服务器上；腾讯没有提供读取它们的服务端 API，因此存档只有标题和摘要`
  )
  await row().screenshot({ path: join(shots, 'relay-02-on-server-zh.png') })
  await page.getByLabel('语言').selectOption('en')
})
