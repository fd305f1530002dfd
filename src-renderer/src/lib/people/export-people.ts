/**
 * The names an export carries (issue 18 §1): the exported groups' people, each sighting reduced to
 * the name TUIKit shows (name card, else nickname), for export.start's `people`. The host writes
 * "name (account)" with the name in force at each message's time (services/export-host.ts).
 * Bounded: at most maxExportPeople people and about `budgetChars` of JSON (browser mode's requests
 * are at most 1 MiB); past that, the rest of the senders are exported by account as before.
 */
import { maxExportPeople, type ExportPerson } from '@shared/ipc/contract'
import { shownName } from '@shared/people'
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { unitOfKey } from '@renderer/lib/db/group-key'
import { peopleOf } from './people-repo'

export async function exportPeople(gks: readonly string[], budgetChars = 600_000, database: AppDB = appDb): Promise<ExportPerson[]> {
  const out: ExportPerson[] = []
  let chars = 0
  // A Community topic's people are its group's (records carry the group's GroupId): once per group.
  const seen = new Set<string>()
  for (const gk of gks) {
    const { groupId } = unitOfKey(gk)
    for (const p of await peopleOf(gk, database)) {
      if (seen.has(`${groupId}\u0000${p.account}`)) continue
      seen.add(`${groupId}\u0000${p.account}`)
      const names: [number, string][] = []
      for (const s of p.history) {
        const n = shownName(s)
        if (n && names[names.length - 1]?.[1] !== n) names.push([s.seenAt, n])
      }
      if (!names.length) continue
      const person: ExportPerson = { groupId, account: p.account, names }
      const size = JSON.stringify(person).length
      if (out.length >= maxExportPeople || chars + size > budgetChars) return out
      chars += size
      out.push(person)
    }
  }
  return out
}
