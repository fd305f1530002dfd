/** The REST envelope the simulator answers with (docs/reference/tencent-im-api.md §1.2), and the checks its request bodies share. */

export type Answer = Record<string, unknown>

export function fail(code: number, info: string): Answer {
  return { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info }
}
export function ok(fields: Answer): Answer {
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields }
}
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v)
}
export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string')
}
