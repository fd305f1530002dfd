/**
 * GET /media/<sha256>[?download=name]: a stored media object (media/serve.ts says what is served
 * and how), to the page that holds the page cookie, like its other files. Range requests are
 * answered for audio and video. Without a media store every object is 404.
 */
import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ContentStore } from '../../media/content-store'
import { mediaHead, parseRange } from '../../media/serve'
import type { Guard } from '../guard'
import { sendError } from '../http'

export function mediaRoute(store: ContentStore | undefined, guard: Guard) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'METHOD', 'Use GET', { Allow: 'GET, HEAD' })
    if (!guard.hasPageCookie(req)) return sendError(res, 403, 'FORBIDDEN', 'Open TIM Archive from the address printed in the terminal')
    const sha = url.pathname.slice('/media/'.length)
    const head = store ? await mediaHead(store, sha, url.searchParams.get('download') ?? undefined) : null
    if (!head) return sendError(res, 404, 'NOT_FOUND', 'No such media object in this archive')
    const range = parseRange(req.headers.range, head.size)
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...head.headers, 'Content-Range': `bytes */${head.size}`, 'Content-Length': 0 })
      return void res.end()
    }
    const { start, end } = range ?? { start: 0, end: head.size - 1 }
    const length = head.size === 0 ? 0 : end - start + 1
    res.writeHead(range ? 206 : 200, {
      ...head.headers,
      'Content-Length': length,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${head.size}` } : {})
    })
    if (req.method === 'HEAD' || length === 0) return void res.end()
    const stream = createReadStream(head.path, { start, end })
    stream.pipe(res)
    res.on('close', () => stream.destroy())
  }
}
