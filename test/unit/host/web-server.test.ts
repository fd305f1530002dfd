// Browser mode over real loopback HTTP and Server-Sent Events.
import { mkdir, writeFile } from 'node:fs/promises'
import { request, type IncomingMessage } from 'node:http'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AppService } from '../../../src-main/services/app-service'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import { emptyCoverage } from '../../../src-main/shared/coverage'
import type { Result, SyncBatchEvent, SyncDoneEvent, WorkspaceInfo } from '../../../src-main/shared/ipc/contract'
import type { Simulator } from '../../../tools/sim/server'
import { demoCredentials, demoGroupIds } from '../../../tools/sim/seed'
import { contentSecurityPolicy } from '../../../src-main/security/csp'
import { startWebServer, type WebServer } from '../../../src-main/web/server'
import { ContentStore } from '../../../src-main/media/content-store'
import { cloneAppIds, connectInput, startDemoSim, tempDir, testClientOptions } from './helpers'

let sim: Simulator
let simUrl: string
let server: WebServer
let service: AppService
let base: string
let rendererDir: string
let png: { sha256: string; bytes: Buffer }
let html: { sha256: string }
const cleanups: (() => Promise<void>)[] = []
const INDEX = '<!doctype html><html><head><title>TIM Archive</title></head><body><div id="app"></div></body></html>'

beforeAll(async () => {
  ;({ sim, url: simUrl } = await startDemoSim())
  const dir = await tempDir('tim-web-')
  cleanups.push(dir.remove)
  rendererDir = join(dir.path, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), INDEX)
  await writeFile(join(rendererDir, 'assets', 'index-abc123.js'), 'console.log("app")\n')
  // Built next to the app for npm run bench:search / bench:charts, which serve them their own way.
  await writeFile(join(rendererDir, 'bench-search.html'), '<!doctype html><title>bench</title>')
  await writeFile(join(rendererDir, 'assets', 'bench-search-def456.js'), 'console.log("bench")\n')
  await writeFile(join(rendererDir, 'notes.txt'), 'not part of the page')
  // Outside the served directory: must never be reachable.
  await writeFile(join(dir.path, 'outside.txt'), 'TOP SECRET OUTSIDE')
  await mkdir(join(dir.path, 'config'))
  service = new AppService({
    secretStore: new FileSecretStore(join(dir.path, 'config')),
    configDir: join(dir.path, 'config'),
    shell: 'web',
    version: '0.1.0',
    locale: 'en-US',
    clientOptions: testClientOptions
  })
  // A media store holding a PNG and an HTML file that a crafted message could have carried.
  const mediaStore = await ContentStore.open(join(dir.path, 'media'))
  const pngBytes = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(200, 7)])
  png = { sha256: (await mediaStore.put(Readable.from([pngBytes]))).sha256, bytes: pngBytes }
  html = await mediaStore.put(Readable.from([Buffer.from('<!doctype html><script>alert(1)</script>')]))
  server = await startWebServer({ service, rendererDir, heartbeatMs: 100, mediaStore })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(async () => {
  await server?.close()
  // Downloads the tests' syncs started finish before the folder is removed.
  await service?.media.drain()
  await service?.close()
  await sim?.stop()
  for (const c of cleanups) await c()
})

/** A raw HTTP request, so Host and path are sent exactly as given (fetch would normalize them). */
function raw(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (c: Buffer) => parts.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }))
      }
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** The page cookie a browser gets with the page. */
async function pageCookie(): Promise<string> {
  const r = await raw(`/?token=${server.token}`)
  return String(r.headers['set-cookie']?.[0]).split(';')[0]!
}

async function api<T>(
  channel: string,
  args: unknown[],
  token = server.token
): Promise<{ status: number; body: { result?: T; error?: { code: string; message: string } } }> {
  const res = await fetch(`${base}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ args })
  })
  return { status: res.status, body: (await res.json()) as { result?: T } }
}

/** A minimal EventSource over node:http. */
class Sse {
  readonly events: { event: string; data: string }[] = []
  comments = 0
  private buf = ''
  private res: IncomingMessage | undefined
  private req: ReturnType<typeof request> | undefined
  private waiters: (() => void)[] = []

  static open(token = server.token): Promise<Sse> {
    const s = new Sse()
    return new Promise((resolve, reject) => {
      s.req = request({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${encodeURIComponent(token)}` }, (res) => {
        s.res = res
        if (res.statusCode !== 200) return reject(new Error(`SSE status ${res.statusCode}`))
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => s.feed(chunk))
        resolve(s)
      })
      s.req.on('error', reject)
      s.req.end()
    })
  }

  private feed(chunk: string): void {
    this.buf += chunk
    let i: number
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i)
      this.buf = this.buf.slice(i + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments++
        else if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data.push(line.slice(6))
      }
      if (data.length) this.events.push({ event, data: data.join('\n') })
    }
    for (const w of this.waiters.splice(0)) w()
  }

  async waitFor<T>(event: string, pred: (d: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.events.find((e) => e.event === event && pred(JSON.parse(e.data) as T))
      if (hit) return JSON.parse(hit.data) as T
      if (Date.now() > deadline) throw new Error(`no ${event} event`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 50)
      })
    }
  }

  close(): void {
    this.req?.destroy()
    this.res?.destroy()
  }
}

describe('the page', () => {
  test('without the token, / is a 403 page that says where to find the address', async () => {
    const r = await raw('/')
    expect(r.status).toBe(403)
    // Not only for `serve`: the demo runs the same server.
    expect(r.body).toContain('printed in the terminal')
    expect(r.body).toContain('Open TIM Archive from its own address')
    expect(r.body).toContain('archive is safe')
    expect(r.body).toContain('归档是安全的')
    expect(r.body).not.toContain('id="app"')
    expect((await raw('/?token=wrong')).status).toBe(403)
    expect((await raw('/index.html')).status).toBe(403)
  })

  test("an earlier launch's address is refused even where this launch's page cookie is set", async () => {
    const cookie = await pageCookie()
    expect((await raw('/', { headers: { Cookie: cookie } })).status).toBe(200)
    const old = await raw('/?token=an-earlier-launchs-token', { headers: { Cookie: cookie } })
    expect(old.status).toBe(403)
    expect(old.body).toContain('earlier launch')
  })

  test('with the token, / serves the renderer with CSP, nosniff and no-referrer', async () => {
    const r = await raw(`/?token=${server.token}`)
    expect(r.status).toBe(200)
    expect(r.body).toBe(INDEX)
    expect(r.headers['content-type']).toMatch(/^text\/html/)
    expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy)
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['referrer-policy']).toBe('no-referrer')
    // A reload after the renderer strips ?token= works through an HttpOnly page cookie…
    const cookie = String(r.headers['set-cookie']?.[0]).split(';')[0]!
    expect(r.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/)
    expect(cookie).not.toContain(server.token)
    expect((await raw('/', { headers: { Cookie: cookie } })).status).toBe(200)
    // …which is not an API token.
    const viaCookie = await api('app:info', [], cookie.split('=')[1])
    expect(viaCookie.status).toBe(401)
  })

  test('assets are served to the page; paths outside the renderer are not', async () => {
    const Cookie = await pageCookie()
    const js = await raw('/assets/index-abc123.js', { headers: { Cookie } })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.headers['x-content-type-options']).toBe('nosniff')
    for (const p of [
      '/../outside.txt',
      '/assets/../../outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/%2e%2e/outside.txt',
      '/..%5coutside.txt',
      '/assets/%00x',
      '/nope.js'
    ]) {
      const r = await raw(p, { headers: { Cookie } })
      expect(r.status, p).toBe(404)
      expect(r.body, p).not.toContain('TOP SECRET')
    }
    expect((await raw('/assets/index-abc123.js', { method: 'POST' })).status).toBe(405)
  })

  test('static files need the page: no benchmark pages, nothing without the token, the app still loads', async () => {
    // Without the token (or the page cookie it sets) nothing is served: not the app's own
    // scripts, not the benchmark pages, not a file the page never references.
    for (const p of ['/bench-search.html', '/assets/bench-search-def456.js', '/assets/index-abc123.js', '/notes.txt']) {
      const r = await raw(p)
      expect([403, 404], p).toContain(r.status)
      expect(r.body, p).not.toMatch(/bench|console\.log|not part of the page/)
    }
    // With it, the app loads; the benchmark pages are still not served (they belong to npm run bench:*).
    const cookie = await pageCookie()
    expect((await raw(`/?token=${server.token}`)).body).toBe(INDEX)
    expect((await raw('/assets/index-abc123.js', { headers: { Cookie: cookie } })).status).toBe(200)
    expect((await raw('/bench-search.html', { headers: { Cookie: cookie } })).status).toBe(404)
    expect((await raw('/bench-charts.html', { headers: { Cookie: cookie } })).status).toBe(404)
  })
})

describe('the API', () => {
  test('works with the token', async () => {
    const r = await api<{ shell: string }>('app:info', [])
    expect(r.status).toBe(200)
    expect(r.body.result).toEqual({ name: 'TIM Archive', version: '0.1.0', shell: 'web', locale: 'en-US' })
    expect((await api('workspace:current', [])).body).toEqual({ result: null })
  })

  test('refuses a missing or wrong token (401), other methods (405), unknown channels (404)', async () => {
    const h = { 'Content-Type': 'application/json' }
    expect((await raw('/api/app:info', { method: 'POST', headers: h, body: '{"args":[]}' })).status).toBe(401)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...h, Authorization: 'Bearer nope' }, body: '{"args":[]}' })).status).toBe(401)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...h, Authorization: server.token }, body: '{"args":[]}' })).status).toBe(401)
    expect((await raw('/api/app:info', { headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(405)
    expect((await raw('/api/sync:batch', { method: 'POST', headers: { ...h, Authorization: `Bearer ${server.token}` }, body: '{"args":[]}' })).status).toBe(404)
    expect((await raw('/api/__proto__', { method: 'POST', headers: { ...h, Authorization: `Bearer ${server.token}` }, body: '{"args":[]}' })).status).toBe(404)
  })

  test('refuses a foreign Host header (DNS rebinding) and cross-origin requests', async () => {
    const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` }
    const evil = await raw('/api/app:info', { method: 'POST', headers: { ...auth, Host: `evil.example:${server.port}` }, body: '{"args":[]}' })
    expect(evil.status).toBe(403)
    expect(evil.body).not.toContain('TIM Archive"')
    expect((await raw(`/?token=${server.token}`, { headers: { Host: 'attacker.test' } })).status).toBe(403)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...auth, Host: `localhost:${server.port}` }, body: '{"args":[]}' })).status).toBe(200)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' }, body: '{"args":[]}' })).status).toBe(403)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...auth, Origin: 'http://127.0.0.1:1' }, body: '{"args":[]}' })).status).toBe(403)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...auth, 'Sec-Fetch-Site': 'same-site' }, body: '{"args":[]}' })).status).toBe(403)
    expect(
      (await raw('/api/app:info', { method: 'POST', headers: { ...auth, Origin: base, 'Sec-Fetch-Site': 'same-origin' }, body: '{"args":[]}' })).status
    ).toBe(200)
  })

  test("opens the page from serve's redirect file (a cross-site navigation) only with the token", async () => {
    const nav = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' }
    expect((await raw(`/?token=${server.token}`, { headers: nav })).status).toBe(200)
    expect((await raw('/?token=wrong-token-wrong-token', { headers: nav })).status).toBe(403)
    expect((await raw('/', { headers: { ...nav, Cookie: await pageCookie() } })).status).toBe(403)
    // Not a navigation (a script, a frame), or not the page: refused as before.
    expect((await raw(`/?token=${server.token}`, { headers: { ...nav, 'Sec-Fetch-Dest': 'iframe' } })).status).toBe(403)
    expect((await raw(`/?token=${server.token}`, { headers: { ...nav, 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' } })).status).toBe(403)
    expect((await raw(`/assets/index-abc123.js?token=${server.token}`, { headers: { ...nav, Cookie: await pageCookie() } })).status).toBe(403)
    expect((await raw(`/api/events?token=${server.token}`, { headers: nav })).status).toBe(403)
  })

  test('refuses bodies over 1 MB (413), non-JSON (415/400) and malformed payloads', async () => {
    const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` }
    const big = JSON.stringify({ args: [['x'.repeat(1024 * 1024)]] })
    expect((await raw('/api/groups:lookup', { method: 'POST', headers: auth, body: big })).status).toBe(413)
    expect((await raw('/api/app:info', { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{"args":[]}' })).status).toBe(415)
    expect((await raw('/api/app:info', { method: 'POST', headers: auth, body: '{"args":' })).status).toBe(400)
    expect((await raw('/api/app:info', { method: 'POST', headers: auth, body: '{"nope":1}' })).status).toBe(400)
    const invalid = await api<Result<unknown>>('workspace:test', [{ sdkAppId: -1 }])
    expect(invalid.status).toBe(200)
    expect(invalid.body.result).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    const voidInvalid = await api('sync:ack', ['run', 'x'])
    expect(voidInvalid.status).toBe(400)
    expect(voidInvalid.body.error?.code).toBe('INVALID')
    // The ack names a list of batch ids, not a single one.
    expect((await api('sync:ack', ['run', 3])).status).toBe(400)
    expect((await api('sync:ack', ['run', []])).status).toBe(400)
    expect((await api('sync:ack', ['run', [3, 4]])).status).toBe(200)
  })

  test('binds 127.0.0.1 only', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{43}$`))
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((n) => n && !n.internal)
      .map((n) => (n!.family === 'IPv6' ? `[${n!.address.split('%')[0]}]` : n!.address))
    for (const host of ['[::1]', ...others]) {
      await expect(fetch(`http://${host}:${server.port}/api/app:info`, { method: 'POST' }), host).rejects.toThrow()
    }
  })
})

describe('events', () => {
  test('SSE needs the token and sends heartbeats', async () => {
    await expect(Sse.open('wrong')).rejects.toThrow(/401/)
    const s = await Sse.open()
    const start = s.comments
    await new Promise((r) => setTimeout(r, 350))
    expect(s.comments - start).toBeGreaterThanOrEqual(2)
    s.close()
  })

  test('a sync run through HTTP + SSE: batches out, acks back, done', async () => {
    const sse = await Sse.open()
    const c = await api<Result<WorkspaceInfo>>('workspace:connect', [connectInput(simUrl, cloneAppIds[0])])
    expect(c.body.result?.ok).toBe(true)
    expect(JSON.stringify(c.body)).not.toContain(demoCredentials.secretKey)
    const workspaceId = c.body.result!.ok ? c.body.result!.value.id : ''

    // Ack what has arrived, all of a run's new batches in one call, as the renderer does.
    const acked = new Set<number>()
    let stop = false
    const acker = (async () => {
      while (!stop) {
        const fresh = new Map<string, number[]>()
        for (const e of sse.events) {
          if (e.event !== 'sync:batch') continue
          const b = JSON.parse(e.data) as SyncBatchEvent
          if (acked.has(b.batchId)) continue
          acked.add(b.batchId)
          fresh.set(b.runId, [...(fresh.get(b.runId) ?? []), b.batchId])
        }
        for (const [runId, batchIds] of fresh) {
          const r = await api('sync:ack', [runId, batchIds])
          expect(r.status).toBe(200)
        }
        await new Promise((r) => setTimeout(r, 5))
      }
    })()

    const started = await api<Result<{ runId: string }>>('sync:start', [
      {
        workspaceId,
        groups: [
          { groupId: demoGroupIds.team, coverage: emptyCoverage() },
          { groupId: demoGroupIds.custom, coverage: emptyCoverage() }
        ]
      }
    ])
    expect(started.body.result?.ok).toBe(true)
    const runId = started.body.result!.ok ? started.body.result!.value.runId : ''
    const done = await sse.waitFor<SyncDoneEvent>('sync:done', (d) => d.runId === runId)
    stop = true
    await acker
    expect(done.status).toBe('done')
    expect(done.groups.every((g) => g.complete)).toBe(true)
    const messages = sse.events
      .filter((e) => e.event === 'sync:batch')
      .map((e) => JSON.parse(e.data) as SyncBatchEvent)
      .filter((b) => b.groupId === demoGroupIds.custom)
      .flatMap((b) => b.messages.map((m) => m.MsgSeq))
    expect(new Set(messages).size).toBe(25)
    expect(sse.events.some((e) => e.event === 'sync:progress')).toBe(true)
    expect(sse.events.map((e) => e.data).join('')).not.toContain(demoCredentials.secretKey)
    sse.close()
  })

  test('when the page goes away mid-run the run is cancelled, and the next page hears so', async () => {
    const first = await Sse.open()
    const workspace = (await api<WorkspaceInfo>('workspace:current', [])).body.result!
    const started = await api<Result<{ runId: string }>>('sync:start', [
      { workspaceId: workspace.id, groups: [{ groupId: demoGroupIds.bench, coverage: emptyCoverage() }] }
    ])
    const runId = started.body.result!.ok ? started.body.result!.value.runId : ''
    await first.waitFor<SyncBatchEvent>('sync:batch', (b) => b.runId === runId)
    first.close()
    const next = await Sse.open()
    const done = await next.waitFor<SyncDoneEvent>('sync:done', (d) => d.runId === runId)
    expect(done.status).toBe('cancelled')
    next.close()
    // A new run can start right away.
    const again = await api<Result<{ runId: string }>>('sync:start', [
      { workspaceId: workspace.id, groups: [{ groupId: demoGroupIds.empty, coverage: emptyCoverage() }] }
    ])
    expect(again.body.result?.ok).toBe(true)
  })
})

describe('media', () => {
  test('a stored image is served inline to the page, by its SHA-256, with its sniffed type', async () => {
    const cookie = await pageCookie()
    const r = await raw(`/media/${png.sha256}`, { headers: { Cookie: cookie } })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('image/png')
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['content-disposition']).toMatch(/^inline;/)
    expect(Number(r.headers['content-length'])).toBe(png.bytes.length)
  })

  test('only to the page: without the page cookie, 403', async () => {
    expect((await raw(`/media/${png.sha256}`)).status).toBe(403)
  })

  test('an HTML file is never served as a document: a download of octet-stream under a sandbox CSP', async () => {
    const r = await raw(`/media/${html.sha256}`, { headers: { Cookie: await pageCookie() } })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('application/octet-stream')
    expect(r.headers['content-disposition']).toMatch(/^attachment;/)
    expect(r.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
  })

  test('a range of an object answers 206 with those bytes; past the end, 416', async () => {
    const cookie = await pageCookie()
    const r = await raw(`/media/${png.sha256}`, { headers: { Cookie: cookie, Range: 'bytes=8-15' } })
    expect(r.status).toBe(206)
    expect(r.headers['content-range']).toBe(`bytes 8-15/${png.bytes.length}`)
    expect(Buffer.from(r.body, 'latin1').length).toBe(8)
    const past = await raw(`/media/${png.sha256}`, { headers: { Cookie: cookie, Range: `bytes=${png.bytes.length}-` } })
    expect(past.status).toBe(416)
  })

  test('?download=<name> sends an attachment under a safe file name, even for an image', async () => {
    const cookie = await pageCookie()
    const r = await raw(`/media/${png.sha256}?download=${encodeURIComponent('../../etc/报告 "x".png')}`, { headers: { Cookie: cookie } })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('image/png')
    const cd = r.headers['content-disposition'] as string
    expect(cd).toMatch(/^attachment;/)
    // The last path part only; the quote cannot end the quoted name; the UTF-8 name is percent-encoded.
    expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('报告 _x_.png')}`)
    expect(cd).toMatch(/filename="[^"/]*\.png"/)
    expect(cd).not.toContain('..')
    const empty = await raw(`/media/${png.sha256}?download=..`, { headers: { Cookie: cookie } })
    expect(empty.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="${png.sha256.slice(0, 12)}\\.png"`))
  })

  test('anything but a stored object is 404, paths included', async () => {
    const cookie = await pageCookie()
    for (const path of ['/media/' + 'a'.repeat(64), '/media/..%2Foutside.txt', '/media/../outside.txt', `/media/${png.sha256.toUpperCase()}`, '/media/'])
      expect((await raw(path, { headers: { Cookie: cookie } })).status, path).toBe(404)
  })
})
