/**
 * POST /api/<channel>: `{ args: [...] }` → `{ result }`, with the Bearer token. The channel is one
 * of the table's invoke channels (shared/ipc/channels.ts); the host validates the arguments
 * (services/dispatch.ts) as it does for Electron IPC.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isInvokeChannel } from '../../shared/ipc/channels'
import { InvalidRequestError } from '../../services/app-errors'
import type { AppService } from '../../services/app-service'
import { invokeChannel } from '../../services/dispatch'
import type { Guard } from '../guard'
import { HttpError, readBody, sendError, sendJson } from '../http'

export async function callApi(service: AppService, guard: Guard, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let channel: string
  try {
    channel = decodeURIComponent(url.pathname.slice(5))
  } catch {
    return sendError(res, 404, 'NOT_FOUND', 'No such API')
  }
  if (!isInvokeChannel(channel)) return sendError(res, 404, 'NOT_FOUND', `No such API: ${channel.slice(0, 64)}`)
  if (req.method !== 'POST') return sendError(res, 405, 'METHOD', `Use POST for /api/${channel}`, { Allow: 'POST' })
  if (!guard.hasBearer(req)) {
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
