/**
 * Serving a stored media object to the page: what both hosts answer for one object of the
 * content store (browser mode's /media route, Electron's tim-media: protocol). The page names an
 * object by its SHA-256 only; the host never serves a path, a URL or anything outside the store.
 *
 * The type comes from the bytes (shared/media/sniff.ts), never from what a server once said. Only raster
 * images, audio and video are served inline (displaysInline); everything else, HTML and SVG
 * included, is an attachment under a generic type, so a crafted file cannot run in the page's
 * origin. Every answer carries `X-Content-Type-Options: nosniff` and a sandboxing CSP of its own.
 * Objects are immutable (content-addressed), so they may be cached for good.
 */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { ContentStore } from './content-store'
import { safeFileName } from '../shared/media/file-name'
import { displaysInline, OCTET_STREAM, SNIFF_BYTES, sniff } from '../shared/media/sniff'

/** A stored object's name: 64 lower-case hex digits. */
export const shaPattern = /^[0-9a-f]{64}$/

/** A byte range of an object, both ends included. */
export interface ByteRange {
  start: number
  end: number
}

export interface MediaHead {
  /** The file in the store. */
  path: string
  size: number
  /** The sniffed type; application/octet-stream for anything not shown inline. */
  type: string
  inline: boolean
  /** The headers every answer for this object carries (no Content-Length or Content-Range). */
  headers: Record<string, string>
}

/** The policy of the object's own answer: it is never a document that could run anything. */
export const mediaResponseCsp = "default-src 'none'; sandbox"

/**
 * Reads an object's head from the store: null when `sha` is not a stored object's name (any other
 * text, a path included, is refused before the file system is touched).
 */
export async function mediaHead(store: ContentStore, sha: string, downloadName?: string): Promise<MediaHead | null> {
  if (!shaPattern.test(sha) || !(await store.has(sha))) return null
  const path = store.pathFor(sha)
  const file = await open(path, 'r')
  let size: number
  let head: Uint8Array
  try {
    size = (await file.stat()).size
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size))
    const { bytesRead } = await file.read(buf, 0, buf.length, 0)
    head = buf.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
  const sniffed = sniff(head)
  const inline = displaysInline(sniffed.mime) && downloadName === undefined
  const type = displaysInline(sniffed.mime) ? sniffed.mime : OCTET_STREAM.mime
  // A name from the page (`?download=`) comes from a message: only its last path part, made safe.
  const name = downloadName !== undefined ? safeFileName(downloadName, `${sha.slice(0, 12)}.${sniffed.ext}`) : `${sha.slice(0, 12)}.${sniffed.ext}`
  return {
    path,
    size,
    type,
    inline,
    headers: {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': mediaResponseCsp,
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Cache-Control': 'private, max-age=31536000, immutable',
      'Accept-Ranges': 'bytes',
      'Cross-Origin-Resource-Policy': 'same-origin'
    }
  }
}

function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_')
}

/**
 * A `Range` header against an object of `size` bytes (RFC 9110 §14: one range of bytes; several
 * ranges are answered whole, as a server may). null: no range, answer the whole object;
 * 'unsatisfiable': answer 416.
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null
  const [, a, b] = m
  if (a === '' && b === '') return null
  if (a === '') {
    const suffix = Number(b)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(a)
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable'
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (!Number.isSafeInteger(end) || end < start) return 'unsatisfiable'
  return { start, end }
}

/** The scheme the desktop app serves stored objects under: `tim-media://object/<sha256>`. */
export const mediaScheme = 'tim-media'

/**
 * The desktop app's handler for `tim-media://object/<sha256>[?download=name]` (Electron's
 * `protocol.handle` takes a fetch-style handler, so this needs no Electron import): GET and HEAD
 * only, Range for audio and video, 404 for anything that is not a stored object.
 */
export function mediaFetchHandler(store: ContentStore): (request: Request) => Promise<Response> {
  return async (request) => {
    const plain = { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': mediaResponseCsp, 'Content-Type': 'text/plain; charset=utf-8' }
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Use GET', { status: 405, headers: { ...plain, Allow: 'GET, HEAD' } })
    const url = new URL(request.url)
    const sha = url.host === 'object' ? url.pathname.replace(/^\//, '') : ''
    const head = await mediaHead(store, sha, url.searchParams.get('download') ?? undefined)
    if (!head) return new Response('Not found', { status: 404, headers: plain })
    const range = parseRange(request.headers.get('range'), head.size)
    if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...head.headers, 'Content-Range': `bytes */${head.size}` } })
    const { start, end } = range ?? { start: 0, end: head.size - 1 }
    const length = head.size === 0 ? 0 : end - start + 1
    const headers: Record<string, string> = { ...head.headers, 'Content-Length': String(length) }
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${head.size}`
    const body =
      request.method === 'HEAD' || length === 0 ? null : (Readable.toWeb(createReadStream(head.path, { start, end })) as unknown as ReadableStream<Uint8Array>)
    return new Response(body, { status: range ? 206 : 200, headers })
  }
}
