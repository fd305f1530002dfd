/**
 * HTTP helpers of browser mode's server: the security headers every answer carries, plain and JSON
 * answers, and a capped body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { contentSecurityPolicy } from '../security/csp'

export const maxBodyBytes = 1024 * 1024

export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...securityHeaders, 'Cache-Control': 'no-store', ...headers, 'Content-Length': Buffer.byteLength(body) })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json; charset=utf-8', ...headers })
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers)
}

/** The request body as text; an HttpError 413 past maxBodyBytes. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
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
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
