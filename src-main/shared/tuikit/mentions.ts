/**
 * Mentions (@name, @all) in a group text message.
 *
 * What the REST API delivers: group_msg_get_simple's message entries document no mention list
 * (docs/reference/tencent-im-api.md §1.4). `GroupAtInfo` ([{GroupAtAllFlag: 0|1,
 * GroupAt_Account}]) is a *request* field of send_group_msg; it is read here only if a record
 * happens to carry it, never required. The mention itself is in the text: TUIKit writes
 * `@<label> ` into the TIMTextElem (chat-uikit-vue Vue3/TUIKit/components/TUIChat/message-input/
 * message-input-editor.vue: `'@' + node.attrs.label + ' '`), and @all's label is 所有人
 * (message-input-at/index.vue, `nick: '所有人'`; the English kit's word is "All"). "@all" in lower
 * case is taken as the same (our reading, not a TUIKit constant).
 * Tencent's group-@ guide says the same: the text reads "@A @B @C……".
 *
 * So a mention is an `@` at the start of the text or after white space, followed by a name. The
 * text carries no list of who was mentioned, so a name with a space (`@Alice Wang `) cannot be
 * told from `@Alice` followed by a word by the text alone: when the group's known names are given
 * (every nickname and name card the archive holds, mentionNames), the longest known name that
 * follows the `@` and ends at a word boundary is the mention; otherwise the name runs to the next
 * white space (the rule without names). An e-mail address (a@b.c) is not one. Pure; bounded;
 * never throws.
 */
import { isRecord } from '../message-body'
import type { Person } from '../people'

export interface TextSegment {
  text: string
  /** 'all' for @all (所有人 / All), 'user' for any other @name. */
  mention?: 'user' | 'all'
}

/** Words TUIKit's kits put after @ for "everyone". */
export const atAllLabels = ['所有人', 'All', 'all'] as const

// An @ at the start or after white space; the fallback name runs to white space or the next @, 1 to 32 chars.
const atPattern = /(^|[\s\u3000])@/gu
const fallbackName = /[^\s\u3000@]{1,32}/uy
/** A name ends where no letter, mark or digit follows (so the known name "Al" is not in "@Alice"). */
const wordChar = /[\p{L}\p{M}\p{N}]/u
/** Longer texts are not split (the timeline cuts long texts anyway). */
export const maxMentionText = 20_000
/** Longest known name tried (TUIKit's nickname and name card limits are far below). */
export const maxMentionName = 64
/** Most known names tried per group: a bound on the work per @. */
export const maxMentionNames = 5000

/**
 * The names a group's mentions can carry, longest first: every nickname and name card any of its
 * people ever had (a mention keeps the label of when it was written), at most maxMentionNames.
 */
export function mentionNames(people: readonly Pick<Person, 'history'>[]): string[] {
  const names = new Set<string>()
  for (const p of people)
    for (const s of p.history) for (const n of [s.nameCard, s.nick]) if (n && n.length <= maxMentionName && n.trim() === n && n !== '') names.add(n)
  return [...names].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0)).slice(0, maxMentionNames)
}

/**
 * The text cut into plain runs and mentions. `known` (mentionNames: longest first) lets a mention
 * of a name with spaces be highlighted whole; without it, a mention ends at white space.
 */
export function splitMentions(text: string, known: readonly string[] = []): TextSegment[] {
  if (typeof text !== 'string' || text === '') return []
  if (text.length > maxMentionText || !text.includes('@')) return [{ text }]
  const out: TextSegment[] = []
  let last = 0
  for (const m of text.matchAll(atPattern)) {
    const at = (m.index ?? 0) + (m[1] ?? '').length
    if (at < last) continue
    const from = at + 1
    let name = known.find((n) => text.startsWith(n, from) && !wordChar.test(text.charAt(from + n.length)))
    if (name === undefined) {
      fallbackName.lastIndex = from
      name = fallbackName.exec(text)?.[0]
      if (name === undefined) continue
    }
    if (at > last) out.push({ text: text.slice(last, at) })
    out.push({ text: '@' + name, mention: (atAllLabels as readonly string[]).includes(name) ? 'all' : 'user' })
    last = from + name.length
  }
  if (last < text.length) out.push({ text: text.slice(last) })
  return out
}

export interface GroupAtInfo {
  all: boolean
  accounts: string[]
}

/**
 * A record's GroupAtInfo, if it has one (not documented for the history API: tolerated, not
 * expected). GroupAtAllFlag 1 is @all; 0 with GroupAt_Account is one member.
 */
export function parseGroupAtInfo(v: unknown): GroupAtInfo | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined
  let all = false
  const accounts: string[] = []
  for (const item of v.slice(0, 1000)) {
    if (!isRecord(item)) continue
    if (item['GroupAtAllFlag'] === 1) all = true
    else if (typeof item['GroupAt_Account'] === 'string' && item['GroupAt_Account'] && accounts.length < 200) accounts.push(item['GroupAt_Account'])
  }
  return all || accounts.length ? { all, accounts } : undefined
}
