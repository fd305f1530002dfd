/**
 * The renderer's one door to its host. In Electron the preload exposes `window.api`; in browser
 * mode (`tim-archive serve`) the same AppApi is carried over loopback HTTP + Server-Sent
 * Events. Nothing else in the renderer knows which transport is in use.
 *
 * Browser mode authenticates with the token printed by `serve` (`?token=…` in the address). It is
 * read once, kept in sessionStorage (so a reload in the same tab still works), and removed from the
 * address bar so it does not end up in bookmarks, history or screenshots.
 */
import { toAppError } from '@shared/ipc/app-error'
import { buildApi, channels, hostEventChannels, type AppApi, type EventChannel, type InvokeChannel } from '@shared/ipc/channels'
import type { GroupProfile, Result, SyncDoneEvent } from '@shared/ipc/contract'
import { isOpenableUrl } from '@shared/links'

const tokenStorageKey = 'tim-archive.token'

/** A failure of the browser-mode transport itself (no token, server stopped), not of an API call. */
export class HostUnavailableError extends Error {
  override name = 'HostUnavailableError'
}

/**
 * Browser mode: the server refused this tab's token, or the tab has none. Each launch of the server
 * makes a new token, so this is a tab (or its reload) from an earlier launch; the page is still
 * served because the browser holds the newer launch's page cookie. The archive itself is in this
 * browser, untouched: the tab only needs the address printed in the terminal.
 */
export class StaleLaunchError extends HostUnavailableError {
  override name = 'StaleLaunchError'
  constructor(readonly reason: 'refused' | 'missing') {
    super(reason === 'missing' ? 'This page has no access token.' : 'The access token of this tab was refused.')
  }
}

let staleReason: StaleLaunchError['reason'] | null = null
const staleListeners = new Set<(reason: StaleLaunchError['reason']) => void>()

/** Calls `listener` once this tab is known to belong to an earlier launch (at once if it is). */
export function onStaleLaunch(listener: (reason: StaleLaunchError['reason']) => void): () => void {
  if (staleReason) listener(staleReason)
  staleListeners.add(listener)
  return () => staleListeners.delete(listener)
}

function staleLaunch(reason: StaleLaunchError['reason']): StaleLaunchError {
  if (!staleReason) {
    staleReason = reason
    for (const l of staleListeners) l(reason)
  }
  return new StaleLaunchError(reason)
}

function takeToken(): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    try {
      sessionStorage.setItem(tokenStorageKey, fromUrl)
    } catch {
      // Storage disabled: the token still works for this page load.
    }
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  try {
    return sessionStorage.getItem(tokenStorageKey)
  } catch {
    return null
  }
}

function createWebApi(): AppApi {
  const token = takeToken()

  async function call<T>(channel: InvokeChannel, args: unknown[]): Promise<T> {
    if (!token) throw staleLaunch('missing')
    let res: Response
    try {
      res = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ args })
      })
    } catch (e) {
      throw new HostUnavailableError(`The TIM Archive server does not answer (${(e as Error).message}). Is it still running in its terminal?`)
    }
    // The server refuses a wrong token with 401, and a page or request it does not recognize with
    // 403: either way this tab's token is not the running launch's.
    if (res.status === 401 || res.status === 403) throw staleLaunch('refused')
    if (!res.ok) {
      const text = await res.text().catch(() => '')
      throw new Error(`The server answered HTTP ${res.status} to ${channel}${text ? `: ${text.slice(0, 300)}` : ''}`)
    }
    const body = (await res.json()) as { result: T }
    return body.result
  }

  const listeners = new Map<EventChannel, Set<(data: unknown) => void>>()
  let source: EventSource | null = null

  function subscribe(channel: EventChannel, listener: (e: unknown) => void): () => void {
    // Browser mode has no shell (no tray): nothing sends its events.
    if (!(hostEventChannels as readonly string[]).includes(channel)) return () => {}
    let set = listeners.get(channel)
    if (!set) {
      set = new Set()
      listeners.set(channel, set)
    }
    set.add(listener)
    if (!source && token) {
      // EventSource cannot send headers: the token goes in the query (loopback only).
      source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
      // A refused reconnect (the server was restarted: a new token) closes the stream for good and
      // says nothing about why; one call tells a restart (401) from a stopped server.
      source.addEventListener('error', () => {
        if (source?.readyState === EventSource.CLOSED) void call(channels.appInfo, []).catch(() => undefined)
      })
      for (const ch of hostEventChannels) {
        source.addEventListener(ch, (ev) => {
          let data: unknown
          try {
            data = JSON.parse((ev as MessageEvent<string>).data)
          } catch {
            console.error(`Malformed ${ch} event from the server`)
            return
          }
          for (const l of listeners.get(ch) ?? []) l(data)
        })
      }
    }
    return () => {
      set.delete(listener)
    }
  }

  const api = buildApi(call, subscribe)
  return {
    ...api,
    link: {
      // The page opens the tab itself, with no opener (the new page cannot reach this one) and no
      // referrer (the site does not learn the archive's address and token-free path). No host call.
      open: async (url) => {
        if (!isOpenableUrl(url)) return { ok: false, error: { code: 'INVALID', message: 'Only http, https and mailto links are opened' } }
        window.open(url, '_blank', 'noopener,noreferrer')
        return { ok: true, value: null }
      }
    }
  }
}

function pick(): AppApi {
  if (typeof window !== 'undefined' && window.api) return window.api
  if (typeof window === 'undefined') {
    // Unit tests (node) import modules that import this one without calling it.
    return new Proxy({} as AppApi, {
      get() {
        throw new HostUnavailableError('No host: the renderer API is not available here.')
      }
    })
  }
  return createWebApi()
}

/**
 * The errors the host sends, from either transport, checked on arrival: the page words them from
 * their code and params and shows their detail as text, so each is cut to the AppError shape
 * (shared/ipc/app-error.ts) before anything reads it.
 */
function checkResult<T>(r: Result<T>): Result<T> {
  if (r && typeof r === 'object' && r.ok === false) return { ok: false, error: toAppError(r.error) }
  return r
}

function checkProfiles(r: Result<GroupProfile[]>): Result<GroupProfile[]> {
  const c = checkResult(r)
  if (!c.ok || !Array.isArray(c.value)) return c
  return { ok: true, value: c.value.map((p) => (p && p.problem !== undefined ? { ...p, problem: toAppError(p.problem) } : p)) }
}

function checkDone(e: SyncDoneEvent): SyncDoneEvent {
  if (!Array.isArray(e?.groups)) return e
  return { ...e, groups: e.groups.map((g) => (g && g.error !== undefined ? { ...g, error: toAppError(g.error) } : g)) }
}

/**
 * `inner` with every answer checked: any Result's error, the profiles' problems, sync:done's group
 * errors. A proxy over empty objects, so methods added to the contract later are checked too, and
 * nothing is read from `inner` before a call (in unit tests it is a proxy that throws on access).
 */
function checked(inner: AppApi): AppApi {
  return new Proxy({} as AppApi, {
    get(_, domain) {
      return new Proxy(
        {},
        {
          get(__, name) {
            const target = Reflect.get(inner, domain) as Record<PropertyKey, unknown>
            const f = Reflect.get(target, name) as unknown
            if (typeof f !== 'function') return f
            if (domain === 'sync' && name === 'onDone') {
              return (l: (e: SyncDoneEvent) => void) => f.call(target, (e: SyncDoneEvent) => l(checkDone(e)))
            }
            // Subscriptions answer their unsubscribe function at once.
            if (typeof name === 'string' && name.startsWith('on')) return f.bind(target)
            const profiles = domain === 'groups' && (name === 'discover' || name === 'lookup')
            return async (...args: unknown[]) => {
              const r = (await f.apply(target, args)) as unknown
              if (profiles) return checkProfiles(r as Result<GroupProfile[]>)
              return r && typeof r === 'object' && 'ok' in r ? checkResult(r as Result<unknown>) : r
            }
          }
        }
      )
    }
  })
}

export const api: AppApi = checked(pick())

const sha256Pattern = /^[0-9a-f]{64}$/

/**
 * Where the page loads a stored media object (by the SHA-256 media.lookup answered): the desktop
 * shell's `tim-media:` scheme (security/media-protocol.ts), or browser mode's `/media/<sha256>`
 * (web/routes/media.ts, same origin, the page cookie). The only place that knows which shell this
 * is. Anything but 64 lower-case hex digits answers '' (never a path or a URL from a message).
 */
export function mediaUrl(sha256: string): string {
  if (!sha256Pattern.test(sha256)) return ''
  const electron = typeof window !== 'undefined' && window.api !== undefined
  return electron ? `tim-media://object/${sha256}` : `/media/${sha256}`
}

/** Whether this page runs in the desktop shell (which saves files with its own dialog, media.save). */
export function isDesktopShell(): boolean {
  return typeof window !== 'undefined' && window.api !== undefined
}

/**
 * Browser mode: the address that downloads a stored object under `name` (the server sends it as
 * an attachment with a safe file name, web/routes/media.ts). '' in the desktop shell (Save… goes
 * through media.save) and for anything but a SHA-256.
 */
export function mediaDownloadUrl(sha256: string, name: string): string {
  if (!sha256Pattern.test(sha256) || isDesktopShell()) return ''
  return `/media/${sha256}?download=${encodeURIComponent(name)}`
}
