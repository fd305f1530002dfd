/**
 * The people the page shows (issue 18 §1), kept per (group key, account) and read from the people
 * table (people-repo.ts), like lib/media/media-status.svelte.ts for media.
 *
 * Components ask with `want(gk, accounts)` (visible rows only: requests of one tick are batched
 * into one read per group) and read `nameOf(gk, account, timeMs)` (reactive): the name in force at
 * the message's time where the archive knows it, else the current one, else the account ID
 * (shared/people.ts nameAt). `resolveGroups` asks the host for fresh names after a sync
 * (people.resolve) and stores them; the cache follows.
 */
import Dexie from 'dexie'
import { SvelteMap, SvelteSet } from 'svelte/reactivity'
import { maxPeopleAccounts, type PeopleResolved, type Result } from '@shared/ipc/contract'
import { avatarAt, nameAt, type Person } from '@shared/people'
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { mentionNames as namesForMentions } from '@shared/tuikit/mentions'
import { unitOfKey } from '@renderer/lib/db/group-key'
import { notePeople, peopleByAccount, peopleOf } from './people-repo'

const people = new SvelteMap<string, Person>()
/** Accounts read at least once (a later store write refreshes them through `noteRows`). */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
const known = new Set<string>()
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
const queued = new Map<string, Set<string>>()
let scheduled = false
let database: AppDB = appDb

function id(gk: string, account: string): string {
  return `${gk}\u0000${account}`
}

/** Tests: read from another database and forget what was cached. */
export function usePeopleDb(d: AppDB): void {
  database = d
  people.clear()
  mentionLists.clear()
  known.clear()
  queued.clear()
}

/** The person behind an account of a group, once read (undefined: not read yet, or never resolved). */
export function personOf(gk: string, account: string): Person | undefined {
  return people.get(id(gk, account))
}

/** The name to show for `account`'s message sent at `timeMs` (ms); the account ID when no name is known. */
export function nameOf(gk: string, account: string, timeMs: number = Number.MAX_SAFE_INTEGER): string {
  return nameAt(people.get(id(gk, account)), account, timeMs).name
}

/** The current name of an account, or undefined when the archive knows none. */
export function currentName(gk: string, account: string): string | undefined {
  const p = people.get(id(gk, account))
  const n = nameAt(p, account, Number.MAX_SAFE_INTEGER)
  return p && n.name !== account ? n.current : undefined
}

/** The avatar URL in force at `timeMs` (the media store keeps its bytes: lib/media). */
export function avatarOf(gk: string, account: string, timeMs: number = Number.MAX_SAFE_INTEGER): string | undefined {
  return avatarAt(people.get(id(gk, account)), timeMs)
}

/** Reads these accounts' people from the store (once each; batched per tick). */
export function want(gk: string, accounts: readonly string[]): void {
  for (const a of accounts) {
    if (typeof a !== 'string' || a === '') continue
    const i = id(gk, a)
    if (known.has(i)) continue
    known.add(i)
    let q = queued.get(gk)
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
    if (!q) queued.set(gk, (q = new Set()))
    q.add(a)
  }
  if (scheduled || queued.size === 0) return
  scheduled = true
  setTimeout(() => {
    scheduled = false
    void flush()
  }, 0)
}

/** Resolves when what was asked so far is read (tests, and callers that need names now). */
export async function flush(): Promise<void> {
  const work = [...queued.entries()]
  queued.clear()
  for (const [gk, set] of work) {
    try {
      noteRows(await peopleByAccount(gk, [...set], database))
    } catch (e) {
      for (const a of set) known.delete(id(gk, a))
      console.warn('could not read people', e)
    }
  }
}

/** Every person of a group, read into the cache (the search panel's name suggestions). */
export async function loadGroup(gk: string): Promise<Person[]> {
  const rows = await peopleOf(gk, database)
  noteRows(rows)
  for (const r of rows) known.add(id(r.gk, r.account))
  return rows
}

/** Each group's known names for its mentions, longest first (shared/tuikit/mentions.ts), once read. */
const mentionLists = new SvelteMap<string, readonly string[]>()

/**
 * The names a group's @mentions can carry (every nickname and name card of its people), so that
 * `@Alice Wang` is highlighted whole; empty until `loadMentionNames(gk)` has read them.
 */
export function mentionNames(gk: string): readonly string[] {
  return mentionLists.get(gk) ?? []
}

/** Reads a group's people and keeps their names for its mentions (again after names change). */
export async function loadMentionNames(gk: string): Promise<readonly string[]> {
  const list = namesForMentions(await loadGroup(gk))
  mentionLists.set(gk, list)
  return list
}

function noteRows(rows: readonly (Person & { gk: string })[]): void {
  for (const r of rows) {
    const { gk, ...p } = r
    people.set(id(gk, r.account), p)
  }
}

/** What resolving needs of the host (api.people; tests pass their own). */
export interface PeopleHost {
  resolve(groupId: string, accounts: string[], groupType?: string): Promise<Result<PeopleResolved>>
}

/** The senders of a group as the store counts them (the charts' per-sender rows, db/activity.ts). */
export async function sendersOf(gk: string, d: AppDB = database): Promise<string[]> {
  const keys = await d.activity.where('[gk+kind+key]').between([gk, 's', Dexie.minKey], [gk, 's', Dexie.maxKey]).primaryKeys()
  return keys.map((k) => k[2]).filter((k): k is string => typeof k === 'string' && k !== '')
}

/**
 * Asks the host for the current names of each group's senders and stores them (a sighting only
 * where something changed). A group that fails is skipped (its old names stay); answers the first
 * error, if any, for the caller to show or log.
 */
export async function resolveGroups(gks: readonly string[], host: PeopleHost): Promise<{ resolved: number; noMemberList: string[]; error?: unknown }> {
  let resolved = 0
  let error: unknown
  // Groups the server keeps no member list for (AVChatRoom, BChatRoom: PeopleResolved.note).
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local result, never rendered
  const noMemberList = new Set<string>()
  for (const gk of gks) {
    try {
      const accounts = await sendersOf(gk)
      const type = (await database.groups.get(gk))?.profile?.type || undefined
      for (let i = 0; i < accounts.length; i += maxPeopleAccounts) {
        const r = await host.resolve(unitOfKey(gk).groupId, accounts.slice(i, i + maxPeopleAccounts), type)
        if (!r.ok) {
          error ??= r.error
          break
        }
        if (r.value.note === 'noMemberList') noMemberList.add(gk)
        noteRows(await notePeople(gk, r.value, database))
        resolved += r.value.people.length
      }
      // A timeline showing this group matches its mentions against the names just stored.
      if (mentionLists.has(gk)) await loadMentionNames(gk)
    } catch (e) {
      error ??= e
    }
  }
  return error === undefined ? { resolved, noMemberList: [...noMemberList] } : { resolved, noMemberList: [...noMemberList], error }
}

/** Group types with no member list on the server (names come from profiles only): services/people.ts. */
export const typesWithoutMemberList: readonly string[] = ['AVChatRoom', 'BChatRoom']

/**
 * "Refresh names" for one group (issue 18 §1): its senders' names asked again through
 * people.resolve, one refresh at a time, the outcome kept for the group's header to say.
 */
class NamesRefresh {
  /** The group being refreshed (at most one; a reactive set, as this module's other state). */
  private readonly active = new SvelteSet<string>()
  /** The group being refreshed, or null. */
  get running(): string | null {
    for (const gk of this.active) return gk
    return null
  }
  /** The last refresh's outcome, per group. */
  last = new SvelteMap<string, { resolved: number; noMemberList: boolean; error?: unknown }>()

  async refresh(gk: string, host: PeopleHost): Promise<void> {
    if (this.running !== null) return
    this.active.add(gk)
    try {
      const r = await resolveGroups([gk], host)
      this.last.set(gk, { resolved: r.resolved, noMemberList: r.noMemberList.includes(gk), ...(r.error !== undefined ? { error: r.error } : {}) })
      await loadMentionNames(gk).catch(() => {})
    } finally {
      this.active.delete(gk)
    }
  }
}

export const namesRefresh = new NamesRefresh()
