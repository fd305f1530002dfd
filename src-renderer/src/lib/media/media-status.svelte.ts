/**
 * What the host recorded for the media objects the page shows (media.lookup), kept per
 * (group, key) and refreshed when the host says outcomes changed (media.onChanged).
 *
 * Components ask with `want(groupId, keys)` (in an effect: visible messages only, since the
 * timeline is virtualized) and read `statusOf(groupId, key)` (reactive). Requests made in the same
 * tick are batched into one lookup per group, at most maxMediaLookupKeys keys a call.
 *
 * An imported message may carry its outcomes in `_archive.media` (written by `pull --media`):
 * Message.svelte hands them to `noteArchived`, and where the host has nothing for a key (pending),
 * the note stands in, except a `saved` note (its bytes are in the pull's media folder, not here,
 * until that folder is imported: then the host says saved itself).
 */
import { getContext } from 'svelte'
import { SvelteMap } from 'svelte/reactivity'
import { maxMediaLookupKeys, type MediaStatus } from '@shared/ipc/contract'
import { mediaInBody, type MediaRef } from '@shared/media/objects'
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

/** Outcomes an archived message carries (`_archive.media`), per (group, key): the fallback when the host has none. */
const archived = new SvelteMap<string, MediaStatus>()

/** The recorded outcome (else the message's own note), or undefined until the first lookup answered. */
export function statusOf(groupId: string, key: string): MediaStatus | undefined {
  const s = statuses.get(id(groupId, key))
  if (s && s.status !== 'pending') return s
  return archived.get(id(groupId, key)) ?? s
}

const NOTE_STATUSES = new Set(['expired', 'refused', 'failed', 'no-url'])

/** Remembers a message's `_archive.media` notes (data from a file: only the typed fields are taken). */
export function noteArchived(groupId: unknown, media: unknown): void {
  if (typeof groupId !== 'string' || !media || typeof media !== 'object' || Array.isArray(media)) return
  for (const [key, n] of Object.entries(media as Record<string, unknown>)) {
    if (!n || typeof n !== 'object') continue
    const note = n as Record<string, unknown>
    if (typeof note.status !== 'string' || !NOTE_STATUSES.has(note.status)) continue
    const s: MediaStatus = { status: note.status as MediaStatus['status'] }
    if (typeof note.reason === 'string') s.reason = note.reason
    if (typeof note.httpStatus === 'number') s.httpStatus = note.httpStatus
    if (typeof note.firstSeenAt === 'number') s.firstSeenAt = note.firstSeenAt
    const at = note.at ?? note.lastSeenAt
    if (typeof at === 'number') s.at = at
    const i = id(groupId, key)
    const had = archived.get(i)
    if (!had || JSON.stringify(had) !== JSON.stringify(s)) archived.set(i, s)
  }
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

/** The message a component belongs to (its group key and seq; set by Message.svelte): the viewer finds its place among the group's images. */
export const mediaMessageContext = Symbol('media-message')
export type MediaMessageGetter = () => { gk: string; seq: number }

/**
 * One message element's media, for the component that shows it (ImageElem, KeptMedia): its objects
 * (the same refs and keys the host recorded them under, shared/media/objects.ts), asked for once
 * the element shows, and each object's recorded outcome ('no-url' for one without a URL). Call while
 * the component initialises (it reads the message's group from the context Message.svelte sets).
 */
export function elementMedia(element: () => { MsgType: string; MsgContent: unknown }): {
  readonly refs: MediaRef[]
  readonly keys: string[]
  status(ref: MediaRef | undefined): MediaStatus | undefined
} {
  const groupOf = getContext<MediaGroupGetter | undefined>(mediaGroupContext)
  const groupId = $derived(groupOf?.())
  const refs = $derived(mediaInBody([element()]))
  const keys = $derived(refs.flatMap((r) => (r.key ? [r.key] : [])))
  $effect(() => {
    if (groupId && keys.length > 0) want(groupId, keys)
  })
  return {
    get refs() {
      return refs
    },
    get keys() {
      return keys
    },
    status(ref) {
      if (!ref) return undefined
      if (!ref.key) return { status: 'no-url' }
      return groupId ? statusOf(groupId, ref.key) : undefined
    }
  }
}
