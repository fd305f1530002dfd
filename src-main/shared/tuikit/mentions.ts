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
 * So a mention is an `@` at the start of the text or after white space, followed by a name up to
 * the next white space. An e-mail address (a@b.c) is not one. Pure; bounded; never throws.
 */
import { isRecord } from '../message-body'

export interface TextSegment {
  text: string
  /** 'all' for @all (所有人 / All), 'user' for any other @name. */
  mention?: 'user' | 'all'
}

/** Words TUIKit's kits put after @ for "everyone". */
export const atAllLabels = ['所有人', 'All', 'all'] as const

// @ at the start or after white space; the name runs to white space or the next @, 1 to 32 chars.
const mentionPattern = /(^|[\s\u3000])@([^\s\u3000@]{1,32})/gu
/** Longer texts are not split (the timeline cuts long texts anyway). */
export const maxMentionText = 20_000

/** The text cut into plain runs and mentions. */
export function splitMentions(text: string): TextSegment[] {
  if (typeof text !== 'string' || text === '') return []
  if (text.length > maxMentionText || !text.includes('@')) return [{ text }]
  const out: TextSegment[] = []
  let last = 0
  for (const m of text.matchAll(mentionPattern)) {
    const start = (m.index ?? 0) + (m[1] ?? '').length
    const name = m[2] ?? ''
    if (start > last) out.push({ text: text.slice(last, start) })
    out.push({ text: '@' + name, mention: (atAllLabels as readonly string[]).includes(name) ? 'all' : 'user' })
    last = start + 1 + name.length
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
