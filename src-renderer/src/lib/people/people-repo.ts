/**
 * The people table (app-db.ts v8): a group's senders with every name the archive has seen
 * (shared/people.ts). Written from `people.resolve` answers with notePerson, so a rename adds a
 * sighting and the old name stays for the messages sent before it.
 */
import Dexie from 'dexie'
import type { PeopleResolved } from '@shared/ipc/contract'
import { notePerson, sighting, type Person } from '@shared/people'
import { db as appDb, type AppDB, type PersonRow } from '@renderer/lib/db/app-db'
import { groupIdOf } from '@renderer/lib/db/group-key'

/** Stores an answer of people.resolve for the group `gk`; answers the people that changed. */
export async function notePeople(gk: string, answer: PeopleResolved, database: AppDB = appDb): Promise<PersonRow[]> {
  const groupId = groupIdOf(gk)
  const changed: PersonRow[] = []
  await database.transaction('rw', database.people, async () => {
    const keys = answer.people.map((p) => [gk, p.account] as [string, string])
    const rows = await database.people.bulkGet(keys)
    for (let i = 0; i < answer.people.length; i++) {
      const p = answer.people[i]!
      const prev = rows[i]
      const s = sighting(answer.seenAt, { nick: p.nick, nameCard: p.nameCard, avatar: p.avatar })
      const next = notePerson(prev, groupId, p.account, s, p.member)
      if (next !== prev) changed.push({ ...next, gk })
    }
    if (changed.length) await database.people.bulkPut(changed)
  })
  return changed
}

/** Every person of a group. */
export async function peopleOf(gk: string, database: AppDB = appDb): Promise<PersonRow[]> {
  return database.people.where('[gk+account]').between([gk, Dexie.minKey], [gk, Dexie.maxKey]).toArray()
}

/** These people of a group (absent ones are not in the answer). */
export async function peopleByAccount(gk: string, accounts: readonly string[], database: AppDB = appDb): Promise<PersonRow[]> {
  const rows = await database.people.bulkGet(accounts.map((a) => [gk, a] as [string, string]))
  return rows.filter((r): r is PersonRow => !!r)
}

/** Accounts of a group any of whose known names contains `needle` (case-insensitive), or that equal it. */
export async function accountsNamed(gk: string | undefined, needle: string, database: AppDB = appDb): Promise<Map<string, Set<string>>> {
  const n = needle.toLowerCase()
  const rows = gk ? await peopleOf(gk, database) : await database.people.toArray()
  const out = new Map<string, Set<string>>()
  for (const r of rows) {
    if (!matchesName(r, n)) continue
    let s = out.get(r.gk)
    if (!s) out.set(r.gk, (s = new Set()))
    s.add(r.account)
  }
  return out
}

/** Whether any name the person ever had contains the (lower-cased) needle. */
export function matchesName(p: Person, lowerNeedle: string): boolean {
  return p.history.some((s) => (s.nick ?? '').toLowerCase().includes(lowerNeedle) || (s.nameCard ?? '').toLowerCase().includes(lowerNeedle))
}
