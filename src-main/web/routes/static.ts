/**
 * GET / and the page's files: the built renderer. The page needs this launch's token in the
 * address (then it sets the page cookie) or the page cookie; its files need the page cookie.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import type { Guard } from '../guard'
import { securityHeaders, send, sendError } from '../http'

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

/** Serves the built renderer from `root` (a real path: out/renderer with index.html and assets/). */
export function staticRoute(root: string, guard: Guard): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const serveIndex = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const fromQuery = guard.isToken(url.searchParams.get('token'))
    // A token that is not this launch's is an old address (a restart makes a new token), even
    // where this launch's cookie would open the page: the page would keep the old token and
    // every API call would fail.
    const staleToken = !fromQuery && url.searchParams.has('token')
    if (staleToken || (!fromQuery && !guard.hasPageCookie(req))) {
      return send(res, 403, forbiddenPage(staleToken), { 'Content-Type': 'text/html; charset=utf-8' })
    }
    const html = await readFile(resolve(root, 'index.html'), 'utf8')
    const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' }
    // Lets a reload work after the renderer removed ?token= from the address bar. HttpOnly and
    // SameSite=Strict: no script reads it and no other site sends it. It opens the page only, never the API.
    if (fromQuery) headers['Set-Cookie'] = `${guard.pageCookieName}=${guard.pageCookieValue}; HttpOnly; SameSite=Strict; Path=/`
    send(res, 200, html, headers)
  }

  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'METHOD', 'Use GET', { Allow: 'GET, HEAD' })
    if (url.pathname === '/' || url.pathname === '/index.html') return serveIndex(req, res, url)
    // Everything else is what the page loads (its scripts, styles, fonts), with the page cookie the
    // page came with: nothing is served to whoever merely knows the port. The only page is
    // index.html; no other .html is served (the benchmark pages are built apart, to
    // out-tools/bench-pages, and served by tools/bench/bench-page.ts).
    if (!guard.hasPageCookie(req)) return sendError(res, 403, 'FORBIDDEN', 'Open TIM Archive from the address printed in the terminal')
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
}
