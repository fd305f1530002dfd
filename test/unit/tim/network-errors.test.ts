/**
 * How a failed connection is named once retries are used up (issue 15 item 7). The DNS case is
 * injected here, at the classification, so no test ever looks up a real name: the error objects
 * are shaped as Node's fetch (undici) and ky hand them over.
 */
import { describe, expect, it } from 'vitest'
import { describeFailure } from '../../../src-main/cli/pull'
import { TimApiError, describeNetworkFailure } from '../../../src-main/tim/errors'

/** ky's NetworkError → fetch's TypeError("fetch failed") → the system error. */
function fetchFailed(system: Record<string, unknown>): Error {
  const sys = Object.assign(new Error(String(system.message ?? system.code)), system)
  const typeError = new TypeError('fetch failed', { cause: sys })
  return Object.assign(new Error('Request failed due to a network error: POST https://console.tim.qq.com/v4/…'), { name: 'NetworkError', cause: typeError })
}

describe('a connection that failed', () => {
  it('names a name that does not resolve, and the host', () => {
    const e = fetchFailed({ code: 'ENOTFOUND', hostname: 'console.tim.qq.com', syscall: 'getaddrinfo', message: 'getaddrinfo ENOTFOUND console.tim.qq.com' })
    expect(describeNetworkFailure(e, 'https://console.tim.qq.com')).toEqual({
      info: 'could not resolve console.tim.qq.com (ENOTFOUND)',
      code: 'ENOTFOUND',
      unreachable: 'dns'
    })
    expect(describeNetworkFailure(fetchFailed({ code: 'EAI_AGAIN' }), 'https://adminapisgp.im.qcloud.com').info).toBe(
      'could not resolve adminapisgp.im.qcloud.com (EAI_AGAIN)'
    )
  })

  it('names a refused connection with the address and port, also inside an AggregateError', () => {
    expect(describeNetworkFailure(fetchFailed({ code: 'ECONNREFUSED', address: '127.0.0.1', port: 5080 }), 'http://127.0.0.1:5080').info).toBe(
      'connection refused by 127.0.0.1:5080'
    )
    const both = new AggregateError(
      [Object.assign(new Error('connect ECONNREFUSED ::1:5080'), { code: 'ECONNREFUSED', address: '::1', port: 5080 })],
      'connect failed'
    )
    Object.assign(both, { code: 'ECONNREFUSED' })
    const r = describeNetworkFailure(new TypeError('fetch failed', { cause: both }), 'http://localhost:5080')
    expect(r).toMatchObject({ info: 'connection refused by localhost:5080', unreachable: 'refused' })
  })

  it('names other network errors with the host and the system code, without calling them unreachable', () => {
    expect(describeNetworkFailure(fetchFailed({ code: 'ECONNRESET' }), 'https://console.tim.qq.com')).toEqual({
      info: 'network error talking to console.tim.qq.com: ECONNRESET',
      code: 'ECONNRESET'
    })
  })

  it('pull never calls a DNS failure or a refused connection temporary once retries are used up', () => {
    const cases = [
      [{ code: 'ENOTFOUND' }, 'https://tim.example.invalid', 'could not resolve tim.example.invalid (ENOTFOUND)'],
      [{ code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 }, 'http://127.0.0.1:9', 'connection refused by 127.0.0.1:9']
    ] as const
    for (const [sys, url, what] of cases) {
      const { info, unreachable } = describeNetworkFailure(fetchFailed(sys), url)
      const line = describeFailure(new TimApiError('get_group_info', 'NETWORK', info, true, { unreachable: unreachable! }))
      expect(line).not.toMatch(/temporary/)
      expect(line).toBe(`get_group_info: ${what} (gave up after retries) — check TIM_REGION or TIM_ENDPOINT, and that this machine can reach that host`)
    }
    // A reset or a timeout may well pass: that one is still worth running again.
    const reset = new TimApiError(
      'group_msg_get_simple',
      'NETWORK',
      describeNetworkFailure(fetchFailed({ code: 'ECONNRESET' }), 'https://x.example').info,
      true
    )
    expect(describeFailure(reset)).toMatch(/a temporary problem: run again to resume$/)
  })
})
