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
    options?: { cause?: unknown }
  ) {
    super(TimApiError.describe(command, code, serverInfo, exhausted), options)
  }

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
            ? `network error: could not reach the server (${info})`
            : code === 'TIMEOUT'
              ? 'timed out waiting for the server'
              : `the server sent a body that is not valid JSON (${info})`
    const tail = typeof code === 'number' && info ? `; server said: ${info}` : ''
    return `${command}: ${what}${tail}${exhausted ? ' (gave up after retries)' : ''}`
  }
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
