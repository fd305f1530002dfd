/**
 * The bodies of the three callbacks the listener archives, checked before anything reads them, and
 * turned into events the sink applies (docs/reference/tencent-im-api.md §9.5 has the fields):
 * - `Group.CallbackAfterSendMsg` (page 269/2661): GroupId, Type, From_Account, Operator_Account,
 *   Random, MsgSeq, MsgTime (Unix seconds), OnlineOnlyFlag, MsgBody, CloudCustomData, EventTime (ms);
 *   a topic's message also TopicId (documented on the before-send callback; see §9.5).
 * - `Group.CallbackAfterRecallMsg`: GroupId, Type, Operator_Account, MsgSeqList [{MsgSeq}], TopicId,
 *   EventTime.
 * - `Group.CallbackAfterModifyMsg` (page 269/129193): MsgBody, Operator_Account, GroupId, TopicId
 *   (empty when the message is in no topic), MsgSeq, EventTime. No CloudCustomData.
 *
 * A send becomes the archive's message record (the field names of group_msg_get_simple: Random is
 * MsgRandom, MsgTime is MsgTimeStamp), checked with the record-line validator, so a record the
 * listener writes reads exactly as a pulled one. Problems are data, worded by describeBodyProblem.
 */
import type { ArchivedMessage } from '../shared/archive-record'
import { checkRecord, type RecordProblem } from '../shared/record-line'
import type { MsgElement } from '../shared/tim-types'

export const sendCommand = 'Group.CallbackAfterSendMsg'
export const recallCommand = 'Group.CallbackAfterRecallMsg'
export const modifyCommand = 'Group.CallbackAfterModifyMsg'
export const archivedCommands: readonly string[] = [sendCommand, recallCommand, modifyCommand]

interface EventBase {
  groupId: string
  /** A Community topic's message: its topic (absent for a message in no topic). */
  topicId?: string
  /** The group's type as the callback says (Public, Work, Meeting, AVChatRoom, Community, …). */
  groupType?: string
  /** When the event happened, ms: the callback's EventTime, else when it was received. */
  eventTimeMs: number
  /** The body as received, kept beside the archive (callback_events). */
  raw: Record<string, unknown>
}

export interface SendEvent extends EventBase {
  command: typeof sendCommand
  seq: number
  /** The message as the archive's record (GroupId, TopicId?, From_Account, IsPlaceMsg 0, MsgBody, …). */
  record: ArchivedMessage
}

export interface RecallEvent extends EventBase {
  command: typeof recallCommand
  seqs: number[]
}

export interface ModifyEvent extends EventBase {
  command: typeof modifyCommand
  seq: number
  msgBody: MsgElement[]
}

export type CallbackEvent = SendEvent | RecallEvent | ModifyEvent

export type BodyProblem = Pick<RecordProblem, 'field' | 'got' | 'value'> & { expected: string }

export type ParsedCallback = { ok: true; event: CallbackEvent } | { ok: false; problem: BodyProblem }

const uint32Max = 4294967295

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

function gotOf(v: unknown): Pick<BodyProblem, 'got' | 'value'> {
  if (v === undefined) return { got: 'missing' }
  if (v === null) return { got: 'null' }
  if (Array.isArray(v)) return { got: 'array' }
  if (typeof v === 'string') return { got: 'string', value: JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) }
  if (typeof v === 'number' || typeof v === 'boolean') return { got: typeof v as 'number' | 'boolean', value: String(v) }
  return { got: 'object' }
}

const bad = (field: string, expected: string, v: unknown): ParsedCallback => ({ ok: false, problem: { field, expected, ...gotOf(v) } })

const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= uint32Max

/** EventTime: an integer of ms (the pages show it as a number; an English page's example as a string of digits). */
function eventTimeOf(v: unknown, receivedMs: number): number | null {
  if (v === undefined) return receivedMs
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return Number(v)
  return null
}

/** The record-line validator's names back to the callback's. */
const callbackName: Record<string, string> = { MsgRandom: 'Random', MsgTimeStamp: 'MsgTime' }

const expectedWords: Record<string, string> = {
  'json-object': 'a JSON object',
  'non-empty-string': 'a non-empty string',
  string: 'a string',
  seq: 'a whole number from 1 to 4294967295',
  uint32: 'a whole number from 0 to 4294967295',
  'unix-seconds': 'a whole number of Unix seconds',
  'non-negative-integer': 'a whole number from 0',
  'msg-body': 'an array of message elements',
  'msg-element': 'an object with MsgType and MsgContent',
  object: 'an object'
}

/**
 * Checks a callback's body for `command` (the URL's CallbackCommand, which must equal the body's).
 * `receivedMs` dates an event whose body has no EventTime.
 */
export function parseCallbackBody(command: string, body: unknown, receivedMs: number): ParsedCallback {
  if (!isObject(body)) return bad('', 'json-object', body)
  if (body.CallbackCommand !== command) return bad('CallbackCommand', `the URL's CallbackCommand ${JSON.stringify(command)}`, body.CallbackCommand)
  if (typeof body.GroupId !== 'string' || body.GroupId === '') return bad('GroupId', 'non-empty-string', body.GroupId)
  const groupId = body.GroupId
  if (body.TopicId !== undefined && typeof body.TopicId !== 'string') return bad('TopicId', 'string', body.TopicId)
  const topicId = typeof body.TopicId === 'string' && body.TopicId !== '' ? body.TopicId : undefined
  if (topicId !== undefined && !topicId.includes(`${groupId}@TOPIC#_`)) {
    // A topic ID holds its group's ID + "@TOPIC#_" + a part of its own (§9.3); one naming another group is refused.
    return bad('TopicId', `a topic of ${groupId}`, body.TopicId)
  }
  if (body.Type !== undefined && typeof body.Type !== 'string') return bad('Type', 'string', body.Type)
  const eventTimeMs = eventTimeOf(body.EventTime, receivedMs)
  if (eventTimeMs === null) return bad('EventTime', 'a whole number of milliseconds', body.EventTime)
  const base: EventBase = { groupId, eventTimeMs, raw: body }
  if (topicId !== undefined) base.topicId = topicId
  if (typeof body.Type === 'string') base.groupType = body.Type

  if (command === sendCommand) {
    const record: Record<string, unknown> = {
      GroupId: groupId,
      ...(topicId !== undefined ? { TopicId: topicId } : {}),
      From_Account: body.From_Account,
      IsPlaceMsg: 0,
      MsgBody: body.MsgBody,
      MsgRandom: body.Random,
      MsgSeq: body.MsgSeq,
      MsgTimeStamp: body.MsgTime
    }
    if (body.CloudCustomData !== undefined) record.CloudCustomData = body.CloudCustomData
    const p = checkRecord(record)
    if (p) {
      const head = p.field.split(/[.[]/)[0] ?? ''
      const field = callbackName[head] ? p.field.replace(head, callbackName[head]) : p.field
      return {
        ok: false,
        problem: { field, expected: expectedWords[p.expected] ?? p.expected, got: p.got, ...(p.value !== undefined ? { value: p.value } : {}) }
      }
    }
    if (!Array.isArray(body.MsgBody)) return bad('MsgBody', 'msg-body', body.MsgBody)
    return { ok: true, event: { ...base, command: sendCommand, seq: record.MsgSeq as number, record: record as unknown as ArchivedMessage } }
  }

  if (command === recallCommand) {
    const list = body.MsgSeqList
    if (!Array.isArray(list) || list.length === 0) return bad('MsgSeqList', 'a non-empty array of {MsgSeq}', list)
    const seqs: number[] = []
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i]
      if (!isObject(item)) return bad(`MsgSeqList[${i}]`, 'object', item)
      if (!isSeq(item.MsgSeq)) return bad(`MsgSeqList[${i}].MsgSeq`, 'seq', item.MsgSeq)
      if (!seqs.includes(item.MsgSeq)) seqs.push(item.MsgSeq)
    }
    return { ok: true, event: { ...base, command: recallCommand, seqs } }
  }

  if (command === modifyCommand) {
    if (!isSeq(body.MsgSeq)) return bad('MsgSeq', 'seq', body.MsgSeq)
    const msgBody = body.MsgBody
    if (!Array.isArray(msgBody) || msgBody.length === 0) return bad('MsgBody', 'a non-empty array of message elements', msgBody)
    for (let i = 0; i < msgBody.length; i++) {
      const el: unknown = msgBody[i]
      if (!isObject(el)) return bad(`MsgBody[${i}]`, 'msg-element', el)
      if (typeof el.MsgType !== 'string' || el.MsgType === '') return bad(`MsgBody[${i}].MsgType`, 'non-empty-string', el.MsgType)
      if (!isObject(el.MsgContent)) return bad(`MsgBody[${i}].MsgContent`, 'object', el.MsgContent)
    }
    return { ok: true, event: { ...base, command: modifyCommand, seq: body.MsgSeq, msgBody: msgBody as MsgElement[] } }
  }
  return bad('CallbackCommand', `one of ${archivedCommands.join(', ')}`, command)
}

/** "MsgSeq must be a whole number from 1 to 4294967295; got the string "x"". */
export function describeBodyProblem(p: BodyProblem): string {
  const expected = expectedWords[p.expected] ?? p.expected
  const got =
    p.got === 'missing'
      ? 'it is missing'
      : p.got === 'not-json'
        ? 'it is not valid JSON'
        : `got ${p.got === 'string' || p.got === 'number' ? `the ${p.got} ` : ''}${p.value ?? p.got}`
  if (p.got === 'not-json') return 'the body is not valid JSON'
  return `${p.field === '' ? 'the body' : p.field} must be ${expected}; ${got}`
}
