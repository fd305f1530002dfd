import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { startServe } from './fixtures/processes'

/**
 * An archive written by an older version (schema v3: the search index in its old layout) opens in
 * this one: the upgrade indexes every message again, inside IndexedDB's open, and the app shows how
 * far it has come; then search finds the archive's messages.
 */
const shots = resolve(__dirname, '../../test-results/screenshots')
const messages = 40_000

test('an archive from an older version is indexed again on first open, with progress, then searchable', async ({ browser }) => {
  const serve = await startServe()
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  try {
    // Any page of the app's origin (here the page asking for the token) can write its IndexedDB.
    await page.goto(new URL('/', serve.url).href)
    // A string, as this file is typechecked without the DOM library. Dexie stores version n as 10n.
    await page.evaluate(`new Promise((resolve, reject) => {
      const open = indexedDB.open('tim-archive', 30)
      open.onupgradeneeded = () => {
        const db = open.result
        db.createObjectStore('workspaces', { keyPath: 'id' })
        db.createObjectStore('groups', { keyPath: 'gk' }).createIndex('workspaceId', 'workspaceId')
        db.createObjectStore('messages', { keyPath: ['gk', 'seq'] }).createIndex('[gk+time]', ['gk', 'time'])
        db.createObjectStore('coverage', { keyPath: 'gk' })
        db.createObjectStore('settings', { keyPath: 'key' })
        db.createObjectStore('postings', { keyPath: ['b', 'gk', 'c'] }).createIndex('[b+gk+mt]', ['b', 'gk', 'mt'])
        db.createObjectStore('activity', { keyPath: ['gk', 'kind', 'key'] })
      }
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const db = open.result
        const tx = db.transaction(['groups', 'messages', 'coverage', 'postings'], 'readwrite')
        const gk = 'imported|@TGS#OLDARCHIVE'
        const t0 = 1700000000
        tx.objectStore('groups').put({ gk, workspaceId: 'imported', groupId: '@TGS#OLDARCHIVE', profile: { groupId: '@TGS#OLDARCHIVE', name: 'Old archive', type: 'Public', archivable: true }, addedAt: 0, lastSyncAt: null, lastError: null, stats: { messages: ${messages}, deleted: 0, recalled: 0, removedLater: 0, system: 0, firstTime: t0 + 1, lastTime: t0 + ${messages} }, index: { chunks: 3, pending: 0, folds: 1, mergedTo: 0 } })
        tx.objectStore('coverage').put({ gk, ranges: [[1, ${messages}]], floor: 1, top: ${messages} })
        tx.objectStore('postings').put({ b: 17, gk, c: 3, mt: t0, del: 0, t: '\\nstale\\n', p: new Uint32Array([0]), o: new Uint32Array([0, 1]), s: new Uint32Array([1]), m: new Uint32Array([t0]) })
        const store = tx.objectStore('messages')
        for (let seq = 1; seq <= ${messages}; seq++) {
          const text = seq % 1000 === 0 ? 'quarterly milestone 里程碑 ' + seq : 'hello world ' + (seq % 97)
          store.put({ gk, seq, time: t0 + seq, from: 'alice', raw: { GroupId: '@TGS#OLDARCHIVE', From_Account: 'alice', MsgSeq: seq, MsgRandom: seq, MsgTimeStamp: t0 + seq, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] } })
        }
        tx.oncomplete = () => { db.close(); resolve(undefined) }
        tx.onerror = () => reject(tx.error)
      }
    })`)

    await page.goto(serve.url)
    const status = page.getByRole('status').filter({ hasText: 'indexes your archive for search once' })
    await expect(status).toContainText(`of ${messages.toLocaleString('en-US')} messages so far`, { timeout: 20_000 })
    await page.screenshot({ path: join(shots, 'upgrade-01-reindexing.png') })

    const group = page.getByRole('complementary', { name: 'Groups' }).getByRole('button', { name: /Old archive/ })
    await expect(group).toContainText(`${messages.toLocaleString('en-US')} messages`, { timeout: 120_000 })
    await expect(status).toHaveCount(0)
    await group.click()
    await page.keyboard.press('Control+f')
    const box = page.getByRole('searchbox', { name: 'Search messages' })
    await box.fill('milestone 里程碑')
    await box.press('Enter')
    await expect(page.getByText(`${messages / 1000} results`)).toBeVisible()
    await box.fill('stale')
    await box.press('Enter')
    await expect(page.getByText('No messages match.')).toBeVisible()
  } finally {
    await context.close()
    await serve.kill()
  }
})
