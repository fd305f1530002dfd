/**
 * GET /download/<id>?key=K: a finished export (services/export-host.ts) once, for the one-time key
 * the page got from export:finish. A page navigation cannot carry the API token, so the key is the
 * authorization: 192 random bits, valid for one download, for one file.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AppService } from '../../services/app-service'
import { securityHeaders, sendError } from '../http'

export async function serveDownload(service: AppService, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
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
