/**
 * The fetcher against a real HTTP server on 127.0.0.1 (the "endpoint", as the simulator is), with
 * real files in a temporary content store. Hostile cases use a second listener that counts
 * connections: a refused URL must never reach it.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src-main/media/content-store'
import { MediaFetcher } from '../../../src-main/media/fetcher'
import type { MediaRef } from '../../../src-main/shared/media/objects'
import { DEFAULT_LIMITS, type MediaLimits } from '../../../src-main/media/outcome'
import { makeFetchPolicy } from '../../../src-main/media/url-policy'
import { jpegBytes, pngBytes, serve, startFileServer, type FileServer } from './loopback-files'

let cos: FileServer
/** Another service on this machine: nothing may ever connect to it. */
let other: FileServer
let root: string
let store: ContentStore
let fetcher: MediaFetcher

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function ref(path: string, declaredBytes: number | null, extra: Partial<MediaRef> = {}): MediaRef {
  return {
    kind: 'image',
    size: 'original',
    key: `image:original:uuid:${path}`,
    url: path.startsWith('http') ? path : `${cos.url}${path}`,
    note: null,
    uuid: path,
    declaredBytes,
    width: null,
    height: null,
    fileName: null,
    seconds: null,
    format: null,
    downloadFlag: 2,
    path: [0],
    ...extra
  }
}

function makeFetcher(limits: MediaLimits = DEFAULT_LIMITS, timeouts = {}): MediaFetcher {
  return new MediaFetcher({ store, policy: makeFetchPolicy({ endpoint: cos.url }), limits, timeouts })
}

/** Files in the store, the temporary folder included. */
async function storedFiles(): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(root.length + 1))
}

beforeAll(async () => {
  cos = await startFileServer()
  other = await startFileServer()
  other.routes.set('/secret', serve('internal admin page'))
})
afterAll(async () => {
  await cos.close()
  await other.close()
})
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'media-fetch-'))
  store = await ContentStore.open(root)
  fetcher = makeFetcher()
  cos.routes.clear()
  cos.headers.length = 0
  cos.requests.length = 0
})
afterEach(async () => {
  fetcher.close()
  await rm(root, { recursive: true, force: true })
})

describe('fetching one media object', () => {
  it('saves the bytes under their SHA-256 with the type sniffed from them', async () => {
    const body = pngBytes(5000)
    cos.routes.set('/a.png', serve(body, { 'content-type': 'image/png' }))
    const { outcome, retry } = await fetcher.fetch(ref('/a.png', body.length))
    expect(retry).toBe(false)
    expect(outcome).toMatchObject({ status: 'saved', bytes: 5000, sha256: sha(body), type: 'image/png' })
    expect(new Uint8Array(await readFile(store.pathFor(sha(body))))).toEqual(body)
  })

  it('sends no cookie, no credentials and nothing about the user', async () => {
    cos.routes.set('/b.png', serve(pngBytes()))
    await fetcher.fetch(ref('/b.png', null))
    const h = cos.headers[0]!
    expect(h.cookie).toBeUndefined()
    expect(h.authorization).toBeUndefined()
    expect(h.referer).toBeUndefined()
    expect(Object.keys(h).sort()).toEqual(['accept', 'accept-encoding', 'connection', 'host', 'user-agent'])
  })

  it('records the sniffed type when the server lies about Content-Type', async () => {
    const body = jpegBytes(800)
    cos.routes.set('/lie', serve(body, { 'content-type': 'text/html' }))
    const { outcome } = await fetcher.fetch(ref('/lie', body.length))
    expect(outcome).toMatchObject({ status: 'saved', type: 'image/jpeg' })
  })

  it('records 404, 403 and 410 as expired on the server, keeping the first sighting', async () => {
    cos.routes.set('/gone', serve('no such key', {}, 404))
    cos.routes.set('/denied', serve('AccessDenied', {}, 403))
    const first = await fetcher.fetch(ref('/gone', 10))
    expect(first).toMatchObject({ outcome: { status: 'expired', httpStatus: 404 }, retry: false })
    const prev = { status: 'expired' as const, httpStatus: 404 as const, firstSeenAt: 1000, lastSeenAt: 1000 }
    const again = await fetcher.fetch(ref('/denied', 10), { prev })
    expect(again.outcome).toMatchObject({ status: 'expired', httpStatus: 403, firstSeenAt: 1000 })
    expect(await storedFiles()).toEqual([])
  })

  it('asks for another attempt after a 503, and fails without one after a 400', async () => {
    cos.routes.set('/busy', serve('slow down', {}, 503))
    cos.routes.set('/bad', serve('bad', {}, 400))
    expect(await fetcher.fetch(ref('/busy', 10))).toMatchObject({ outcome: { status: 'failed', error: 'HTTP 503' }, retry: true })
    expect(await fetcher.fetch(ref('/bad', 10))).toMatchObject({ outcome: { status: 'failed', error: 'HTTP 400' }, retry: false })
  })

  it('follows a redirect that stays on the list', async () => {
    const body = pngBytes(700)
    cos.routes.set('/moved', serve('', { location: '/real.png' }, 302))
    cos.routes.set('/real.png', serve(body))
    expect((await fetcher.fetch(ref('/moved', body.length))).outcome).toMatchObject({ status: 'saved', sha256: sha(body) })
  })

  it('refuses a redirect off the allow-list without contacting its target', async () => {
    const before = other.connections
    // https to a host not on the list (it would resolve to this machine).
    cos.routes.set('/off', serve('', { location: `https://localhost:${other.port}/secret` }, 302))
    const { outcome } = await fetcher.fetch(ref('/off', 10))
    expect(outcome).toMatchObject({ status: 'refused', reason: 'host-not-allowed' })
    expect((outcome as { detail: string }).detail).toContain('localhost')
    expect(other.connections).toBe(before)
    expect(await storedFiles()).toEqual([])
  })

  it('gives up after five redirects', async () => {
    for (let i = 0; i < 8; i++) cos.routes.set(`/r${i}`, serve('', { location: `/r${i + 1}` }, 307))
    const { outcome, retry } = await fetcher.fetch(ref('/r0', 10))
    expect(outcome).toMatchObject({ status: 'failed' })
    expect((outcome as { error: string }).error).toContain('redirects')
    expect(retry).toBe(false)
    // The first request and five redirects followed.
    expect(cos.requests).toEqual(['/r0', '/r1', '/r2', '/r3', '/r4', '/r5'])
  })

  it('refuses plain http to another port of this machine as a private address, without connecting', async () => {
    const before = other.connections
    const { outcome } = await fetcher.fetch(ref(`http://127.0.0.1:${other.port}/secret`, 19))
    expect(outcome).toMatchObject({ status: 'refused', reason: 'private-address' })
    expect(other.connections).toBe(before)
  })

  it('refuses a redirect to another port of this machine, without connecting', async () => {
    const before = other.connections
    cos.routes.set('/to-other', serve('', { location: `http://127.0.0.1:${other.port}/secret` }, 301))
    const { outcome } = await fetcher.fetch(ref('/to-other', 19))
    expect(outcome).toMatchObject({ status: 'refused', reason: 'private-address' })
    expect(other.connections).toBe(before)
  })

  it('refuses a name on the list that resolves to a private address, after DNS and before connecting', async () => {
    // "localhost" allowed by the user resolves to loopback, which is not the endpoint.
    const f = new MediaFetcher({ store, policy: makeFetchPolicy({ endpoint: cos.url, extraHosts: ['localhost'] }), limits: DEFAULT_LIMITS })
    const before = other.connections
    const { outcome } = await f.fetch(ref(`https://localhost:${other.port}/secret`, 19))
    f.close()
    expect(outcome).toMatchObject({ status: 'refused', reason: 'private-address' })
    expect(other.connections).toBe(before)
  })

  it('fails a truncated download, leaves no file, and asks for another attempt', async () => {
    const body = pngBytes(4000)
    cos.routes.set('/cut', (_req, res) => {
      res.writeHead(200, { 'content-length': String(body.length) })
      res.write(body.subarray(0, 1500))
      setTimeout(() => res.socket?.destroy(), 20)
    })
    const { outcome, retry } = await fetcher.fetch(ref('/cut', body.length))
    expect(outcome).toMatchObject({ status: 'failed' })
    expect(retry).toBe(true)
    expect(await storedFiles()).toEqual([])
  })

  it('fails a download whose length differs from what the message declares, leaving no file', async () => {
    const body = pngBytes(1000)
    cos.routes.set('/short', serve(body))
    const { outcome, retry } = await fetcher.fetch(ref('/short', 1200))
    expect(outcome).toMatchObject({ status: 'failed' })
    expect((outcome as { error: string }).error).toContain('length mismatch')
    expect(retry).toBe(false)
    expect(await storedFiles()).toEqual([])
  })

  it('refuses a file over the cap as soon as the server announces its length, reading none of it', async () => {
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 1000 }
    const f = makeFetcher(limits)
    let written = 0
    cos.routes.set('/huge', (_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) })
      const chunk = Buffer.alloc(64 * 1024)
      const pump = (): void => {
        while (written < 50 * 1024 * 1024 && res.write(chunk)) written += chunk.length
      }
      res.on('drain', pump)
      res.on('close', () => res.off('drain', pump))
      pump()
    })
    const { outcome } = await f.fetch(ref('/huge', null))
    f.close()
    expect(outcome).toMatchObject({ status: 'refused', reason: 'too-big' })
    expect(written).toBeLessThan(50 * 1024 * 1024)
    expect(await storedFiles()).toEqual([])
  })

  it('refuses a file over the cap that does not announce its length, stopping at the cap', async () => {
    const f = makeFetcher({ ...DEFAULT_LIMITS, maxFileBytes: 100_000 })
    let sent = 0
    let closed = false
    cos.routes.set('/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }) // chunked, no length
      const chunk = Buffer.alloc(16 * 1024, 1)
      const timer = setInterval(() => {
        if (closed) return clearInterval(timer)
        res.write(chunk)
        sent += chunk.length
      }, 1)
      res.on('close', () => {
        closed = true
        clearInterval(timer)
      })
    })
    const { outcome } = await f.fetch(ref('/endless', null))
    f.close()
    expect(outcome).toMatchObject({ status: 'refused', reason: 'too-big' })
    // Stopped near the cap, not after megabytes.
    expect(sent).toBeLessThan(5 * 1024 * 1024)
    expect(await storedFiles()).toEqual([])
  })

  it('fails a stalled download after the idle timeout and asks for another attempt', async () => {
    const f = makeFetcher(DEFAULT_LIMITS, { idleMs: 200 })
    cos.routes.set('/stall', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write(Buffer.alloc(10))
    })
    const { outcome, retry } = await f.fetch(ref('/stall', 1000))
    f.close()
    expect(outcome).toMatchObject({ status: 'failed' })
    expect((outcome as { error: string }).error).toContain('idle connection timed out')
    expect(retry).toBe(true)
    expect(await storedFiles()).toEqual([])
  })

  it('stops when aborted, recording nothing', async () => {
    cos.routes.set('/slow', (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write(Buffer.alloc(10))
    })
    const ac = new AbortController()
    const p = fetcher.fetch(ref('/slow', 1000), { signal: ac.signal })
    setTimeout(() => ac.abort(new Error('stop')), 100)
    await expect(p).rejects.toThrow('stop')
    expect(await storedFiles()).toEqual([])
  })

  it('records an element without a URL as such, without a request', async () => {
    const n = cos.requests.length
    const { outcome } = await fetcher.fetch(ref('/x', 1, { url: null, note: 'no URL: sent by an old SDK' }))
    expect(outcome).toMatchObject({ status: 'no-url', note: 'no URL: sent by an old SDK' })
    expect(cos.requests.length).toBe(n)
  })
})
