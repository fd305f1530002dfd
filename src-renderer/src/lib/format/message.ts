/**
 * Reading archived messages for display. Everything in a record came from the server (or an
 * imported file) and is untrusted: any field may be missing or of the wrong type, MsgBody may be an
 * object on system messages, and MsgTypes may be unknown (docs/reference/tencent-im-api.md §7.1,
 * §7.9). The body is read by @shared/message-body (as exports and search read it); this module
 * words it for the timeline.
 */
import type { ArchivedMessage } from '@shared/archive-record'
import { contentOf, isElement, isRecord, num, str } from '@shared/message-body'
import type { MessageKey, timelineEn } from '@renderer/lib/i18n/core'
import { elementTypeName } from '@renderer/lib/i18n/core'
import { localeFor } from '@renderer/lib/i18n/core'
import { showControls, truncate } from './text'
import { formatDuration } from '@shared/format'
import { emojiKeysToNames, type FaceView } from '@shared/tuikit/face'
import type { CustomView } from '@shared/tuikit/custom'
import { cloudCustomObject, knownCloudKeys, type ReplyRef } from '@shared/tuikit/reply'
import { readable, type Readable } from '@shared/tuikit/readable'

export { bodyElements, bodyHasContent, contentOf, imageFormatName, isElement, isRecord, num, str } from '@shared/message-body'

export type TimelineKey = keyof typeof timelineEn

/** A key into the timeline's string table with its placeholders, localized at render time. */
export interface Phrase {
  key: TimelineKey
  params?: Record<string, string | number>
}

export type PlaceState = 'normal' | 'deleted' | 'recalled'

/** IsPlaceMsg as the archive received it: 1 deleted/expired (a hole), 2 recalled. */
export function placeState(m: Pick<ArchivedMessage, 'IsPlaceMsg'>): PlaceState {
  return m.IsPlaceMsg === 1 ? 'deleted' : m.IsPlaceMsg === 2 ? 'recalled' : 'normal'
}

export type ServerNote = 'deleted' | 'recalled'

/**
 * What the server has said about archived content since (see archive-record.ts `_archive.server`):
 * deleted (IsPlaceMsg 1) or recalled (2), the only placeholder values Tencent documents. A changed
 * body (the older form, IsPlaceMsg 0) is an edit once read through migrateRecord, which the
 * timeline always does (issue 18 §5): it has no note of its own.
 */
export function serverNote(m: ArchivedMessage): ServerNote | undefined {
  const p = m._archive?.server?.IsPlaceMsg
  return p === 1 ? 'deleted' : p === 2 ? 'recalled' : undefined
}

export function isSystemMessage(m: Pick<ArchivedMessage, 'IsSystemMsg' | 'MsgBody'>): boolean {
  return m.IsSystemMsg === 1
}

/** A short, safe rendition of any value for a one-line summary (controls shown, length capped). */
export function shortValue(v: unknown, max = 80): string {
  let s: string
  if (typeof v === 'string') s = v
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v)
  else if (v === null || v === undefined) s = ''
  else s = JSON.stringify(v) ?? ''
  const cut = truncate(s, max)
  return showControls(cut.text, 'data') + (cut.truncated ? '…' : '')
}

function names(v: unknown, locale: string): string {
  const list = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => shortValue(x, 40)).filter((x) => x)
  if (list.length > 10) {
    const shown = list.slice(0, 10)
    shown.push(`+${list.length - 10}`)
    return new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(shown)
  }
  return new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' }).format(list)
}

/** `key: value` pairs of an object's scalar fields, for an event we do not know. */
function fieldsSummary(o: Record<string, unknown>, skip: readonly string[] = []): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(o)) {
    if (skip.includes(k) || v === '' || v === undefined || v === null) continue
    parts.push(`${shortValue(k, 30)}: ${shortValue(v, 60)}`)
    if (parts.length === 4) break
  }
  return parts.join(', ')
}

function rawList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]
}

/** The phrase with the operator when the event names one, else its operator-less variant. */
function byOperator(operator: string, withOp: TimelineKey, withoutOp: TimelineKey, params: Record<string, string>): Phrase {
  return operator ? { key: withOp, params: { operator, ...params } } : { key: withoutOp, params }
}

/**
 * A readable summary of a group tip (TIMGroupTipElem content, or an object body carrying OpType).
 * OpType names follow the group-tip events of the IM API; others are named as they come.
 */
function tipSummary(c: Record<string, unknown>, locale: string): Phrase {
  const op = str(c['OpType']) ?? ''
  const operatorRaw = c['Operator_Account']
  const operator = shortValue(operatorRaw ?? '', 40)
  const memberList = rawList(c['MemberAccount_List'] ?? c['Member_Account'])
  const members = names(memberList, locale)
  switch (op) {
    case 'Create': {
      const info = isRecord(c['GroupInfo']) ? c['GroupInfo'] : {}
      const group = shortValue(c['GroupName'] ?? info['Name'] ?? '', 60)
      return byOperator(operator, 'system.create', 'system.createNoOperator', { group })
    }
    case 'Join':
      if (members && operator && !memberList.includes(operatorRaw)) return { key: 'system.added', params: { operator, members } }
      return members || operator ? { key: 'system.joined', params: { members: members || operator } } : { key: 'system.joinedSomeone' }
    case 'Quit':
      return members || operator ? { key: 'system.left', params: { members: operator || members } } : { key: 'system.leftSomeone' }
    case 'Kick':
      return byOperator(operator, 'system.kicked', 'system.removed', { members })
    case 'SetAdmin':
      return byOperator(operator, 'system.setAdmin', 'system.setAdminNoOperator', { members })
    case 'CancelAdmin':
      return byOperator(operator, 'system.cancelAdmin', 'system.cancelAdminNoOperator', { members })
    case 'ModifyGroupInfo': {
      const changes = isRecord(c['GroupInfo']) ? fieldsSummary(c['GroupInfo']) : ''
      return changes
        ? byOperator(operator, 'system.modifyGroup', 'system.modifyGroupNoOperator', { changes })
        : byOperator(operator, 'system.modifyGroupPlain', 'system.modifyGroupPlainNoOperator', {})
    }
    case 'ModifyMemberInfo':
      return byOperator(operator, 'system.modifyMember', 'system.modifyMemberNoOperator', {
        members
      })
    default: {
      const fields = fieldsSummary(c, ['OpType'])
      const name = shortValue(op, 40)
      return fields ? { key: 'system.eventFields', params: { op: name, fields } } : { key: 'system.event', params: { op: name } }
    }
  }
}

function elementSummary(el: unknown, locale: string): Phrase {
  if (!isElement(el))
    return {
      key: 'system.fields',
      params: { fields: isRecord(el) ? fieldsSummary(el) : shortValue(el) }
    }
  const c = contentOf(el)
  switch (el.MsgType) {
    case 'TIMTextElem':
      return { key: 'system.text', params: { text: shortValue(c['Text'], 200) } }
    case 'TIMCustomElem': {
      const desc = str(c['Desc'])
      return desc
        ? {
            key: 'system.custom',
            params: { desc: shortValue(desc, 80), data: shortValue(c['Data'], 120) }
          }
        : { key: 'system.text', params: { text: shortValue(c['Data'], 200) } }
    }
    case 'TIMGroupTipElem':
    case 'TIMGroupSystemNoticeElem':
      return tipSummary(c, locale)
    default:
      // A known type by its name in the UI's language ("[Image]" / "[图片]"), else as given.
      return { key: 'system.element', params: { type: elementTypeName(localeFor(locale), shortValue(el.MsgType, 40)) } }
  }
}

/**
 * A one-line summary of a system message body (IsSystemMsg 1): an object (a single element, or a
 * bare event object), or an array of elements. Always returns at least one phrase.
 */
export function systemSummary(body: unknown, locale: string): Phrase[] {
  if (Array.isArray(body)) {
    const phrases = body.slice(0, 5).map((el) => elementSummary(el, locale))
    if (body.length > 5) phrases.push({ key: 'system.more', params: { count: body.length - 5 } })
    return phrases.length ? phrases : [{ key: 'system.empty' }]
  }
  if (isElement(body)) return [elementSummary(body, locale)]
  if (isRecord(body)) {
    if (typeof body['OpType'] === 'string') return [tipSummary(body, locale)]
    const fields = fieldsSummary(body)
    return [fields ? { key: 'system.fields', params: { fields } } : { key: 'system.empty' }]
  }
  return [{ key: 'system.empty' }]
}

/** A stable 0–359 hue for a sender, so the same sender keeps the same colour. */
export function senderHue(from: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < from.length; i++) {
    h ^= from.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % 360
}

/**
 * A numeric field through `format`; a field of another type (a malformed element) shown as it is;
 * an absent one as ''.
 */
export function numericField(v: unknown, format: (n: number) => string): string {
  const n = num(v)
  if (n !== undefined) return format(n)
  return v === undefined ? '' : shortValue(v)
}

/** A key into the conversation strings (replies, stickers, TUIKit's custom messages) with its placeholders. */
export interface ConvPhrase {
  key: Extract<MessageKey, `conv.${string}`>
  params?: Record<string, string | number>
}

/** The quoted message's type label ("[Image]") and its abstract, emoji keys read as names. */
export function quoteParts(reply: ReplyRef): { type: ConvPhrase | undefined; abstract: string } {
  const abstract = emojiKeysToNames(reply.abstract).replace(/\s+/g, ' ').trim()
  // TUIKit shows the abstract of text and merged messages, a type label for the others.
  const typed = reply.type !== 'text' && reply.type !== 'merged' && !(reply.type === 'other' && abstract)
  return { type: typed ? { key: `conv.type.${reply.type}` } : undefined, abstract }
}

/**
 * What a TUIKit call record says, as TUIKit words it (TUIMessageDataProvider
 * getCustomSignalingContentWithMessage): an invite with call_end is the end of the call and its
 * length, a reject with line_busy is "busy", a timeout names who did not answer in a group.
 * `sender` is who sent the signal (TUIKit's getShowName(message)).
 */
export function callPhrase(view: Extract<CustomView, { kind: 'call' }>, sender: string, locale: string): ConvPhrase {
  const who = sender || view.inviter
  switch (view.action) {
    case 'invite':
      if (view.duration !== undefined)
        return view.group ? { key: 'conv.call.groupEnded' } : { key: 'conv.call.ended', params: { duration: formatDuration(view.duration, locale) } }
      return { key: 'conv.call.invite', params: { who: view.inviter || who } }
    case 'cancel':
      return { key: 'conv.call.cancel', params: { who: view.inviter || who } }
    case 'accept':
      return { key: 'conv.call.accept', params: { who } }
    case 'reject':
      return { key: view.lineBusy ? 'conv.call.busy' : 'conv.call.reject', params: { who } }
    case 'timeout':
      return view.group && view.invitees.length ? { key: 'conv.call.timeoutFrom', params: { who: view.invitees.join(', ') } } : { key: 'conv.call.timeout' }
    default:
      return { key: 'conv.call.unknown' }
  }
}

/** "alice created the group" (TUIKit shows the sender's name then the content it sent). */
export function groupCreatePhrase(view: Extract<CustomView, { kind: 'groupCreate' }>, sender: string): ConvPhrase {
  const name = view.opUser || sender
  return name ? { key: 'conv.groupCreated', params: { name } } : { key: 'conv.groupCreated', params: { name: '' } }
}

/** A sticker's label: its name (and pack), or the pack's index alone. */
export function stickerPhrase(face: FaceView): ConvPhrase | undefined {
  if (face.name !== undefined)
    return face.pack !== undefined
      ? { key: 'conv.stickerPack', params: { name: face.name, pack: face.pack } }
      : { key: 'conv.sticker', params: { name: face.name } }
  return undefined
}

/**
 * A message's CloudCustomData as data to show, without what the timeline already shows (the reply
 * it carries): empty when only messageReply is there, the rest as pretty JSON, and anything that is
 * not JSON made readable (text, or a hex dump for bytes).
 */
export function cloudDataRest(ccd: unknown): Readable {
  const obj = cloudCustomObject(ccd)
  if (!obj) return readable(ccd)
  const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => !(knownCloudKeys as readonly string[]).includes(k) || !isRecord(obj[k])))
  return Object.keys(rest).length ? readable(rest) : { kind: 'empty' }
}
