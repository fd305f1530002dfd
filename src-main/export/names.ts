/**
 * Names in exports (issue 18 §1, §3): who sent a message, as the chat showed it at the message's
 * time, from the people an archive's context file holds (archive/context-file.ts) or the app's
 * store. The account ID is never replaced: JSON, JSON Lines and CSV keep it where it was (CSV adds
 * a `sender_name` column), HTML shows it on hover (a title), text and Markdown after the name.
 */
import { nameAt, type Person } from '../shared/people'

/** The name of `account` in `groupId` for a message at `timeSec` (Unix seconds); undefined when no name is known. */
export type SenderNames = (groupId: string, account: string, timeSec: number | undefined) => { name: string; current: string } | undefined

/** A lookup over the people of an export (ExportMeta.people). */
export function senderNames(people: readonly Person[] | undefined): SenderNames | undefined {
  if (!people?.length) return undefined
  const by = new Map<string, Person>()
  for (const p of people) by.set(`${p.groupId}\u0000${p.account}`, p)
  return (groupId, account, timeSec) => {
    const p = by.get(`${groupId}\u0000${account}`)
    if (!p) return undefined
    // Without a time, the current name (nameAt's fallback for a time before every sighting).
    const r = nameAt(p, account, timeSec === undefined ? Number.NEGATIVE_INFINITY : timeSec * 1000)
    return r.name === account && r.current === account ? undefined : { name: r.name, current: r.current }
  }
}
