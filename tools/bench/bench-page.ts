/**
 * What the in-page benchmarks (bench:search, bench:charts) share: their pages (out-tools/bench-pages) served on loopback
 * (module scripts need http, not file://), Debian's Chromium with an on-disk profile (IndexedDB
 * as in the app), and the figures' formatting.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize as normalizePath, sep } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
}

/** Serves a folder on 127.0.0.1 (`port` 0: any free one). */
export function serveStatic(root: string, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalizePath(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '')
    const file = join(root, path)
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end()
      return
    }
    stat(file).then(
      (s) => {
        if (!s.isFile()) throw new Error('not a file')
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
        createReadStream(file).pipe(res)
      },
      () => res.writeHead(404).end()
    )
  })
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address()
      resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` })
    })
  )
}

export const chromiumPath = (): string => process.env['CHROMIUM_PATH'] || '/usr/bin/chromium'

/** Headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium) with its profile in `profileDir`. */
export function launchChromium(profileDir: string, options: { timezoneId?: string } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    ...options,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
}

export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN
}
export const ms = (v: number): string => `${v.toFixed(1)} ms`
export const fmt = (n: number): string => n.toLocaleString('en-US')
export const round = (v: number): number => Math.round(v * 10) / 10
