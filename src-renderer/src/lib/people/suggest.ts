/**
 * The search panel's sender suggestions (issue 18 §1): as the user types, the names of the people
 * of the groups in scope whose name or account contains what is typed (case-insensitive), each with
 * its account as the option's label; the search resolves a name to its accounts
 * (name-query.ts), so choosing either finds the person's messages.
 */
import { normalize } from '@shared/search/normalize'
import { shownName } from '@shared/people'
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { peopleOf } from './people-repo'

export interface SenderSuggestion {
  /** What the box gets: the person's current name, else the account. */
  value: string
  /** Shown beside it: the account. */
  label: string
}

/** Suggestions offered at most (a datalist longer than this helps nobody). */
export const maxSuggestions = 50

export async function senderSuggestions(
  gks: readonly string[],
  typed: string,
  extra: readonly string[] = [],
  database: AppDB = appDb
): Promise<SenderSuggestion[]> {
  const needle = normalize(typed)
  const out = new Map<string, SenderSuggestion>()
  const add = (value: string, label: string) => {
    if (out.size < maxSuggestions && !out.has(value)) out.set(value, { value, label })
  }
  for (const gk of gks) {
    for (const p of await peopleOf(gk, database)) {
      const name = shownName(p.history[p.history.length - 1])
      const every = p.history.flatMap((s) => [s.nameCard, s.nick]).filter((n): n is string => !!n)
      const hit = !needle || normalize(p.account).includes(needle) || every.some((n) => normalize(n).includes(needle))
      if (hit) add(name ?? p.account, p.account)
    }
    if (out.size >= maxSuggestions) break
  }
  const known = new Set([...out.values()].map((o) => o.label))
  for (const a of extra) if (!known.has(a) && (!needle || normalize(a).includes(needle))) add(a, a)
  return [...out.values()].sort((a, b) => a.value.localeCompare(b.value))
}
