/**
 * What the host recorded for the media objects the page shows (media.lookup), kept per
 * (group, key) and refreshed when the host says outcomes changed (media.onChanged).
 *
 * Components ask with `want(groupId, keys)` (in an effect: visible messages only, since the
 * timeline is virtualized) and read `statusOf(groupId, key)` (reactive). Requests made in the same
 * tick are batched into one lookup per group, at most maxMediaLookupKeys keys a call.
 */
import { SvelteMap } from 'svelte/reactivity'
import { maxMediaLookupKeys, type MediaStatus } from '@shared/ipc/contract'
import { api } from '@renderer/lib/ipc/api'

const statuses = new SvelteMap<string, MediaStatus>()
/** Keys asked for at least once (refreshed on media.onChanged). */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
const known = new Set<string>()
/** Keys waiting for the next lookup, per group. */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
const queued = new Map<string, Set<string>>()
let scheduled = false
let subscribed = false

function id(groupId: string, key: string): string {
  return `${groupId}\u0000${key}`
}

/** The recorded outcome, or undefined until the first lookup answered. */
export function statusOf(groupId: string, key: string): MediaStatus | undefined {
  return statuses.get(id(groupId, key))
}

/** Asks for these keys' outcomes (once each; later changes arrive through media.onChanged). */
export function want(groupId: string, keys: readonly string[]): void {
  subscribe()
  for (const k of keys) {
    const i = id(groupId, k)
    if (known.has(i)) continue
    known.add(i)
    enqueue(groupId, k)
  }
}

function enqueue(groupId: string, key: string): void {
  let q = queued.get(groupId)
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  if (!q) queued.set(groupId, (q = new Set()))
  q.add(key)
  if (scheduled) return
  scheduled = true
  setTimeout(() => {
    scheduled = false
    void flush()
  }, 16)
}

async function flush(): Promise<void> {
  const work = [...queued.entries()]
  queued.clear()
  for (const [groupId, set] of work) {
    const keys = [...set]
    for (let i = 0; i < keys.length; i += maxMediaLookupKeys) {
      const chunk = keys.slice(i, i + maxMediaLookupKeys)
      try {
        const answer = await api.media.lookup(groupId, chunk)
        for (const k of chunk) {
          const s = answer?.[k]
          if (s && typeof s === 'object' && typeof s.status === 'string') statuses.set(id(groupId, k), s)
        }
      } catch (e) {
        // No host (or an old one): the placeholders stay; the next change event asks again.
        for (const k of chunk) known.delete(id(groupId, k))
        console.warn('media.lookup failed', e)
      }
    }
  }
}

function subscribe(): void {
  if (subscribed) return
  subscribed = true
  try {
    api.media.onChanged((e) => {
      if (!e || typeof e.groupId !== 'string' || !Array.isArray(e.keys)) return
      for (const k of e.keys) if (typeof k === 'string' && known.has(id(e.groupId, k))) enqueue(e.groupId, k)
    })
  } catch (e) {
    console.warn('media.onChanged is not available', e)
  }
}

/** The group whose messages a component shows (set by Message.svelte for its body). */
export const mediaGroupContext = Symbol('media-group')
export type MediaGroupGetter = () => string | undefined
