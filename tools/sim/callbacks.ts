/**
 * The simulator's third-party callbacks (docs/reference/tencent-im-api.md §9.5): when a callback
 * URL and token are set (`--callback-url`, token in TIM_CALLBACK_TOKEN; or POST /_sim/callbacks),
 * the simulator POSTs, as Tencent IM does after the event:
 * - Group.CallbackAfterSendMsg after a message is appended (/_sim/append, appendMessages);
 * - Group.CallbackAfterModifyMsg after modify_group_msg, /_sim/edit or --edit-after;
 * - Group.CallbackAfterRecallMsg after /_sim/recall (setState … 'recalled').
 * The URL gets SdkAppid, CallbackCommand, contenttype=json, ClientIP, OptPlatform, and, as with
 * callback authentication turned on, Sign = hex sha256(token + RequestTime) and RequestTime (Unix
 * seconds). An after-callback's answer is ignored (page 269/1522); nothing documents a retry, so a
 * failed or slow receiver is counted and nothing is sent again. Loopback receivers only.
 */
import { isIP } from 'node:net'
import { callbackSign } from '../../src-main/listen/sign'

export interface CallbackTarget {
  url: string
  token: string
}

export interface CallbackStats {
  sent: number
  /** Answered HTTP 200 with ActionStatus OK. */
  ok: number
  /** Error status, ActionStatus FAIL, refused connection or timeout: ignored, as Tencent ignores it. */
  failed: number
}

/** How long the simulator waits for an answer; the documented timeout (2 s) is the before-callbacks'. */
export const callbackTimeoutMs = 2000

function loopbackHost(host: string): boolean {
  const h = host.startsWith('[') ? host.slice(1, -1) : host
  if (h === 'localhost') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  return h === '::1'
}

/** The target, checked: an http URL on a loopback host (the simulator never calls out). */
export function checkTarget(t: CallbackTarget): CallbackTarget {
  let u: URL
  try {
    u = new URL(t.url)
  } catch {
    throw new Error(`callback URL ${JSON.stringify(t.url)} is not a URL`)
  }
  if (u.protocol !== 'http:') throw new Error('callback URL must be http:// (a loopback listener)')
  if (!loopbackHost(u.hostname)) throw new Error(`callback URL must be on loopback, not ${u.hostname}`)
  if (typeof t.token !== 'string' || t.token === '' || t.token.length > 128)
    throw new Error('callback token must be 1 to 128 characters (as the console allows)')
  return t
}

export class CallbackSender {
  stats: CallbackStats = { sent: 0, ok: 0, failed: 0 }
  private target: CallbackTarget | undefined
  private readonly inflight = new Set<Promise<void>>()

  constructor(private readonly nowMs: () => number = Date.now) {}

  get enabled(): boolean {
    return this.target !== undefined
  }

  configure(target: CallbackTarget | undefined): void {
    this.target = target === undefined ? undefined : checkTarget(target)
  }

  /** POSTs one callback in the background (the event's own answer never waits for it). */
  send(sdkAppId: number, command: string, body: Record<string, unknown>, optPlatform = 'RESTAPI'): void {
    const t = this.target
    if (!t) return
    const requestTime = String(Math.floor(this.nowMs() / 1000))
    const u = new URL(t.url)
    const q = u.searchParams
    q.set('SdkAppid', String(sdkAppId))
    q.set('CallbackCommand', command)
    q.set('contenttype', 'json')
    q.set('ClientIP', '127.0.0.1')
    q.set('OptPlatform', optPlatform)
    q.set('Sign', callbackSign(t.token, requestTime))
    q.set('RequestTime', requestTime)
    this.stats.sent++
    const p = fetch(u, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ CallbackCommand: command, ...body }),
      signal: AbortSignal.timeout(callbackTimeoutMs)
    })
      .then(async (res) => {
        const text = await res.text()
        let okAnswer = false
        try {
          okAnswer = res.status === 200 && (JSON.parse(text) as { ActionStatus?: unknown }).ActionStatus === 'OK'
        } catch {
          okAnswer = false
        }
        if (okAnswer) this.stats.ok++
        else this.stats.failed++
      })
      .catch(() => {
        this.stats.failed++
      })
    this.inflight.add(p)
    void p.finally(() => this.inflight.delete(p))
  }

  /** Resolves when every callback sent so far has its answer (or failed). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
  }
}
