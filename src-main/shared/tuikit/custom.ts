/**
 * TUIKit's custom business messages: a TIMCustomElem whose Data is JSON with a `businessID`.
 *
 * Sources (public TUIKit code; what each kind carries is what these files read):
 * - group_create: {businessID, version (4), opUser, content} — the creator's kit sends it after
 *   creating a group; kits show "<sender's name><content>" as a tip (TIMSDK Android TUIChat
 *   ChatMessageParser.parseGroupCreateMessage; iOS THeader.h GroupCreate_Version 4). Kits before
 *   4.7 sent the bare string "group_create" as Data.
 * - text_link: {businessID, version (4), text, link} (chat-uikit-vue message-custom.vue:
 *   customData.text, customData.link; THeader.h TextLink_Version 4).
 * - evaluation: {businessID, version 1, score, comment} (chat-uikit-vue message-input-toolbar/
 *   evaluate/index.vue).
 * - order: {businessID, title, description, price, imageUrl, link} (message-custom.vue).
 * - user_typing_status: typing indicator, never shown by the kits (scroll-button/index.vue,
 *   TUINotification/utils.ts).
 * - group_poll, group_note, group_note_tips: plugins (THeader.h "Supported in 7.1 and later").
 *   Their sources are closed, so only the kind is known; the JSON is shown as it is.
 * - Call signalling: {businessID: 1, inviteID, inviter, actionType, inviteeList, groupID, timeout,
 *   data: "<JSON string>"} whose inner data has businessID "av_call", call_type (1 audio, 2 video),
 *   call_end (the call's length in seconds, on the invite that ends a call) and line_busy
 *   (plugins/plugin-components/index.ts isCallMessage; TUINotification/index.ts; the SDK's
 *   V2TIMSignalingActionType: 1 invite, 2 cancel, 3 accept, 4 reject, 5 timeout; TUIKit iOS
 *   TUIMessageDataProvider getCustomSignalingContentWithMessage).
 *
 * Anything else stays data, made readable (readable.ts). Untrusted input: bounded, never throws.
 */
import { isRecord } from '../message-body'
import { parseJsonObject, readable, type Readable } from './readable'

export type CallAction = 'invite' | 'cancel' | 'accept' | 'reject' | 'timeout' | 'unknown'

export type CustomView =
  | { kind: 'groupCreate'; opUser: string; content: string }
  | { kind: 'textLink'; text: string; link: string }
  | { kind: 'evaluation'; score?: number; comment: string }
  | { kind: 'order'; title: string; description: string; price: string; link: string }
  | { kind: 'typing' }
  | { kind: 'plugin'; businessId: 'group_poll' | 'group_note' | 'group_note_tips'; data: Readable }
  | {
      kind: 'call'
      action: CallAction
      media?: 'audio' | 'video'
      /** Seconds, when the invite ends a call (call_end). */
      duration?: number
      lineBusy: boolean
      group: boolean
      inviter: string
      invitees: string[]
    }
  | { kind: 'data'; data: Readable }

const maxField = 2000
const s = (v: unknown, max = maxField): string =>
  typeof v === 'string' ? (v.length > max ? v.slice(0, max) + '…' : v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : ''
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

const callActions: Record<number, CallAction> = { 1: 'invite', 2: 'cancel', 3: 'accept', 4: 'reject', 5: 'timeout' }

function readCall(o: Record<string, unknown>): CustomView | undefined {
  const inner = typeof o['data'] === 'string' ? parseJsonObject(o['data']) : isRecord(o['data']) ? o['data'] : undefined
  const d = isRecord(inner) ? inner : {}
  // Only TUICallKit's audio/video calls (inner businessID av_call, or no inner businessID at all,
  // as old kits sent): other signalling (live rooms) stays data.
  if (d['businessID'] !== undefined && d['businessID'] !== 'av_call') return undefined
  const actionType = n(o['actionType'])
  const callType = n(d['call_type'])
  const end = n(d['call_end']) ?? n(o['call_end'])
  const invitees = Array.isArray(o['inviteeList'])
    ? o['inviteeList']
        .filter((x): x is string => typeof x === 'string')
        .slice(0, 50)
        .map((x) => s(x, 200))
    : []
  const view: CustomView = {
    kind: 'call',
    action: (actionType !== undefined ? callActions[actionType] : undefined) ?? 'unknown',
    lineBusy: 'line_busy' in d,
    group: typeof o['groupID'] === 'string' && o['groupID'] !== '',
    inviter: s(o['inviter'], 200),
    invitees
  }
  if (callType === 1) view.media = 'audio'
  else if (callType === 2) view.media = 'video'
  if (end !== undefined && end >= 0 && 'call_end' in d) view.duration = Math.floor(end)
  return view
}

/** What a TIMCustomElem's Data means, as TUIKit would show it; unknown data made readable. */
export function readCustom(data: unknown): CustomView {
  if (data === 'group_create') return { kind: 'groupCreate', opUser: '', content: '' }
  const parsed = typeof data === 'string' ? parseJsonObject(data) : isRecord(data) ? data : undefined
  if (isRecord(parsed)) {
    const id = parsed['businessID']
    switch (id) {
      case 'group_create':
        return { kind: 'groupCreate', opUser: s(parsed['opUser'], 200), content: s(parsed['content'], 500) }
      case 'text_link':
        return { kind: 'textLink', text: s(parsed['text']), link: s(parsed['link']) }
      case 'evaluation': {
        const score = n(parsed['score'])
        return score !== undefined
          ? { kind: 'evaluation', score: Math.max(0, Math.min(5, Math.round(score))), comment: s(parsed['comment']) }
          : { kind: 'evaluation', comment: s(parsed['comment']) }
      }
      case 'order':
        return { kind: 'order', title: s(parsed['title']), description: s(parsed['description']), price: s(parsed['price'], 100), link: s(parsed['link']) }
      case 'user_typing_status':
        return { kind: 'typing' }
      case 'group_poll':
      case 'group_note':
      case 'group_note_tips':
        return { kind: 'plugin', businessId: id, data: readable(parsed) }
      case 1: {
        const call = readCall(parsed)
        if (call) return call
        break
      }
    }
  }
  return { kind: 'data', data: readable(data) }
}
