/**
 * The callback listener's HTTP server (node:http): Tencent IM POSTs each callback to the app's
 * callback URL; the user's HTTPS reverse proxy forwards it here (loopback by default).
 *
 * Per request: POST only; SdkAppid, Sign and RequestTime checked (sign.ts), else 401/403 and a log
 * line; a command the archive does not use is answered OK and ignored (every callback of the app
 * goes to the one URL); the body capped, parsed and checked (callback-body.ts), else 400; then the
 * sink commits, and only then the answer is `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`.
 * When the sink fails or does not commit within `answerWithinMs`, the answer is 503 with
 * ActionStatus FAIL: Tencent ignores an after-callback's answer and does not send it again, so that
 * message is missing until the next scheduled pull fills it (coverage comes only from the pull).
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { archivedCommands, describeBodyProblem, parseCallbackBody, type CallbackEvent } from './callback-body'
import { checkCallbackAuth, describeAuthFailure } from './sign'
import type { CallbackSink } from './sink'

/** The largest body read: a message is at most 12 KB (§7.6); the rest of a callback is small. */
export const maxCallbackBodyBytes = 256 * 1024

/**
 * How long a commit may take before the answer is an error. Tencent documents a 2 s timeout for
 * its before-callbacks and none for after-callbacks (§9.5); answering within it keeps every kind safe.
 */
export const defaultAnswerWithinMs = 1500

export interface ListenerOptions {
  host: string
  port: number
  sdkAppId: number
  token: string
  sink: CallbackSink
  answerWithinMs?: number
  /** Clock, ms (tests move it). */
  now?: () => number
  /** One line per refused or failed request, and per archived callback. */
  log?: (line: string) => void
}

export interface ListenerStats {
  archived: number
  duplicates: number
  ignored: number
  refused: number
  failed: number
}

export interface Listener {
  url: string
  stats: ListenerStats
  close(): Promise<void>
}

const okAnswer = JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })

function answer(res: ServerResponse, status: number, errorInfo?: string): void {
  const body = errorInfo === undefined ? okAnswer : JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: errorInfo })
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' })
  res.end(body)
}

/** A callback's identity for replays: its command and its body's exact bytes. */
export function callbackKey(command: string, body: Buffer): string {
  return createHash('sha256').update(command).update('\0').update(body).digest('hex')
}

function describeEvent(e: CallbackEvent): string {
  const where = e.topicId ? `${e.groupId} topic ${e.topicId}` : e.groupId
  return e.command === 'Group.CallbackAfterRecallMsg' ? `${e.command} ${where} seq ${e.seqs.join(',')}` : `${e.command} ${where} seq ${e.seq}`
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) over = true
      else chunks.push(c)
    })
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  const now = opts.now ?? Date.now
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const within = opts.answerWithinMs ?? defaultAnswerWithinMs
  const stats: ListenerStats = { archived: 0, duplicates: 0, ignored: 0, refused: 0, failed: 0 }
  const sockets = new Set<Socket>()
  const inflight = new Set<Promise<unknown>>()

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const from = req.headers['x-forwarded-for'] ?? req.socket.remoteAddress ?? '?'
    const refuse = (status: number, why: string): void => {
      stats.refused++
      log(`listen: refused a request from ${String(from)} (${status}): ${why}`)
      answer(res, status, why)
    }
    if (req.method !== 'POST') {
      req.resume()
      res.setHeader('Allow', 'POST')
      return refuse(405, `method ${req.method ?? '?'} is not allowed: Tencent's callbacks are POSTs`)
    }
    const url = new URL(req.url ?? '/', 'http://listener.invalid')
    const auth = checkCallbackAuth({ query: url.searchParams, sdkAppId: opts.sdkAppId, token: opts.token, nowSec: now() / 1000 })
    if (auth) {
      req.resume()
      return refuse(auth.reason.startsWith('sdkappid') ? 403 : 401, describeAuthFailure(auth))
    }
    const command = url.searchParams.get('CallbackCommand') ?? ''
    const body = await readBody(req, maxCallbackBodyBytes)
    if (body === 'too-large') return refuse(413, `the body is over ${maxCallbackBodyBytes} bytes`)
    if (!archivedCommands.includes(command)) {
      // Every callback the app turned on comes to this one URL: answer, archive nothing.
      stats.ignored++
      return answer(res, 200)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return refuse(400, `${command}: the body is not valid JSON`)
    }
    const receivedAt = new Date(now())
    const check = parseCallbackBody(command, parsed, receivedAt.getTime())
    if (!check.ok) return refuse(400, `${command}: ${describeBodyProblem(check.problem)}`)
    const event = check.event
    try {
      const done = opts.sink.apply({ event, key: callbackKey(command, body), receivedAt })
      inflight.add(done)
      void done.catch(() => undefined).finally(() => inflight.delete(done))
      const result = await withTimeout(done, within)
      if (result === 'timeout') {
        stats.failed++
        log(`listen: ${describeEvent(event)} not committed within ${within} ms: answered with an error (the next pull fills it)`)
        return answer(res, 503, `not committed within ${within} ms`)
      }
      if (result.duplicate) stats.duplicates++
      else stats.archived++
      log(
        `listen: ${describeEvent(event)}: ${result.duplicate ? 'seen before, nothing written' : `${result.written} written${result.waiting ? `, ${result.waiting} waiting for the message` : ''}`}`
      )
      return answer(res, 200)
    } catch (e) {
      stats.failed++
      const why = e instanceof Error ? e.message : String(e)
      log(`listen: ${describeEvent(event)} not committed: ${why} (answered with an error; the next pull fills it)`)
      return answer(res, 503, `not committed: the archive database failed`)
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      stats.failed++
      log(`listen: request failed: ${e instanceof Error ? e.message : String(e)}`)
      if (!res.headersSent) answer(res, 500, 'listener error')
      else res.destroy()
    })
  })
  // Tencent keeps connections open (long connections by default, page 269/1522).
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  server.requestTimeout = 30_000
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : opts.port
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return {
    url: `http://${host}:${port}/`,
    stats,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      await Promise.allSettled([...inflight])
      for (const s of sockets) s.destroy()
      await closed
    }
  }
}
