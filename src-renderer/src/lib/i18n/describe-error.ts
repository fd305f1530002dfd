/**
 * Words a host error (AppError) in the page's language. The host sends a code with params and
 * keeps its English sentence in `message` for logs and the CLI; the server's own text (the API's
 * ErrorInfo, the system's error) arrives untranslated in `detail` and is shown under "Details".
 *
 * Errors recorded before codes carried params (a group's lastError in an older archive) still get
 * the code's wording; their English message goes to the details.
 */
import type { AppError } from '@shared/ipc/contract'
import { en, type MessageKey } from './messages'
import type { Params } from './translate'

export type Translate = (key: MessageKey, params?: Params) => string

/** Anything the page shows as an error: a host AppError, or a UI string (`key`). */
export interface ShownError {
  code?: number | string
  message: string
  params?: AppError['params']
  detail?: string
  /** A UI string to show instead (already the page's own words). */
  key?: MessageKey
}

export interface DescribedError {
  /** One or two sentences in the page's language. */
  text: string
  /** Untranslated detail for the "Details" disclosure, when there is any. */
  detail?: string
}

function has(key: string): key is MessageKey {
  return Object.hasOwn(en, key)
}

/** The code's own sentence, without details. Exported for the test that every code is worded. */
export function errorKey(code: number | string, reason?: string | number): MessageKey | null {
  if (typeof code === 'number') return has(`api.${code}`) ? (`api.${code}` as MessageKey) : null
  if (reason !== undefined && has(`err.${code}.${reason}`)) return `err.${code}.${reason}` as MessageKey
  return has(`err.${code}`) ? (`err.${code}` as MessageKey) : null
}

export function describeError(e: ShownError, t: Translate): DescribedError {
  if (e.key) return { text: t(e.key) }
  // A failure of the page itself (no code): its message is all there is.
  if (e.code === undefined) return { text: e.message }
  const params: Params = { ...(e.params ?? {}), code: e.code }
  const key = errorKey(e.code, e.params?.reason)
  let text: string
  let known = key !== null
  if (typeof e.code === 'number') {
    // The meanings are sentence fragments (the CLI puts them in parentheses): start with a capital.
    const meaning = key ? t(key).replace(/^[a-z]/, (c) => c.toUpperCase()) : ''
    text = key ? t('err.api', { meaning, code: String(e.code) }) : t('err.api.unknown', { code: String(e.code) })
  } else {
    text = t(key ?? 'err.unknown', params)
    // A reason the page does not know (a newer host): the kind's sentence only says so much.
    if (e.params?.reason !== undefined && key === `err.${e.code}`) known = false
  }
  if (e.params?.retried && (e.code === 'NETWORK' || e.code === 'TIMEOUT' || e.code === 'HTTP' || typeof e.code === 'number')) {
    text = t('err.api.retried', { text })
  }
  const lines: string[] = []
  const command = typeof e.params?.command === 'string' ? e.params.command : undefined
  if (e.detail) lines.push(command ? `${command}: ${e.detail}` : e.detail)
  // Without a detail of its own, an unknown or older error keeps its English sentence there.
  if (!e.detail && (!known || !e.params)) lines.push(e.message)
  const out: DescribedError = { text }
  if (lines.length && lines.join('') !== text) out.detail = lines.join('\n')
  return out
}
