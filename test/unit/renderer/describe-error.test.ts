// Issue 15 item 20: the host's errors reach the page as a code with params, and the page words them
// in its language, with the server's own text untranslated under "Details".
import { describe, expect, it } from 'vitest'
import { errorCodes } from '../../../src-main/shared/error-codes'
import { toAppError } from '../../../src-main/shared/ipc/app-error'
import { describeError, errorKey } from '../../../src-renderer/src/lib/i18n/describe-error'
import { en, zh, type Locale, type MessageKey } from '../../../src-renderer/src/lib/i18n/messages'
import { translate, type Params } from '../../../src-renderer/src/lib/i18n/translate'

const tr = (locale: Locale) => (key: MessageKey, params?: Params) => translate(locale, key, params)
const chinese = /[\u4e00-\u9fff]/

/** The host's source, read as text (Vite's glob; the simulator lives in tools/, not the host). */
const hostSources = import.meta.glob<string>('/src-main/**/*.ts', { query: '?raw', import: 'default', eager: true })

/** The text of a call from its opening parenthesis to the matching one, skipping string literals. */
function callText(src: string, open: number): string {
  let depth = 0
  for (let i = open; i < src.length; i++) {
    const c = src[i]!
    if (c === "'" || c === '"' || c === '`') {
      const end = src.indexOf(c, i + 1)
      i = end < 0 ? src.length : end
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return src.slice(open, i + 1)
  }
  return src.slice(open)
}

/**
 * Every (code, reason) the host can send, read from its source: the calls that build an AppError
 * (fail(…), appError(…)) with their `reason`, the transport kinds of TimApiError, and the API codes
 * the host tests for by number.
 */
function hostErrors(): { code: string | number; reason?: string; where: string }[] {
  const out: { code: string | number; reason?: string; where: string }[] = []
  for (const [file, src] of Object.entries(hostSources)) {
    for (const m of src.matchAll(/\b(?:fail|appError)(?:<[^>(]*>)?(\()\s*'([A-Z_]+)'/g)) {
      const call = callText(src, m.index! + m[0].indexOf('('))
      const reason = /reason: '(\w+)'/.exec(call)?.[1]
      out.push({ code: m[2]!, ...(reason ? { reason } : {}), where: file })
    }
    for (const m of src.matchAll(/new TimApiError\([^,]+,\s*'([A-Z_]+)'/g)) out.push({ code: m[1]!, where: file })
    for (const m of src.matchAll(/\.code === (\d{5})\b|\[(\d{5}(?:, \d{5})*)\]\.includes/g)) {
      for (const n of (m[1] ?? m[2]!).split(', ')) out.push({ code: Number(n), where: file })
    }
  }
  const kinds = /readonly code: number \| ([^,\n]+),/.exec(hostSources['/src-main/tim/errors.ts']!)![1]!
  for (const k of kinds.matchAll(/'([A-Z_]+)'/g)) out.push({ code: k[1]!, where: 'src-main/tim/errors.ts' })
  return out
}

describe('every error the host can send has a wording in both languages', () => {
  const found = hostErrors()

  it('finds the host’s errors in its source', () => {
    const codes = new Set(found.map((e) => e.code))
    for (const c of [
      'NETWORK',
      'TIMEOUT',
      'HTTP',
      'BAD_BODY',
      'INVALID',
      'NOT_CONNECTED',
      'BUSY',
      'CANCELLED',
      'INTERNAL',
      'STORE',
      'SECRET_STORE',
      'EXPORT',
      'NO_HISTORY',
      'NOT_FOUND',
      10007,
      10010,
      10015,
      70001,
      70009
    ]) {
      expect(codes, String(c)).toContain(c)
    }
  })

  it.each(found.map((e) => [`${e.code}${e.reason ? `.${e.reason}` : ''}`, e] as const))('%s', (_name, e) => {
    const key = errorKey(e.code, e.reason)
    expect(key, `${e.where} sends ${e.code} ${e.reason ?? ''} with no wording`).not.toBeNull()
    if (e.reason) expect(key).toBe(`err.${e.code}.${e.reason}`)
    expect(zh[key!]).toMatch(chinese)
    expect(en[key!]).toBeTruthy()
  })

  it('for every API code the app knows', () => {
    for (const code of Object.keys(errorCodes)) {
      const key = `api.${code}` as MessageKey
      expect(zh[key], code).toMatch(chinese)
      expect(en[key], code).toBe(errorCodes[Number(code)]!.meaning)
    }
  })
})

describe('describeError', () => {
  const wrongKey = {
    code: 70009,
    message: 'Could not connect: get_appid_group_list: error 70009 (signature check failed: …); server said: Err_TLS_Sig_Verify_Failed',
    params: { command: 'get_appid_group_list' },
    detail: 'Err_TLS_Sig_Verify_Failed'
  }

  it('words an API code in Chinese and keeps the server’s own text, untranslated, as the detail', () => {
    expect(describeError(wrongKey, tr('zh-CN'))).toEqual({
      text: '签名校验失败：密钥错误，或属于另一个 SDKAppID（错误码 70009）',
      detail: 'get_appid_group_list: Err_TLS_Sig_Verify_Failed'
    })
    expect(describeError(wrongKey, tr('en')).text).toBe('Signature check failed: the secret key is wrong or belongs to another SDKAppID (error 70009)')
  })

  it('fills a kind’s params, and picks the case named by its reason', () => {
    const other = {
      code: 'NOT_CONNECTED',
      message: 'This archive belongs…',
      params: { reason: 'otherWorkspace', wanted: '1400000001@singapore', connected: '1400000002@china' }
    }
    expect(describeError(other, tr('zh-CN')).text).toBe(
      '此归档属于工作区 1400000001@singapore，但当前连接的是 1400000002@china。请连接 1400000001@singapore 后再同步。'
    )
    expect(describeError(other, tr('zh-CN')).detail).toBeUndefined()
    expect(
      describeError(
        { code: 'NETWORK', message: 'get_appid_group_list: network error: …', params: { command: 'get_appid_group_list', retried: 1 }, detail: 'ECONNREFUSED' },
        tr('zh-CN')
      )
    ).toEqual({
      text: '无法连接 IM 服务器。请检查网络以及地域或接入地址。 已多次重试，仍未成功。',
      detail: 'get_appid_group_list: ECONNREFUSED'
    })
  })

  it('words an error an older archive recorded (no params) and keeps its English sentence as the detail', () => {
    const old = { code: 10010, message: 'group_msg_get_simple: error 10010 (the group does not exist or has been dismissed)' }
    expect(describeError(old, tr('zh-CN'))).toEqual({ text: '群组不存在或已解散（错误码 10010）', detail: old.message })
  })

  it('says plainly when it does not know a code, with the host’s sentence in the details', () => {
    expect(describeError({ code: 12345, message: 'x: error 12345 (unknown error code)' }, tr('zh-CN'))).toEqual({
      text: 'IM 服务器以错误码 12345 拒绝了请求，本应用不认识该错误码。',
      detail: 'x: error 12345 (unknown error code)'
    })
    expect(describeError({ code: 'NEW_KIND', message: 'Something new' }, tr('zh-CN'))).toEqual({ text: '错误 NEW_KIND。', detail: 'Something new' })
    expect(describeError({ code: 'BUSY', message: 'Busy with a new thing', params: { reason: 'newThing' } }, tr('zh-CN'))).toEqual({
      text: '宿主进程正忙于之前的请求。',
      detail: 'Busy with a new thing'
    })
  })

  it('shows the page’s own strings and code-less failures as they are', () => {
    expect(describeError({ message: 'x', key: 'sync.busy' }, tr('zh-CN')).text).toBe(zh['sync.busy'])
    expect(describeError({ message: 'The tim-archive server does not answer' }, tr('zh-CN'))).toEqual({ text: 'The tim-archive server does not answer' })
  })
})

describe('an error arriving from the host is cut to the AppError shape', () => {
  it('keeps code, message, flat params and detail; drops the rest', () => {
    const e = toAppError({
      code: 70009,
      message: 'm',
      params: { command: 'c', n: 2, nested: { x: 1 }, list: [1], __proto__: 'x' },
      detail: 'd',
      html: '<img src=x onerror=alert(1)>'
    })
    expect(e).toEqual({ code: 70009, message: 'm', params: { command: 'c', n: 2 }, detail: 'd' })
  })

  it('turns anything malformed into INTERNAL with bounded text', () => {
    expect(toAppError(null)).toEqual({ code: 'INTERNAL', message: 'Unknown error' })
    expect(toAppError({ code: { evil: true }, message: 7 })).toEqual({ code: 'INTERNAL', message: 'Unknown error' })
    expect(toAppError({ code: 'X', message: 'y'.repeat(10_000) }).message.length).toBeLessThanOrEqual(4000)
    expect(toAppError({ code: 1.5, message: 'm' }).code).toBe('INTERNAL')
  })
})
