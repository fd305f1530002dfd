/**
 * The app's export path on the host: chunks in, a file out (Electron: where the save dialog
 * said; browser mode: a one-time download over real loopback HTTP).
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppService } from '../../../src-main/services/app-service'
import { invokeChannel } from '../../../src-main/services/dispatch'
import { ExportHost, safeFileName } from '../../../src-main/services/export-host'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import {
  channels,
  type ExportFinished,
  type ExportStartInput,
  type ExportStarted,
  type ExportWritten,
  type Result
} from '../../../src-main/shared/ipc/contract'
import { mediaInMessage, mediaKey } from '../../../src-main/shared/media/objects'
import { readMediaFolder } from '../../../src-main/export/media'
import { blobBytes, png as pngBlob } from '../../../tools/sim/media/encode'
import { startWebServer, type WebServer } from '../../../src-main/web/server'
import { corpus } from './corpus'
import { unzip } from '../../helpers/unzip'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tim-export-host-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const input: ExportStartInput = {
  format: 'jsonl',
  query: '',
  groups: [{ groupId: '@TGS#1DEMO', name: 'Demo' }],
  timeZone: 'UTC',
  suggestedName: 'demo.jsonl',
  count: corpus.length
}

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

describe('exporting from the app (desktop)', () => {
  it('the chunks the app sends become the file I chose, complete, only after finish', async () => {
    const sub = join(dir, 'desktop')
    await mkdir(sub)
    const target = join(sub, 'chosen.jsonl')
    const asked: [string, boolean][] = []
    const host = new ExportHost({ version: 't', chooseDestination: async (name, folder) => (asked.push([name, folder]), target) })
    const { exportId, destination } = ok(await host.start(input))
    expect(destination).toBe(target)
    expect(asked).toEqual([['demo.jsonl', false]])
    for (let i = 0; i < corpus.length; i += 4) {
      const w = ok(await host.write(exportId, corpus.slice(i, i + 4)))
      expect(w.messages).toBe(Math.min(i + 4, corpus.length))
      expect(await readdir(sub)).not.toContain('chosen.jsonl')
    }
    const done = ok(await host.finish(exportId))
    expect(done.messages).toBe(corpus.length)
    expect(done.files).toEqual([target])
    expect(await readFile(target, 'utf8')).toBe(corpus.map((m) => JSON.stringify(m) + '\n').join(''))
    expect(await readdir(sub)).toEqual(['chosen.jsonl'])
  })

  it('cancel leaves nothing behind; closing the save dialog is CANCELLED', async () => {
    const sub = join(dir, 'desktop-cancel')
    await mkdir(sub)
    const host = new ExportHost({ version: 't', chooseDestination: async () => join(sub, 'x.html') })
    const { exportId } = ok(await host.start({ ...input, format: 'html' }))
    ok(await host.write(exportId, corpus.slice(0, 10)))
    await host.cancel(exportId)
    expect(await readdir(sub)).toEqual([])
    expect(await host.write(exportId, corpus.slice(0, 1))).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    const closed = new ExportHost({ version: 't', chooseDestination: async () => null })
    expect(await closed.start(input)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
  })

  it('a split export goes to a folder the dialog picked', async () => {
    const target = join(dir, 'split-out')
    const host = new ExportHost({ version: 't', chooseDestination: async (_n, folder) => (folder ? target : null) })
    const { exportId } = ok(await host.start({ ...input, format: 'html', split: 'count:10' }))
    ok(await host.write(exportId, corpus))
    const done = ok(await host.finish(exportId))
    expect(done.files.length).toBe(5)
    expect((await readdir(target)).sort()).toEqual(['index.html', 'part-0001.html', 'part-0002.html', 'part-0003.html', 'part-0004.html'])
  })

  it('with media, the kept files go into a media folder beside the file I chose', async () => {
    const kept = join(dir, 'desktop-kept')
    const png = blobBytes(pngBlob(12, 8, [200, 10, 10]))
    const hash = createHash('sha256').update(png).digest('hex')
    await mkdir(join(kept, hash.slice(0, 2)), { recursive: true })
    await writeFile(join(kept, hash.slice(0, 2), hash), png)
    const m = {
      ...corpus[0]!,
      MsgSeq: 998,
      MsgBody: [
        {
          MsgType: 'TIMImageElem',
          MsgContent: { UUID: 'd1', ImageInfoArray: [{ Type: 3, Size: png.length, Width: 12, Height: 8, URL: 'https://x.myqcloud.com/d1' }] }
        }
      ]
    }
    await writeFile(
      join(kept, 'ledger.jsonl'),
      JSON.stringify({ g: m.GroupId, k: mediaKey(mediaInMessage(m)[0]!), o: { status: 'saved', bytes: png.length, sha256: hash, type: 'image/png', at: 1 } }) +
        '\n'
    )
    const sub = join(dir, 'desktop-media')
    await mkdir(sub)
    const host = new ExportHost({ version: 't', chooseDestination: async () => join(sub, 'page.html'), media: { exportSource: () => readMediaFolder(kept) } })
    const { exportId } = ok(await host.start({ ...input, format: 'html', media: 'folder', suggestedName: 'page.html' }))
    ok(await host.write(exportId, [m]))
    const done = ok(await host.finish(exportId))
    expect(done.media).toMatchObject({ files: 1, missing: 0 })
    expect((await readdir(sub)).sort()).toEqual(['media', 'page.html'])
    expect(await readdir(join(sub, 'media'))).toEqual([`${hash}.png`])
    expect(await readFile(join(sub, 'page.html'), 'utf8')).toContain(`src="media/${hash}.png"`)
  })

  it('the host checks what the page sends', async () => {
    const service = new AppService({
      secretStore: new FileSecretStore(join(dir, 'cfg')),
      configDir: join(dir, 'cfg'),
      shell: 'electron',
      version: '1',
      locale: 'en'
    })
    const bad = await invokeChannel(service, channels.exportStart, [{ ...input, format: 'exe' }])
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    const zone = await invokeChannel(service, channels.exportStart, [{ ...input, timeZone: 'Mars/Olympus' }])
    expect(zone).toMatchObject({ ok: false, error: { code: 'INVALID', message: expect.stringContaining('time zone') } })
    const chunk = await invokeChannel(service, channels.exportWrite, ['0b9a7a1e-2f0e-4c1a-9d8e-0c1d2e3f4a5b', [{ GroupId: 'g' }]])
    expect(chunk).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(safeFileName('../../etc/passwd', 'x')).toBe('_.._etc_passwd')
    expect(safeFileName('a\u202Etxt.exe', 'x')).toBe('a_txt.exe')
  })
})

describe('exporting from the app (browser mode)', () => {
  let server: WebServer
  let base: string
  beforeAll(async () => {
    const rendererDir = join(dir, 'renderer')
    await mkdir(rendererDir, { recursive: true })
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
    const service = new AppService({
      secretStore: new FileSecretStore(join(dir, 'cfg2')),
      configDir: join(dir, 'cfg2'),
      shell: 'web',
      version: '1',
      locale: 'en',
      exports: { downloadDir: join(dir, 'downloads') }
    })
    server = await startWebServer({ service, rendererDir })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server?.close()
  })

  async function api<T>(channel: string, args: unknown[]): Promise<T> {
    const res = await fetch(`${base}/api/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ args })
    })
    return ((await res.json()) as { result: T }).result
  }

  it('the finished file downloads once, with its name, and is then gone from the host', async () => {
    const started = ok(await api<Result<ExportStarted>>(channels.exportStart, [{ ...input, format: 'csv', suggestedName: '季度 chat.csv' }]))
    expect(started.destination).toBe('季度 chat.csv')
    ok(await api<Result<unknown>>(channels.exportWrite, [started.exportId, corpus]))
    const done = ok(await api<Result<ExportFinished>>(channels.exportFinish, [started.exportId]))
    expect(done.downloadUrl).toMatch(/^\/download\/[0-9a-f-]+\?key=[A-Za-z0-9_-]{32}$/)
    const res = await fetch(base + done.downloadUrl)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="__ chat.csv"; filename*=UTF-8''${encodeURIComponent('季度 chat.csv')}`)
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())
    expect(text.startsWith('\uFEFFgroup,seq,time')).toBe(true)
    expect(text).toContain("'=HYPERLINK(")
    expect((await fetch(base + done.downloadUrl)).status).toBe(404)
    expect((await fetch(`${base}/download/${started.exportId}?key=wrong`)).status).toBe(404)
    // Removed once the response has been sent.
    await expect.poll(() => readdir(join(dir, 'downloads'))).toEqual([])
  })

  it('a split export downloads as one .zip holding its folder of parts', async () => {
    const started = ok(await api<Result<ExportStarted>>(channels.exportStart, [{ ...input, format: 'html', split: 'count:10', suggestedName: '季度 chat' }]))
    for (let i = 0; i < corpus.length; i += 7) ok(await api<Result<unknown>>(channels.exportWrite, [started.exportId, corpus.slice(i, i + 7)]))
    const done = ok(await api<Result<ExportFinished>>(channels.exportFinish, [started.exportId]))
    expect(done.files).toEqual(['季度 chat.zip'])
    const res = await fetch(base + done.downloadUrl!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('季度 chat.zip')}`)
    const zip = Buffer.from(await res.arrayBuffer())
    expect(zip.length).toBe(done.bytes)
    const entries = await unzip(zip)
    expect([...entries.keys()]).toEqual([
      '季度 chat/index.html',
      '季度 chat/part-0001.html',
      '季度 chat/part-0002.html',
      '季度 chat/part-0003.html',
      '季度 chat/part-0004.html'
    ])
    // Each part is a whole page, and together they hold every message once.
    const pages = [...entries.values()]
    for (const page of pages) expect(page).toMatch(/^<!doctype html>[\s\S]*<\/html>\s*$/i)
    expect(pages.slice(1).map((p) => p.match(/<article/g)?.length)).toEqual([10, 10, 10, corpus.length - 30])
    expect(pages[0]).toContain('href="part-0004.html"')
    await expect.poll(() => readdir(join(dir, 'downloads'))).toEqual([])
  })

  it('an HTML export with media downloads as one .zip of the page and its media folder; without kept media, as the page alone', async () => {
    // The app's media folder as its MediaService keeps it: the content store and the ledger.
    const png = blobBytes(pngBlob(16, 16, [10, 120, 200]))
    const hash = createHash('sha256').update(png).digest('hex')
    const mediaDir = join(dir, 'cfg2', 'media')
    await mkdir(join(mediaDir, hash.slice(0, 2)), { recursive: true })
    await writeFile(join(mediaDir, hash.slice(0, 2), hash), png)
    const withImage = {
      ...corpus[0]!,
      MsgSeq: 999,
      MsgBody: [
        {
          MsgType: 'TIMImageElem',
          MsgContent: { UUID: 'u1', ImageFormat: 3, ImageInfoArray: [{ Type: 3, Size: png.length, Width: 16, Height: 16, URL: 'https://x.myqcloud.com/u1' }] }
        }
      ]
    }
    const key = mediaKey(mediaInMessage(withImage)[0]!)
    await writeFile(
      join(mediaDir, 'ledger.jsonl'),
      JSON.stringify({ g: withImage.GroupId, k: key, o: { status: 'saved', bytes: png.length, sha256: hash, type: 'image/png', at: 1 } }) + '\n'
    )
    const started = ok(await api<Result<ExportStarted>>(channels.exportStart, [{ ...input, format: 'html', media: 'folder', suggestedName: 'pics.html' }]))
    const w = ok(await api<Result<ExportWritten>>(channels.exportWrite, [started.exportId, [...corpus.slice(0, 5), withImage]]))
    expect(w.mediaFiles).toBe(1)
    const done = ok(await api<Result<ExportFinished>>(channels.exportFinish, [started.exportId]))
    expect(done.files).toEqual(['pics.zip'])
    expect(done.media).toEqual({ files: 1, bytes: png.length, missing: 0, missingNames: [] })
    const entries = await unzip(Buffer.from(await (await fetch(base + done.downloadUrl!)).arrayBuffer()))
    expect([...entries.keys()]).toEqual([`pics/media/${hash}.png`, 'pics/pics.html'])
    expect(entries.get('pics/pics.html')).toContain(`<img class="mi" src="media/${hash}.png" width="16" height="16"`)

    const plain = ok(await api<Result<ExportStarted>>(channels.exportStart, [{ ...input, format: 'html', media: 'folder', suggestedName: 'text.html' }]))
    ok(await api<Result<unknown>>(channels.exportWrite, [plain.exportId, corpus.slice(0, 5)]))
    const plainDone = ok(await api<Result<ExportFinished>>(channels.exportFinish, [plain.exportId]))
    expect(plainDone.files).toEqual(['text.html'])
    expect(await (await fetch(base + plainDone.downloadUrl!)).text()).toMatch(/^<!doctype html>/)
    await expect.poll(() => readdir(join(dir, 'downloads'))).toEqual([])
  })

  it('a cancelled split export leaves no folder and no zip on the host', async () => {
    const started = ok(await api<Result<ExportStarted>>(channels.exportStart, [{ ...input, format: 'txt', split: 'month', suggestedName: 'by month' }]))
    ok(await api<Result<unknown>>(channels.exportWrite, [started.exportId, corpus]))
    await api<unknown>(channels.exportCancel, [started.exportId])
    expect(await api<Result<unknown>>(channels.exportFinish, [started.exportId])).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(await readdir(join(dir, 'downloads'))).toEqual([])
  })

  it('a split the host cannot parse is refused with the reason', async () => {
    const r = await api<Result<ExportStarted>>(channels.exportStart, [{ ...input, split: 'weekly' }])
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID', message: expect.stringContaining('count:N') } })
  })
})
