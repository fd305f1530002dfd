/**
 * `from:` by name (issue 18 §1): a `from:` value (or the sender filter) that is a name any person
 * of the groups in scope ever had stands for those people's accounts too. A name matches when it
 * equals the value or one of its words does, compared as search compares text (normalize: case,
 * width and invisible characters do not matter). The account itself still matches as before.
 *
 * The app (search, the sender filter) and the CLI (`export --query`, with the context file's people)
 * use this one rule.
 *
 * Names belong to a group; the query's accounts do not: a name that one group's member had brings
 * in that account in every group searched (rare, and the results show each message's own name).
 */
import { normalize } from './normalize'
import type { Clause, Query } from './query'
import type { Person } from '../people'

/** Whether a (normalized) value names this person: a whole name or one of its words. */
export function namesPerson(p: Person, value: string): boolean {
  for (const s of p.history) {
    for (const raw of [s.nameCard, s.nick]) {
      if (!raw) continue
      const n = normalize(raw)
      if (n === value || n.split(' ').includes(value)) return true
    }
  }
  return false
}

/** Normalized accounts named by a (normalized) value. */
export function accountsNamedBy(people: readonly Person[], value: string): string[] {
  const out = new Set<string>()
  if (value) for (const p of people) if (namesPerson(p, value)) out.add(normalize(p.account))
  return [...out]
}

/**
 * The query with every `from:` clause joined by the accounts its value names (positive ones: any
 * of them, as repeated `from:` means; negated ones: none of them), and the sender filter's accounts.
 */
export function expandNames(query: Query, people: readonly Person[], sender: string): { query: Query; senders: string[] } {
  const clauses: Clause[] = []
  for (const c of query.clauses) {
    clauses.push(c)
    if (c.kind !== 'from') continue
    for (const a of accountsNamedBy(people, c.value)) if (a !== c.value) clauses.push({ ...c, value: a })
  }
  const senders = sender ? [...new Set([sender, ...accountsNamedBy(people, sender)])] : []
  return { query: { clauses }, senders }
}
