/**
 * The host's errors as the renderer sees them (AppError, shared/ipc/contract.ts): the Result
 * helpers, the error classes of a sync run and of a malformed call, and the redaction that keeps
 * the UserSig and the key out of every text.
 */
import type { AppError, Result } from '../shared/ipc/contract'
import { TimApiError, timErrorParts } from '../tim/errors'

/** The renderer could not commit a batch (IndexedDB quota, a Dexie error). */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor(
    message: string,
    /** The store's own error text, as the renderer reported it. */
    readonly detail?: string
  ) {
    super(message)
  }
}

/** The run was cancelled; used as the abort reason so it can be told apart from real failures. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  constructor() {
    super('The sync was cancelled')
  }
}

/** A void call (cancel, ack, forget) got a malformed payload. Transports turn it into an error reply. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError'
  readonly code = 'INVALID'
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

/** What the page needs to word an error itself: see AppError. */
export type ErrorParts = { params?: AppError['params']; detail?: string | undefined }

export function appError(code: AppError['code'], message: string, parts: ErrorParts = {}): AppError {
  const error: AppError = { code, message }
  if (parts.params) error.params = parts.params
  if (parts.detail) error.detail = parts.detail
  return error
}

export function fail<T>(code: AppError['code'], message: string, parts?: ErrorParts): Result<T> {
  return { ok: false, error: appError(code, message, parts) }
}

/** An API failure as an AppError; the UserSig and the key are redacted from every text. */
export function apiError(e: TimApiError, message: string, secret?: string): AppError {
  const parts = timErrorParts(e)
  return appError(e.code, redact(message, secret), { params: parts.params, detail: parts.detail && redact(parts.detail, secret) })
}

/** A UserSig travels in query strings; make sure none ever reaches a message the renderer sees. */
export function redact(message: string, secret?: string): string {
  let m = message.replace(/usersig=[^&\s"']*/gi, 'usersig=[redacted]')
  if (secret && secret.length >= 8) m = m.split(secret).join('[redacted]')
  return m
}

export function errorOf(e: unknown, secret?: string): AppError {
  if (e instanceof TimApiError) return apiError(e, e.message, secret)
  if (e instanceof StoreError) return appError('STORE', redact(e.message, secret), { detail: e.detail && redact(e.detail, secret) })
  if (e instanceof CancelledError) return appError('CANCELLED', e.message, { params: { reason: 'sync' } })
  const msg = e instanceof Error ? e.message : String(e)
  return appError('INTERNAL', redact(`Unexpected error: ${msg}`, secret), { detail: redact(msg, secret) })
}
