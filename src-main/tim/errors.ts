import { classifyCode, describeCode } from '../shared/error-codes'

/**
 * A failed call to the Tencent IM REST API, after any retries. `code` is the API's ErrorCode when
 * the server answered, or a transport kind when it did not.
 */
export class TimApiError extends Error {
  override readonly name = 'TimApiError'
  constructor(
    readonly command: string,
    readonly code: number | 'HTTP' | 'NETWORK' | 'TIMEOUT' | 'BAD_BODY',
    readonly serverInfo: string,
    /** True when retries ran out on an error that is normally transient. */
    readonly exhausted: boolean,
    options?: { cause?: unknown; unreachable?: Unreachable }
  ) {
    super(TimApiError.describe(command, code, serverInfo, exhausted), options)
    if (options?.unreachable) this.unreachable = options.unreachable
  }

  /**
   * Set when the server was never reached because its name does not resolve or nothing listens
   * there. Retries run (a server may be restarting), but once they are used up this is a wrong
   * TIM_REGION / TIM_ENDPOINT or a machine that is down, not "a temporary problem".
   */
  readonly unreachable?: Unreachable

  /** True for failures that retrying later might fix (as opposed to a wrong key or a dismissed group). */
  get transient(): boolean {
    return typeof this.code === 'string' || classifyCode(this.code) !== 'permanent'
  }

  static describe(command: string, code: TimApiError['code'], info: string, exhausted: boolean): string {
    const what =
      typeof code === 'number'
        ? `error ${describeCode(code)}`
        : code === 'HTTP'
          ? `HTTP error (${info})`
          : code === 'NETWORK'
            ? info
            : code === 'TIMEOUT'
              ? 'timed out waiting for the server'
              : `the server sent a body that is not valid JSON (${info})`
    const tail = typeof code === 'number' && info ? `; server said: ${info}` : ''
    return `${command}: ${what}${tail}${exhausted ? ' (gave up after retries)' : ''}`
  }
}

export type Unreachable = 'dns' | 'refused'

/**
 * A call the API does not support for this kind of group, refused before any request: AVChatRoom
 * and BChatRoom groups keep no member list (get_group_member_info) and no history.
 */
export class UnsupportedGroupError extends Error {
  override readonly name = 'UnsupportedGroupError'
  constructor(
    readonly command: string,
    readonly groupId: string,
    readonly groupType: string
  ) {
    super(`${command}: ${groupType} groups are not supported by this API (${groupId})`)
  }
}

/** The system error (ENOTFOUND, ECONNREFUSED, …) under fetch's "fetch failed" and ky's wrapper. */
function systemError(error: unknown): { code?: string; address?: string; port?: number } | undefined {
  let e: unknown = error
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const o = e as { code?: unknown; cause?: unknown; errors?: unknown }
    if (typeof o.code === 'string' && /^E[A-Z_]+$/.test(o.code)) return o as { code: string }
    // Happy-eyeballs connects (several addresses) fail with an AggregateError of the attempts.
    e = o.cause ?? (Array.isArray(o.errors) ? o.errors[0] : undefined)
  }
  return undefined
}

/**
 * Names a transport failure for a person: what failed and against which host, e.g.
 * "could not resolve console.tim.qq.com (ENOTFOUND)" or "connection refused by 127.0.0.1:5080".
 * `url` is the request's URL (its host is named when the system error does not carry one).
 */
export function describeNetworkFailure(error: unknown, url: string): { info: string; code?: string; unreachable?: Unreachable } {
  let host = ''
  let port = ''
  try {
    const u = new URL(url)
    host = u.hostname
    port = u.port || (u.protocol === 'https:' ? '443' : '80')
  } catch {
    // no URL: the host stays unnamed
  }
  const sys = systemError(error)
  const code = sys?.code
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_FAIL' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') {
    return { info: `could not resolve ${host || 'the server name'} (${code})`, code, unreachable: 'dns' }
  }
  if (code === 'ECONNREFUSED') {
    const where = sys?.address && sys.port ? `${sys.address}:${sys.port}` : `${host}:${port}`
    return { info: `connection refused by ${where}${sys?.address && sys.address !== host ? ` (${host})` : ''}`, code, unreachable: 'refused' }
  }
  const detail = code ?? ((error as Error | undefined)?.cause as Error | undefined)?.message ?? (error as Error | undefined)?.message ?? String(error)
  return code
    ? { info: `network error talking to ${host || 'the server'}: ${detail}`, code }
    : { info: `network error talking to ${host || 'the server'}: ${detail}` }
}

/**
 * A TimApiError as the parts of an AppError (shared/ipc/contract.ts) the page words in its own
 * language: the API call and whether retries ran out as params, and the server's own text (its
 * ErrorInfo, the HTTP status line or the system's network error) as the untranslated detail.
 */
export function timErrorParts(e: TimApiError): { params: Record<string, string | number>; detail?: string } {
  const params: Record<string, string | number> = { command: e.command }
  if (e.exhausted) params.retried = 1
  return e.serverInfo ? { params, detail: e.serverInfo } : { params }
}
