import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src-main/media/content-store'
import { mediaFetchHandler, mediaHead, parseRange } from '../../../src-main/media/serve'

let root: string
let store: ContentStore
const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(94, 1)])
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'media-serve-'))
  store = await ContentStore.open(root)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('parseRange', () => {
  it('reads one range of bytes, an open end and a suffix', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 })
  })
  it('answers the whole object for no range or one it does not read, and 416 past the end', () => {
    expect(parseRange(undefined, 100)).toBeNull()
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull()
    expect(parseRange('items=0-1', 100)).toBeNull()
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable')
  })
})

describe('mediaHead', () => {
  it('gives a raster image its sniffed type, inline; a download is an attachment', async () => {
    const { sha256 } = await store.put(Readable.from([gif]))
    const head = await mediaHead(store, sha256)
    expect(head).toMatchObject({ type: 'image/gif', inline: true, size: gif.length })
    expect(head?.headers['Content-Disposition']).toMatch(/^inline; filename="[0-9a-f]{12}\.gif"/)
    const saved = await mediaHead(store, sha256, '截图 "1".gif')
    expect(saved?.inline).toBe(false)
    expect(saved?.headers['Content-Disposition']).toBe(`attachment; filename="__ _1_.gif"; filename*=UTF-8''${encodeURIComponent('截图 _1_.gif')}`)
  })
  it('never serves SVG or HTML as what it is', async () => {
    const { sha256 } = await store.put(Readable.from([svg]))
    const head = await mediaHead(store, sha256)
    expect(head).toMatchObject({ type: 'application/octet-stream', inline: false })
    expect(head?.headers['X-Content-Type-Options']).toBe('nosniff')
  })
  it('refuses any name that is not a stored object before touching the file system', async () => {
    for (const name of ['', '../x', 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(64)]) expect(await mediaHead(store, name)).toBeNull()
  })
})

describe("the desktop app's tim-media: handler", () => {
  it('answers GET, a range and HEAD for tim-media://object/<sha256>, and 404 for anything else', async () => {
    const { sha256 } = await store.put(Readable.from([gif]))
    const handle = mediaFetchHandler(store)
    const whole = await handle(new Request(`tim-media://object/${sha256}`))
    expect(whole.status).toBe(200)
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(gif)
    const part = await handle(new Request(`tim-media://object/${sha256}`, { headers: { Range: 'bytes=0-5' } }))
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe('GIF89a')
    const head = await handle(new Request(`tim-media://object/${sha256}`, { method: 'HEAD' }))
    expect(head.headers.get('content-length')).toBe(String(gif.length))
    expect((await handle(new Request(`tim-media://other/${sha256}`))).status).toBe(404)
    expect((await handle(new Request(`tim-media://object/${sha256}`, { method: 'POST', body: 'x' }))).status).toBe(405)
  })
})
