/**
 * Browser mode: the same contract as the Electron shell, over loopback HTTP + Server-Sent Events.
 *
 *   GET  /?token=T            the built renderer (403 without the token); sets the page cookie
 *   GET  /assets/…            its static files (403 without the page cookie)
 *   POST /api/<channel>       { args: [...] } → { result }   (Authorization: Bearer T)
 *   GET  /api/events?token=T  sync:batch / sync:progress / sync:done as SSE events
 *
 * Any web page the admin visits can send requests to 127.0.0.1, and any local user can connect to
 * it, while this server holds the secret key. So: loopback only; a random per-launch token on
 * every API call; the Host header must name us (a DNS-rebinding page sends its own host name);
 * cross-origin Origin / Sec-Fetch-Site is refused; bodies are capped; every payload is validated
 * with the same schemas as Electron IPC.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { contentSecurityPolicy } from '../security/csp'
import { channels } from '../shared/ipc/contract'
import { isInvokeChannel } from '../shared/ipc/schemas'
import { InvalidRequestError, invokeChannel, type AppService } from '../services/app-service'

export interface WebServerOptions {
  service: AppService
  /** Default 0 (any free port); `tim-archive serve` passes 5180. */
  port?: number
  /** The built renderer: out/renderer with index.html and assets/. */
  rendererDir: string
  /** Default: 32 random bytes, base64url. */
  token?: string
  /** SSE heartbeat interval, ms. Default 15000. */
  heartbeatMs?: number
}

export interface WebServer {
  /** The address to open, token included. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export const maxBodyBytes = 1024 * 1024

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8'
}

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest()
}

/** Constant-time comparison (of hashes, so lengths never leak either). */
function sameSecret(a: string | undefined | null, b: string): boolean {
  if (typeof a !== 'string') return false
  return timingSafeEqual(digest(a), digest(b))
}

/**
 * Shown for / without this launch's token: `stale` when it has another one, a tab or bookmark from
 * an earlier launch (a restart makes a new token). Worded for `tim-archive serve` and `npm run demo`
 * alike.
 */
const forbiddenPage = (stale: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TIM Archive</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>${stale ? 'This address belongs to an earlier launch of TIM Archive' : 'Open TIM Archive from its own address'}</h1>
<p>Each launch has its own access token. Open the address printed in the terminal where TIM Archive
runs: it looks like <code>http://127.0.0.1:5180/?token=…</code>.</p>
<p>Your archive is safe: it is kept in this browser, for that address.</p>
<hr>
<h1 lang="zh-CN">${stale ? '此地址属于 TIM Archive 之前的一次启动' : '请通过 TIM Archive 自己的地址打开'}</h1>
<p lang="zh-CN">每次启动都有自己的访问令牌。请打开运行 TIM Archive 的终端中输出的地址（形如
<code>http://127.0.0.1:5180/?token=…</code>）。</p>
<p lang="zh-CN">您的归档是安全的：它保存在此浏览器中，对应该地址。</p>
</body></html>
`

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { service } = opts
  const token = opts.token ?? randomBytes(32).toString('base64url')
  if (token.length < 16) throw new Error('The access token must have at least 16 characters')
  const root = await realpath(resolve(opts.rendererDir))
  const heartbeatMs = opts.heartbeatMs ?? 15_000
  let port = opts.port ?? 0

  const clients = new Set<ServerResponse>()
  /** Batch and done events emitted while no page listens; delivered to the next one. */
  let backlog: string[] = []
  const sockets = new Set<Socket>()

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  /** The page cookie is derived from the token, so it cannot be replayed as an API token. */
  const pageCookieName = () => `tim_archive_${port}`
  const pageCookieValue = createHash('sha256').update(`page:${token}`).digest('base64url')

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, { ...securityHeaders, 'Cache-Control': 'no-store', ...headers, 'Content-Length': Buffer.byteLength(body) })
    res.end(res.req.method === 'HEAD' ? undefined : body)
  }
  const sendJson = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json; charset=utf-8', ...headers })
  const sendError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, { error: { code, message } }, headers)

  // ------------------------------------------------------------------------------------------
  // Events

  const frame = (channel: string, payload: unknown) => `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
  const broadcast = (channel: string, payload: unknown, keep: boolean) => {
    const text = frame(channel, payload)
    if (clients.size === 0) {
      if (keep) backlog.push(text)
      return
    }
    for (const c of clients) c.write(text)
  }
  const offs = [
    service.on(channels.syncBatch, (e) => broadcast(channels.syncBatch, e, true)),
    service.on(channels.syncProgress, (e) => broadcast(channels.syncProgress, e, false)),
    service.on(channels.syncDone, (e) => broadcast(channels.syncDone, e, true))
  ]
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n')
  }, heartbeatMs)
  heartbeat.unref()

  const openEvents = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET') return sendError(res, 405, 'METHOD', 'Use GET for /api/events', { Allow: 'GET' })
    // EventSource cannot send headers, so the token comes in the query string.
    if (!sameSecret(url.searchParams.get('token'), token)) return sendError(res, 401, 'UNAUTHORIZED', 'Missing or wrong token')
    res.writeHead(200, {
      ...securityHeaders,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no'
    })
    res.write('retry: 1000\n\n: connected\n\n')
    clients.add(res)
    if (backlog.length > 0) {
      for (const text of backlog) res.write(text)
      backlog = []
    }
    req.socket.setKeepAlive(true)
    res.on('close', () => {
      clients.delete(res)
      // The page that would acknowledge the run's batches is gone (reload, closed tab): its
      // successor knows nothing of the run, so stop rather than wait for acks forever.
      if (clients.size === 0) service.cancelAllRuns()
    })
  }

  // ------------------------------------------------------------------------------------------
  // API

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolveBody, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > maxBodyBytes) return reject(new HttpError(413, `The request body is over ${maxBodyBytes} bytes`))
      const parts: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBodyBytes) {
          reject(new HttpError(413, `The request body is over ${maxBodyBytes} bytes`))
          req.removeAllListeners('data')
          req.resume()
          return
        }
        parts.push(chunk)
      })
      req.on('end', () => resolveBody(Buffer.concat(parts).toString('utf8')))
      req.on('error', reject)
    })

  const callApi = async (req: IncomingMessage, res: ServerResponse, channel: string) => {
    if (!isInvokeChannel(channel)) return sendError(res, 404, 'NOT_FOUND', `No such API: ${channel.slice(0, 64)}`)
    if (req.method !== 'POST') return sendError(res, 405, 'METHOD', `Use POST for /api/${channel}`, { Allow: 'POST' })
    const auth = req.headers.authorization
    const given = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined
    if (!sameSecret(given, token)) {
      return sendError(res, 401, 'UNAUTHORIZED', 'Missing or wrong token', { 'WWW-Authenticate': 'Bearer' })
    }
    // A JSON content type cannot be sent by a plain HTML form: one more wall against CSRF.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, 415, 'INVALID', 'Send the body as application/json')
    }
    let body: unknown
    try {
      body = JSON.parse(await readBody(req))
    } catch (e) {
      if (e instanceof HttpError) return sendError(res, e.status, e.status === 413 ? 'TOO_LARGE' : 'INVALID', e.message, { Connection: 'close' })
      return sendError(res, 400, 'INVALID', 'The body is not valid JSON')
    }
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { args?: unknown }).args)) {
      return sendError(res, 400, 'INVALID', 'The body must be {"args": [...]}')
    }
    try {
      const result = await invokeChannel(service, channel, (body as { args: unknown[] }).args)
      sendJson(res, 200, { result: result ?? null })
    } catch (e) {
      if (e instanceof InvalidRequestError) return sendError(res, 400, 'INVALID', e.message)
      console.error(`tim-archive: ${channel} failed`, e)
      sendError(res, 500, 'INTERNAL', `${channel} failed: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  // ------------------------------------------------------------------------------------------
  // Export downloads: a finished export (export-host.ts) once, for the one-time key the page got
  // from export:finish. A page navigation cannot carry the API token, so the key is the
  // authorization: 192 random bits, valid for one download, for one file.

  const serveDownload = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET') return sendError(res, 405, 'METHOD', 'Use GET', { Allow: 'GET' })
    const id = url.pathname.slice('/download/'.length)
    const d = service.export.takeDownload(id, url.searchParams.get('key') ?? '')
    if (!d) return sendError(res, 404, 'NOT_FOUND', 'No such download (each one works once)')
    const size = (await stat(d.path)).size
    const ascii = d.name.replace(/[^\x20-\x7e]|["\\]/g, '_')
    res.writeHead(200, {
      ...securityHeaders,
      'Cache-Control': 'no-store',
      'Content-Type': d.name.endsWith('.zip') ? 'application/zip' : 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.name)}`,
      'Content-Length': size
    })
    const stream = createReadStream(d.path)
    stream.pipe(res)
    res.on('close', () => {
      stream.destroy()
      void d.done()
    })
  }

  // ------------------------------------------------------------------------------------------
  // Static files

  /** The page cookie: set with the page, sent by the browser with everything the page loads. */
  const hasPageCookie = (req: IncomingMessage) => sameSecret(readCookie(req.headers.cookie, pageCookieName()), pageCookieValue)

  const serveIndex = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const fromQuery = sameSecret(url.searchParams.get('token'), token)
    // A token that is not this launch's is an old address (a restart makes a new token), even
    // where this launch's cookie would open the page: the page would keep the old token and
    // every API call would fail.
    const staleToken = !fromQuery && url.searchParams.has('token')
    if (staleToken || (!fromQuery && !hasPageCookie(req))) {
      return send(res, 403, forbiddenPage(staleToken), { 'Content-Type': 'text/html; charset=utf-8' })
    }
    const html = await readFile(resolve(root, 'index.html'), 'utf8')
    const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' }
    // Lets a reload work after the renderer removed ?token= from the address bar. HttpOnly and
    // SameSite=Strict: no script reads it and no other site sends it. It opens the page only, never the API.
    if (fromQuery) headers['Set-Cookie'] = `${pageCookieName()}=${pageCookieValue}; HttpOnly; SameSite=Strict; Path=/`
    send(res, 200, html, headers)
  }

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'METHOD', 'Use GET', { Allow: 'GET, HEAD' })
    if (url.pathname === '/' || url.pathname === '/index.html') return serveIndex(req, res, url)
    // Everything else is what the page loads (its scripts, styles, fonts), with the page cookie the
    // page came with: nothing is served to whoever merely knows the port. The only page is
    // index.html: the benchmark pages built next to it (bench-*.html) belong to npm run bench:*,
    // which serve out/renderer themselves (src-main/bench/bench-page.ts).
    if (!hasPageCookie(req)) return sendError(res, 403, 'FORBIDDEN', 'Open TIM Archive from the address printed in the terminal')
    if (/\.html?$/i.test(url.pathname)) return sendError(res, 404, 'NOT_FOUND', 'Not found')
    let rel: string
    try {
      rel = decodeURIComponent(url.pathname)
    } catch {
      return sendError(res, 400, 'INVALID', 'Malformed path')
    }
    // Encoded separators, NULs and dot segments never name one of our files.
    if (rel.includes('\0') || rel.includes('\\') || rel.split('/').some((s) => s.startsWith('.'))) {
      return sendError(res, 404, 'NOT_FOUND', 'Not found')
    }
    const file = resolve(root, '.' + rel)
    if (!file.startsWith(root + sep)) return sendError(res, 404, 'NOT_FOUND', 'Not found')
    let real: string
    try {
      real = await realpath(file)
      if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) throw new Error('not a file')
    } catch {
      return sendError(res, 404, 'NOT_FOUND', 'Not found')
    }
    const data = await readFile(real)
    const type = contentTypes[extname(real).toLowerCase()] ?? 'application/octet-stream'
    // Vite names assets by content hash: they never change under the same name. Private: they
    // were served to the page's cookie only.
    const cache = rel.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-cache'
    res.writeHead(200, { ...securityHeaders, 'Content-Type': type, 'Cache-Control': cache, 'Content-Length': data.length })
    res.end(req.method === 'HEAD' ? undefined : data)
  }

  // ------------------------------------------------------------------------------------------

  /** A top-level GET of the page with this launch's token in the address. */
  const isTokenNavigation = (req: IncomingMessage, url: URL) =>
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.headers['sec-fetch-mode'] === 'navigate' &&
    req.headers['sec-fetch-dest'] === 'document' &&
    url.pathname === '/' &&
    sameSecret(url.searchParams.get('token'), token)

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    // DNS rebinding: a hostile page that points its own name at 127.0.0.1 still sends that name.
    if (!allowedHosts().has((req.headers.host ?? '').toLowerCase())) {
      return sendError(res, 403, 'FORBIDDEN', 'Unexpected Host header: open TIM Archive at http://127.0.0.1:' + port)
    }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return sendError(res, 403, 'FORBIDDEN', 'Cross-origin requests are refused')
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    // Other ports of 127.0.0.1 are "same-site" but not ours. One exception: opening the page itself
    // with this launch's token, from serve's redirect file (a file:// page, so "cross-site"). It
    // is what typing the printed address does; without the token no other site can do it.
    const site = req.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin' && site !== 'none' && !isTokenNavigation(req, url)) {
      return sendError(res, 403, 'FORBIDDEN', 'Cross-site requests are refused')
    }
    if (url.pathname === '/api/events') return openEvents(req, res, url)
    if (url.pathname.startsWith('/download/')) return serveDownload(req, res, url)
    if (url.pathname.startsWith('/api/')) {
      let channel: string
      try {
        channel = decodeURIComponent(url.pathname.slice(5))
      } catch {
        return sendError(res, 404, 'NOT_FOUND', 'No such API')
      }
      return callApi(req, res, channel)
    }
    return serveStatic(req, res, url)
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      console.error('tim-archive: request failed', e)
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error')
      else res.destroy()
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    // 127.0.0.1 only: never reachable from another machine, whatever the firewall says.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('Unexpected server address')
  port = addr.port

  let closed = false
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      for (const off of offs) off()
      service.cancelAllRuns()
      await service.export.close()
      for (const c of clients) c.end()
      clients.clear()
      await new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
        for (const s of sockets) s.destroy()
      })
    }
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
