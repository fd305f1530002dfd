/**
 * The renderer's one door to its host. In Electron the preload exposes `window.api`; in browser
 * mode (`tim-archive serve`) the same PreloadApi is carried over loopback HTTP + Server-Sent
 * Events. Nothing else in the renderer knows which transport is in use.
 *
 * Browser mode authenticates with the token printed by `serve` (`?token=…` in the address). It is
 * read once, kept in sessionStorage (so a reload in the same tab still works), and removed from the
 * address bar so it does not end up in bookmarks, history or screenshots.
 */
import {
  channels,
  type PreloadApi,
  type SyncBatchEvent,
  type SyncDoneEvent,
  type SyncProgressEvent
} from '@shared/ipc/contract'
import { isOpenableUrl } from '@shared/links'

const tokenStorageKey = 'tim-archive.token'

/** A failure of the browser-mode transport itself (no token, server stopped), not of an API call. */
export class HostUnavailableError extends Error {
  override name = 'HostUnavailableError'
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

type EventChannel = typeof channels.syncBatch | typeof channels.syncProgress | typeof channels.syncDone

function createWebApi(): PreloadApi {
  const token = takeToken()
  const noToken =
    'This page has no access token. Open the address that `tim-archive serve` printed (it ends with ?token=…).'

  async function call<T>(channel: string, ...args: unknown[]): Promise<T> {
    if (!token) throw new HostUnavailableError(noToken)
    let res: Response
    try {
      res = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ args })
      })
    } catch (e) {
      throw new HostUnavailableError(
        `The tim-archive server does not answer (${(e as Error).message}). Is \`tim-archive serve\` still running?`
      )
    }
    if (res.status === 401 || res.status === 403) {
      throw new HostUnavailableError(
        'The access token was refused. Open the address that `tim-archive serve` printed most recently.'
      )
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '')
      throw new Error(`The server answered HTTP ${res.status} to ${channel}${text ? `: ${text.slice(0, 300)}` : ''}`)
    }
    const body = (await res.json()) as { result: T }
    return body.result
  }

  const listeners = new Map<EventChannel, Set<(data: unknown) => void>>()
  let source: EventSource | null = null

  function subscribe<T>(channel: EventChannel, listener: (e: T) => void): () => void {
    let set = listeners.get(channel)
    if (!set) {
      set = new Set()
      listeners.set(channel, set)
    }
    const wrapped = listener as (data: unknown) => void
    set.add(wrapped)
    if (!source && token) {
      // EventSource cannot send headers: the token goes in the query (loopback only).
      source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
      for (const ch of [channels.syncBatch, channels.syncProgress, channels.syncDone] as const) {
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
      set.delete(wrapped)
    }
  }

  return {
    app: {
      info: () => call(channels.appInfo),
      setStatus: (status) => call(channels.appSetStatus, status),
      // Browser mode has no tray: nothing sends commands.
      onCommand: () => () => {}
    },
    workspace: {
      current: () => call(channels.workspaceCurrent),
      test: (input) => call(channels.workspaceTest, input),
      connect: (input) => call(channels.workspaceConnect, input),
      forget: () => call(channels.workspaceForget)
    },
    groups: {
      discover: () => call(channels.groupsDiscover),
      lookup: (groupIds) => call(channels.groupsLookup, groupIds)
    },
    sync: {
      start: (input) => call(channels.syncStart, input),
      cancel: (runId) => call(channels.syncCancel, runId),
      ack: (runId, batchIds, error) =>
        error === undefined ? call(channels.syncAck, runId, batchIds) : call(channels.syncAck, runId, batchIds, error),
      onBatch: (l) => subscribe<SyncBatchEvent>(channels.syncBatch, l),
      onProgress: (l) => subscribe<SyncProgressEvent>(channels.syncProgress, l),
      onDone: (l) => subscribe<SyncDoneEvent>(channels.syncDone, l)
    },
    export: {
      start: (input) => call(channels.exportStart, input),
      write: (exportId, messages) => call(channels.exportWrite, exportId, messages),
      finish: (exportId) => call(channels.exportFinish, exportId),
      cancel: (exportId) => call(channels.exportCancel, exportId)
    },
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

function pick(): PreloadApi {
  if (typeof window !== 'undefined' && window.api) return window.api
  if (typeof window === 'undefined') {
    // Unit tests (node) import modules that import this one without calling it.
    return new Proxy({} as PreloadApi, {
      get() {
        throw new HostUnavailableError('No host: the renderer API is not available here.')
      }
    })
  }
  return createWebApi()
}

export const api: PreloadApi = pick()
