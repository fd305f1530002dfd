/**
 * Who may talk to browser mode's server. Any web page the admin visits can send requests to
 * 127.0.0.1, and any local user can connect to it, while this server holds the secret key. So: a
 * random per-launch token on every API call; the Host header must name us (a DNS-rebinding page
 * sends its own host name); cross-origin Origin / Sec-Fetch-Site is refused; the page and its files
 * are served to the page cookie (derived from the token) only.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readCookie, sendError } from './http'

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest()
}

/** Constant-time comparison (of hashes, so lengths never leak either). */
export function sameSecret(a: string | undefined | null, b: string): boolean {
  if (typeof a !== 'string') return false
  return timingSafeEqual(digest(a), digest(b))
}

export class Guard {
  /** The page cookie is derived from the token, so it cannot be replayed as an API token. */
  readonly pageCookieValue: string

  constructor(
    readonly token: string,
    /** The port listened on (known once listening). */
    private readonly port: () => number
  ) {
    this.pageCookieValue = createHash('sha256').update(`page:${token}`).digest('base64url')
  }

  get pageCookieName(): string {
    return `tim_archive_${this.port()}`
  }

  /** This launch's token, as given (in the query, or a header). */
  isToken(given: string | undefined | null): boolean {
    return sameSecret(given, this.token)
  }

  /** `Authorization: Bearer <token>`. */
  hasBearer(req: IncomingMessage): boolean {
    const auth = req.headers.authorization
    const given = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined
    return this.isToken(given)
  }

  /** The page cookie: set with the page, sent by the browser with everything the page loads. */
  hasPageCookie(req: IncomingMessage): boolean {
    return sameSecret(readCookie(req.headers.cookie, this.pageCookieName), this.pageCookieValue)
  }

  /**
   * The checks every request passes first: Host and Origin (before its URL is even read), then
   * Sec-Fetch-Site (`url`). Answers the refusal and returns false, or returns true.
   */
  admit(req: IncomingMessage, res: ServerResponse, url: () => URL): boolean {
    const port = this.port()
    // DNS rebinding: a hostile page that points its own name at 127.0.0.1 still sends that name.
    if (!new Set([`127.0.0.1:${port}`, `localhost:${port}`]).has((req.headers.host ?? '').toLowerCase())) {
      sendError(res, 403, 'FORBIDDEN', 'Unexpected Host header: open TIM Archive at http://127.0.0.1:' + port)
      return false
    }
    const origin = req.headers.origin
    if (origin !== undefined && !new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]).has(origin)) {
      sendError(res, 403, 'FORBIDDEN', 'Cross-origin requests are refused')
      return false
    }
    // Other ports of 127.0.0.1 are "same-site" but not ours. One exception: opening the page itself
    // with this launch's token, from serve's redirect file (a file:// page, so "cross-site"). It
    // is what typing the printed address does; without the token no other site can do it.
    const site = req.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin' && site !== 'none' && !this.isTokenNavigation(req, url())) {
      sendError(res, 403, 'FORBIDDEN', 'Cross-site requests are refused')
      return false
    }
    return true
  }

  /** A top-level GET of the page with this launch's token in the address. */
  private isTokenNavigation(req: IncomingMessage, url: URL): boolean {
    return (
      (req.method === 'GET' || req.method === 'HEAD') &&
      req.headers['sec-fetch-mode'] === 'navigate' &&
      req.headers['sec-fetch-dest'] === 'document' &&
      url.pathname === '/' &&
      this.isToken(url.searchParams.get('token'))
    )
  }
}
