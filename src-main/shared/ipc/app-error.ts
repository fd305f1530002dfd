/**
 * The shape check for an AppError as it arrives in the renderer, from either transport (Electron
 * IPC or browser-mode HTTP/SSE). The page words errors from `code` and `params` and shows `detail`
 * as plain text, so whatever arrives is cut down to that shape: no other fields, no nested values,
 * bounded sizes. Pure module.
 */
import type { AppError } from './contract'

export const appErrorLimits = { code: 64, message: 4000, detail: 4000, params: 16, paramKey: 32, paramValue: 500 } as const

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`
}

/** A well-formed AppError from anything; unknown shapes become INTERNAL with what could be read. */
export function toAppError(x: unknown): AppError {
  const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>
  const code =
    typeof o.code === 'number' && Number.isSafeInteger(o.code)
      ? o.code
      : typeof o.code === 'string' && o.code.length > 0
        ? clip(o.code, appErrorLimits.code)
        : 'INTERNAL'
  const message =
    typeof o.message === 'string' ? clip(o.message, appErrorLimits.message) : typeof x === 'string' ? clip(x, appErrorLimits.message) : 'Unknown error'
  const out: AppError = { code, message }
  if (typeof o.params === 'object' && o.params !== null && !Array.isArray(o.params)) {
    const params: Record<string, string | number> = {}
    let n = 0
    for (const [k, v] of Object.entries(o.params as Record<string, unknown>)) {
      if (n >= appErrorLimits.params || k.length > appErrorLimits.paramKey || k === '__proto__') continue
      if (typeof v === 'string') params[k] = clip(v, appErrorLimits.paramValue)
      else if (typeof v === 'number' && Number.isFinite(v)) params[k] = v
      else continue
      n++
    }
    if (n) out.params = params
  }
  if (typeof o.detail === 'string' && o.detail) out.detail = clip(o.detail, appErrorLimits.detail)
  return out
}
