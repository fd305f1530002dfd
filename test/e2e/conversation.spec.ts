import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { demoApp, teamGroupId } from '../../tools/sim/seed'
import { TEAM_SEQS } from '../../tools/sim/demo-people'
import { connectAndAdd } from './fixtures/app-page'
import { startServe } from './fixtures/processes'
import { useAppSession, type AppSession } from './fixtures/session'

/**
 * The conversation as TUIKit shows it (issue 18 §4). Two sources:
 * - the simulator's demo team chat, synced: the MIF message of Tencent's own history sample (its
 *   custom Data is protobuf bytes) reads as a hex dump, not a string of escapes; mentions in text
 *   are highlighted; CloudCustomData that is JSON reads as pretty JSON;
 * - an archive file in TUIKit's shapes (replies in CloudCustomData messageReply, a sticker, the
 *   group-created tip, a link, a call record), imported with no connection: the quote jumps to the
 *   quoted message by click and by keyboard.
 * Expected values come from the seed or the file, not from the app.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
mkdirSync(shots, { recursive: true })

test.describe.configure({ mode: 'serial' })

const app = demoApp({ benchMessages: 10, now: Math.floor(Date.now() / 86_400_000) * 86_400 })
const team = [...app.groups.get(teamGroupId)!.messages.values()]
const bodyJson = (m: (typeof team)[number]) => JSON.stringify(m.body)
const mif = team.find((m) => bodyJson(m).includes('MaoTong'))!
const escalate = team.find((m) => bodyJson(m).includes('Escalate'))!
// '@Admin 管理员 @Alice Wang see above ⬆️', a TUIKit quote of seq 120 (tools/sim/demo-people.ts).
const mentionMsg = team.find((m) => m.seq === TEAM_SEQS.quoteOld)!
const allMsg = team.find((m) => bodyJson(m).includes('@all 今晚'))!

const session = useAppSession({ sim: { latencyMs: 2, benchMessages: 10 } })
let sim: AppSession['sim']
let serve: AppSession['serve']
let page: Page
test.beforeAll(() => {
  ;({ sim, serve, page } = session)
})

const feed = (p: Page) => p.getByRole('feed', { name: /^(Messages|消息)$/ })
const row = (p: Page, seq: number) => feed(p).locator(`[data-row-seq="${seq}"]`)

async function openSeq(seq: number, word: string) {
  // Search for a word of the message and open the result: the timeline shows it in context.
  const box = page.getByRole('searchbox', { name: /Search messages|搜索消息/ })
  if (!(await box.isVisible())) await page.keyboard.press('Control+f')
  await box.fill(word)
  await box.press('Enter')
  const hit = page.locator(`[data-hit-seq="${seq}"]`).first()
  await hit.click()
  await expect(row(page, seq)).toBeInViewport()
}

test('I sync the demo team chat', async () => {
  expect(mif && mentionMsg && allMsg, 'the seed has the MIF sample and the mention texts').toBeTruthy()
  await page.goto(serve.url)
  await connectAndAdd(page, sim.url, [teamGroupId])
  await page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: 'Sync all' }).click()
  await expect(page.getByText('Sync finished.')).toBeVisible({ timeout: 90_000 })
})

test('the MIF custom data reads as a hex dump with its words, not as escapes', async () => {
  // The page sample's other message (its text is Escalate) is its neighbour in the demo.
  await openSeq(escalate.seq, 'Escalate')
  const r = row(page, mif.seq)
  await r.scrollIntoViewIfNeeded()
  const data = r.locator('[data-custom="data"]')
  await expect(data).toContainText('08 01 10 06 1a 06 4d 61')
  await expect(data).toContainText('|......MaoTong|')
  await expect(data).toContainText('13 bytes, shown in hex')
  await expect(r).not.toContainText('\\u0001')
  await expect(r).not.toContainText('\\b')
  // Its face element has no name: the pack index is what there is.
  await expect(r).toContainText('Sticker #15')
  await r.scrollIntoViewIfNeeded()
  await r.screenshot({ path: join(shots, 'conversation-01-mif.png') })
  await page.emulateMedia({ colorScheme: 'dark' })
  await r.screenshot({ path: join(shots, 'conversation-01-mif-dark.png') })
  await page.emulateMedia({ colorScheme: 'light' })
})

test('mentions and @all are highlighted; a TUIKit quote reads as a quote; text CloudCustomData stays text', async () => {
  await openSeq(mentionMsg.seq, 'above')
  const r = row(page, mentionMsg.seq)
  // TUIKit writes `@label `; the text carries no mention list, so a name with a space is matched
  // against the group's known names (longest first) once they are resolved after the sync.
  await expect(r.locator('.mention')).toHaveText(['@Admin 管理员', '@Alice Wang'], { timeout: 20_000 })
  await expect(r.getByRole('button', { name: /^(Replying to|Quoting) Admin 管理员: / })).toBeVisible()
  // The quote is not shown again as raw data.
  await expect(r.locator('.ccd')).toHaveCount(0)
  await r.screenshot({ path: join(shots, 'conversation-02-mentions.png') })

  await openSeq(allMsg.seq, '发版')
  const a = row(page, allMsg.seq)
  await expect(a.locator('.mention.all')).toHaveText('@all')
  // Text CloudCustomData stays text, its markup inert.
  await expect(a.locator('.ccd [data-kind="text"]')).toContainText('v1|priority=high|<b>not json</b>')
  await expect(a.locator('.ccd b')).toHaveCount(0)
})

// ---- An archive in TUIKit's shapes, imported ----

const groupId = '@TGS#TUIKITDEMO'
const t0 = 1_764_700_000
type Rec = Record<string, unknown>
const rec = (seq: number, from: string, body: Rec[], ccd?: object): Rec => {
  const r: Rec = { GroupId: groupId, From_Account: from, IsPlaceMsg: 0, MsgBody: body, MsgRandom: seq, MsgSeq: seq, MsgTimeStamp: t0 + seq * 60 }
  if (ccd) r['CloudCustomData'] = JSON.stringify(ccd)
  return r
}
const text = (s: string): Rec => ({ MsgType: 'TIMTextElem', MsgContent: { Text: s } })
const custom = (data: object): Rec => ({ MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify(data), Desc: '', Ext: '' } })
// TUIKit's reply metadata (chat-uikit-vue message-quote/interface.ts).
const quote = (seq: number, sender: string, abstract: string, type: number, root?: string) => ({
  messageReply: {
    messageAbstract: abstract,
    messageSender: sender,
    messageID: `${sender}-${seq}`,
    messageType: type,
    messageTime: t0 + seq * 60,
    messageSequence: seq,
    version: 1,
    ...(root ? { messageRootID: root } : {})
  }
})
const records: Rec[] = [
  rec(1, 'alice', [custom({ businessID: 'group_create', version: 4, opUser: 'alice', content: '创建群组' })]),
  rec(2, 'alice', [text('Lunch at 12? [TUIEmoji_Smile]')]),
  rec(3, 'carol', [{ MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'yz05' } }]),
  rec(4, 'bob', [custom({ businessID: 'text_link', version: 4, text: 'Welcome to Tencent Cloud Chat', link: 'https://cloud.tencent.com/product/im' })]),
  rec(5, 'carol', [
    custom({
      businessID: 1,
      inviteID: 'inv-1',
      inviter: 'carol',
      actionType: 1,
      inviteeList: ['alice'],
      timeout: 30,
      data: JSON.stringify({ businessID: 'av_call', version: 4, call_type: 2, call_end: 75, room_id: 1234 })
    })
  ]),
  // App data that is not TUIKit's: shown as pretty JSON.
  rec(6, 'alice', [text('filler 6')], { priority: 'high', tags: ['ops', 'release'] }),
  ...Array.from({ length: 119 }, (_, i) => rec(7 + i, i % 2 ? 'alice' : 'bob', [text(`filler ${7 + i}`)])),
  rec(126, 'bob', [text('@alice sounds good, @所有人 see you there')], quote(2, 'alice', 'Lunch at 12? [TUIEmoji_Smile]', 1, 'alice-2')),
  rec(127, 'alice', [text('nice one')], quote(3, 'carol', '', 8)),
  rec(128, 'carol', [text('about that old thing')], quote(999, 'dave', 'gone', 1))
]

test('an archive in TUIKit shapes: quotes jump to the quoted message; stickers, tips, links and calls read as what they mean', async ({ browser }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'tim-tuikit-')), 'tuikit.jsonl')
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
  const serve2 = await startServe()
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai' })
  const p = await context.newPage()
  const errors: string[] = []
  p.on('pageerror', (e) => errors.push(String(e)))
  p.on('dialog', async (d) => {
    errors.push(`dialog: ${d.message()}`)
    await d.dismiss()
  })
  try {
    await p.goto(serve2.url)
    const chooser = p.waitForEvent('filechooser')
    await p.getByRole('button', { name: 'or import an archive file' }).click()
    await (await chooser).setFiles(file)
    await expect(p.getByText(/Imported 128 messages/)).toBeVisible({ timeout: 30_000 })
    await p
      .getByRole('complementary', { name: 'Groups' })
      .getByRole('button', { name: new RegExp(groupId) })
      .click()

    // The reply: the quoted sender and abstract (emoji keys read as names), mentions highlighted.
    const reply = row(p, 126)
    await expect(reply).toBeVisible()
    const q = reply.getByRole('button', { name: 'Replying to alice: Lunch at 12? [Smile]' })
    await expect(q).toBeVisible()
    await expect(reply.locator('.mention')).toHaveText(['@alice', '@所有人'])
    await expect(reply.locator('.mention.all')).toHaveText('@所有人')
    // What the timeline shows as the quote is not shown again as raw data.
    await expect(reply.locator('.ccd')).toHaveCount(0)
    await expect(row(p, 127).getByRole('button', { name: 'Quoting carol: [Sticker]' })).toBeVisible()
    await feed(p).screenshot({ path: join(shots, 'conversation-03-replies.png') })
    await p.emulateMedia({ colorScheme: 'dark' })
    await feed(p).screenshot({ path: join(shots, 'conversation-03-replies-dark.png') })
    await p.emulateMedia({ colorScheme: 'light' })

    // A click shows the quoted message (seq 2), far above, marked.
    await q.click()
    await expect(row(p, 2)).toBeInViewport()
    await expect(feed(p).locator('[data-search-target] [data-row-seq="2"]')).toHaveCount(1)

    // Its neighbours: the tip, the sticker by name, the link card with an inert URL, the call.
    await expect(row(p, 1)).toContainText('alice created the group')
    await expect(row(p, 3)).toContainText('Sticker yz05 · pack 1')
    await expect(row(p, 4)).toContainText('Welcome to Tencent Cloud Chat')
    await expect(row(p, 4)).toContainText('https://cloud.tencent.com/product/im')
    await expect(row(p, 4).locator('a[href]')).toHaveCount(0)
    await expect(row(p, 5)).toContainText('Video call')
    await expect(row(p, 5)).toContainText('Call ended, 1:15')
    await expect(row(p, 6).locator('.ccd [data-kind="json"]')).toContainText('"priority": "high"')
    await feed(p).screenshot({ path: join(shots, 'conversation-04-custom.png') })

    // By keyboard: End goes to the newest; the quote is a button in the focused row.
    await row(p, 2).focus()
    await p.keyboard.press('End')
    await expect(row(p, 128)).toBeFocused()
    await p.keyboard.press('ArrowUp')
    await expect(row(p, 127)).toBeFocused()
    const stickerQuote = row(p, 127).getByRole('button', { name: /^Quoting carol/ })
    await stickerQuote.focus()
    await p.keyboard.press('Enter')
    await expect(feed(p).locator('[data-search-target] [data-row-seq="3"]')).toHaveCount(1)
    await expect(row(p, 3)).toBeInViewport()

    // A quote of a message the archive does not have says so.
    await p.keyboard.press('End')
    await row(p, 128)
      .getByRole('button', { name: /^Quoting dave/ })
      .click()
    await expect(p.getByText('The quoted message (seq 999) is not in this archive.')).toBeVisible()

    // In Chinese, dark.
    await p.locator('#language').selectOption('zh-CN')
    await p.emulateMedia({ colorScheme: 'dark' })
    await expect(row(p, 128)).toBeVisible()
    const zhQuote = row(p, 126).getByRole('button', { name: '回复 alice：Lunch at 12? [Smile]' })
    await zhQuote.scrollIntoViewIfNeeded()
    await feed(p).screenshot({ path: join(shots, 'conversation-05-zh-dark-replies.png') })
    await zhQuote.click()
    await expect(row(p, 2)).toBeInViewport()
    await expect(row(p, 1)).toContainText('alice 创建了群组')
    await expect(row(p, 5)).toContainText('通话结束，时长 1:15')
    await feed(p).screenshot({ path: join(shots, 'conversation-05-zh-dark.png') })
    await p.emulateMedia({ colorScheme: 'light' })
    await feed(p).screenshot({ path: join(shots, 'conversation-05-zh.png') })
    expect(errors).toEqual([])
  } finally {
    await context.close()
    await serve2.kill()
  }
})
