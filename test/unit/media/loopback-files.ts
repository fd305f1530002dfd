/**
 * A small file server for the fetcher and queue tests: real HTTP on 127.0.0.1, an ephemeral port,
 * routes set per test, an optional delay before each answer, and counts of connections and
 * requests (so a test can show that a refused URL was never contacted).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Route = (req: IncomingMessage, res: ServerResponse) => void

export interface FileServer {
  url: string
  port: number
  routes: Map<string, Route>
  /** TCP connections accepted. */
  connections: number
  /** Requests answered, by path. */
  requests: string[]
  /** Requests' headers, in order. */
  headers: IncomingMessage['headers'][]
  /** Requests being answered right now, and the most seen at once. */
  inFlight: number
  maxInFlight: number
  /** Delay before each answer, ms. */
  latencyMs: number
  close(): Promise<void>
}

export async function startFileServer(latencyMs = 0): Promise<FileServer> {
  const sockets = new Set<Socket>()
  const fs: FileServer = {
    url: '',
    port: 0,
    routes: new Map(),
    connections: 0,
    requests: [],
    headers: [],
    inFlight: 0,
    maxInFlight: 0,
    latencyMs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    fs.requests.push(path)
    fs.headers.push(req.headers)
    fs.inFlight++
    fs.maxInFlight = Math.max(fs.maxInFlight, fs.inFlight)
    res.on('close', () => fs.inFlight--)
    const answer = (): void => {
      const route = fs.routes.get(path)
      if (route) route(req, res)
      else {
        res.statusCode = 404
        res.end('not found')
      }
    }
    if (fs.latencyMs > 0) setTimeout(answer, fs.latencyMs)
    else answer()
  })
  server.on('connection', (s: Socket) => {
    fs.connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fs.port = (server.address() as AddressInfo).port
  fs.url = `http://127.0.0.1:${fs.port}`
  return fs
}

/** A route answering `body` with the given status and headers. */
export function serve(body: Uint8Array | string, headers: Record<string, string> = {}, status = 200): Route {
  return (_req, res) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body)
    res.writeHead(status, { 'content-length': String(buf.length), ...headers })
    res.end(buf)
  }
}

/** A tiny valid PNG header followed by filler (sniffs as image/png). */
export function pngBytes(n = 300, seed = 0): Uint8Array {
  const out = new Uint8Array(n)
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0)
  for (let i = 8; i < n; i++) out[i] = (i * 31 + seed) & 255
  return out
}

/** A JPEG start (sniffs as image/jpeg). */
export function jpegBytes(n = 300, seed = 0): Uint8Array {
  const out = new Uint8Array(n)
  out.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00], 0)
  for (let i = 11; i < n; i++) out[i] = (i * 7 + seed) & 255
  return out
}
