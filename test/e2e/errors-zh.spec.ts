import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { demoCredentials } from '../../tools/sim/seed'
import { startServe, startSimulator } from './fixtures/processes'

/**
 * Issue 15 item 20: the host's errors are worded in the page's language. In the Chinese UI a wrong
 * secret key is explained in Chinese, and the API's own ErrorInfo stays, untranslated, under
 * "详细信息" (Details).
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

let sim: Awaited<ReturnType<typeof startSimulator>>
let serve: Awaited<ReturnType<typeof startServe>>
let context: BrowserContext
let page: Page

test.beforeAll(async ({ browser }) => {
  sim = await startSimulator()
  serve = await startServe()
  context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  page = await context.newPage()
})

test.afterAll(async () => {
  await context?.close()
  await serve?.kill()
  await sim?.kill()
})

test('在中文界面中，错误的密钥以中文说明，API 的原文在“详细信息”中', async () => {
  await page.goto(serve.url)
  await expect(page.getByRole('heading', { name: '连接到你的腾讯云 IM 应用' })).toBeVisible()
  await page.getByLabel('地域（数据中心）').selectOption({ label: '自定义接入点' })
  await page.getByLabel('接入点 URL').fill(sim.url)
  await page.getByLabel('SDKAppID').fill(String(demoCredentials.sdkAppId))
  await page.getByLabel('管理员帐号').fill(demoCredentials.identifier)
  await page.getByLabel('密钥', { exact: true }).fill('f'.repeat(64))
  await page.getByRole('button', { name: '测试连接' }).click()

  const error = page.locator('.error-text[data-code="70009"]')
  await expect(error.getByText('签名校验失败：密钥错误，或属于另一个 SDKAppID（错误码 70009）')).toBeVisible()
  // The English sentence is not what the page shows.
  await expect(error.getByText(/secret key is wrong/)).toHaveCount(0)
  // The API's own text, untranslated, behind the disclosure (usable by keyboard).
  const details = error.getByText('详细信息')
  await details.focus()
  await page.keyboard.press('Enter')
  await expect(error.locator('pre')).toHaveText('get_appid_group_list: signature check failed')
  await page.screenshot({ path: join(shots, 'errors-zh-connect-details.png') })
})
