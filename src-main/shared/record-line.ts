/**
 * One line of a JSON Lines archive (as `tim-archive pull` writes it), checked before anything
 * reads it as a message. The app's import, `tim-archive export --in` and `report --in` all parse
 * lines here, so a file is either accepted by all three or refused by all three with the same words.
 *
 * What is checked is what the archive relies on, with the types the API documents for
 * group_msg_get_simple (shared/reference/group_msg_get_simple.md, tencent-im-rest-api.md §1.4):
 * - always present: GroupId (the archiver's, a non-empty string), MsgSeq (uint32 from 1),
 *   From_Account (string), IsPlaceMsg (integer), MsgRandom (uint32), MsgTimeStamp (integer Unix
 *   seconds), MsgBody (an array of {MsgType, MsgContent} elements; an object only on a system
 *   message, IsSystemMsg 1);
 * - optional, typed when present: IsSystemMsg, MsgPriority (integers), CloudCustomData, MsgKey
 *   (strings), and the archiver's own `_archive` note (its server note and earlier versions);
 * - TopicId (issue 18 §2), when present: a topic of the line's group in Tencent's documented form,
 *   the group ID + `@TOPIC#_` + a part Tencent assigns or the app chooses
 *   (`@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic`: docs/reference/tencent-im-api.md §9.3).
 * Any other key is kept as it is: the API may add fields at any time.
 *
 * Pure: no node:* imports (the renderer uses it too). Problems are data (field, expected, got), so
 * the CLI words them in English and the app in the UI's language.
 */
import type { ArchivedMessage } from './archive-record'

/** What a field should have been; each has an English wording below and one in the app's i18n. */
export type Expected =
  | 'json-object'
  | 'non-empty-string'
  | 'string'
  | 'seq'
  | 'uint32'
  | 'unix-seconds'
  | 'non-negative-integer'
  | 'msg-body'
  | 'msg-element'
  | 'object'
  | 'iso-time'
  | 'boolean'
  | 'topic-id'

/** What the line had instead: its JSON type, and a short excerpt of a string or number. */
export type GotKind = 'missing' | 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'not-json'

export interface RecordProblem {
  /** The field's path, as the API spells it (`MsgTimeStamp`, `MsgBody[0].MsgType`); '' for the line. */
  field: string
  expected: Expected
  got: GotKind
  /** The value, shortened, for a string, number or boolean. */
  value?: string
}

export type RecordLine = { ok: true; record: ArchivedMessage } | { ok: false; problem: RecordProblem }

const uint32Max = 4294967295

function gotOf(v: unknown): Pick<RecordProblem, 'got' | 'value'> {
  if (v === undefined) return { got: 'missing' }
  if (v === null) return { got: 'null' }
  if (Array.isArray(v)) return { got: 'array' }
  const t = typeof v
  if (t === 'string') {
    const s = v as string
    return { got: 'string', value: JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s) }
  }
  if (t === 'number' || t === 'boolean') return { got: t, value: String(v) }
  return { got: 'object' }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max

/** The first problem of a parsed line, or null when it is a record the archive can use. */
export function checkRecord(v: unknown): RecordProblem | null {
  if (!isObject(v)) return { field: '', expected: 'json-object', ...gotOf(v) }
  const bad = (field: string, expected: Expected, value: unknown): RecordProblem => ({ field, expected, ...gotOf(value) })
  if (typeof v.GroupId !== 'string' || v.GroupId === '') return bad('GroupId', 'non-empty-string', v.GroupId)
  if (!isInt(v.MsgSeq, 1, uint32Max)) return bad('MsgSeq', 'seq', v.MsgSeq)
  if (typeof v.From_Account !== 'string') return bad('From_Account', 'string', v.From_Account)
  if (!isInt(v.IsPlaceMsg, 0)) return bad('IsPlaceMsg', 'non-negative-integer', v.IsPlaceMsg)
  if (v.IsSystemMsg !== undefined && !isInt(v.IsSystemMsg, 0)) return bad('IsSystemMsg', 'non-negative-integer', v.IsSystemMsg)
  if (!isInt(v.MsgRandom, 0, uint32Max)) return bad('MsgRandom', 'uint32', v.MsgRandom)
  if (v.MsgPriority !== undefined && !isInt(v.MsgPriority, 0)) return bad('MsgPriority', 'non-negative-integer', v.MsgPriority)
  if (!isInt(v.MsgTimeStamp, 0, uint32Max)) return bad('MsgTimeStamp', 'unix-seconds', v.MsgTimeStamp)
  const body = checkBody('MsgBody', v.MsgBody, v.IsSystemMsg === 1)
  if (body) return body
  if (v.TopicId !== undefined && !isTopicOf(v.TopicId, v.GroupId)) return bad('TopicId', 'topic-id', v.TopicId)
  for (const k of ['CloudCustomData', 'MsgKey'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'string') return bad(k, 'string', v[k])
  }
  if (v._archive !== undefined) {
    if (!isObject(v._archive)) return bad('_archive', 'object', v._archive)
    const server = v._archive.server
    if (server !== undefined) {
      if (!isObject(server)) return bad('_archive.server', 'object', server)
      if (!isInt(server.IsPlaceMsg, 0)) return bad('_archive.server.IsPlaceMsg', 'non-negative-integer', server.IsPlaceMsg)
      if (typeof server.seenAt !== 'string' || Number.isNaN(Date.parse(server.seenAt))) return bad('_archive.server.seenAt', 'iso-time', server.seenAt)
      if (server.MsgBody !== undefined) {
        const b = checkBody('_archive.server.MsgBody', server.MsgBody, true)
        if (b) return b
      }
    }
    // Earlier versions of an edited message (issue 18 §5; archive-record.ts MessageVersion). A
    // `versions` that is not an array is ignored by every reader, so only entries are checked.
    const at = v._archive.seenAt
    if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at)))) return bad('_archive.seenAt', 'iso-time', at)
    const dropped = v._archive.versionsDropped
    if (dropped !== undefined && !isInt(dropped, 0)) return bad('_archive.versionsDropped', 'non-negative-integer', dropped)
    const versions = v._archive.versions
    if (Array.isArray(versions)) {
      for (let i = 0; i < versions.length; i++) {
        const ver: unknown = versions[i]
        const f = `_archive.versions[${i}]`
        if (!isObject(ver)) return bad(f, 'object', ver)
        const b = checkBody(`${f}.MsgBody`, ver.MsgBody, true)
        if (b) return b
        if (ver.seenAt !== undefined && (typeof ver.seenAt !== 'string' || Number.isNaN(Date.parse(ver.seenAt))))
          return bad(`${f}.seenAt`, 'iso-time', ver.seenAt)
        if (ver.CloudCustomData !== undefined && typeof ver.CloudCustomData !== 'string') return bad(`${f}.CloudCustomData`, 'string', ver.CloudCustomData)
      }
    }
  }
  return null
}

/** The documented topic ID form: `<GroupId>@TOPIC#_<a non-empty part>`. */
export function isTopicOf(topicId: unknown, groupId: string): topicId is string {
  const head = `${groupId}@TOPIC#_`
  return typeof topicId === 'string' && topicId.length > head.length && topicId.startsWith(head)
}

/** An array of {MsgType: string, MsgContent: object}; an object is accepted where `objectOk`. */
function checkBody(field: string, body: unknown, objectOk: boolean): RecordProblem | null {
  if (objectOk && isObject(body)) return null
  if (!Array.isArray(body)) return { field, expected: 'msg-body', ...gotOf(body) }
  for (let i = 0; i < body.length; i++) {
    const el: unknown = body[i]
    if (!isObject(el)) return { field: `${field}[${i}]`, expected: 'msg-element', ...gotOf(el) }
    if (typeof el.MsgType !== 'string' || el.MsgType === '') return { field: `${field}[${i}].MsgType`, expected: 'non-empty-string', ...gotOf(el.MsgType) }
    if (!isObject(el.MsgContent)) return { field: `${field}[${i}].MsgContent`, expected: 'object', ...gotOf(el.MsgContent) }
  }
  return null
}

/** Parses and checks one line (without its line break). */
export function parseRecordLine(line: string): RecordLine {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return { ok: false, problem: { field: '', expected: 'json-object', got: 'not-json' } }
  }
  const problem = checkRecord(v)
  return problem ? { ok: false, problem } : { ok: true, record: v as ArchivedMessage }
}

const expectedText: Record<Expected, string> = {
  'json-object': 'a JSON object (one message per line)',
  'non-empty-string': 'a non-empty string',
  string: 'a string',
  seq: 'a whole number from 1 to 4294967295',
  uint32: 'a whole number from 0 to 4294967295',
  'unix-seconds': 'a whole number of Unix seconds',
  'non-negative-integer': 'a whole number from 0',
  'msg-body': 'an array of message elements (an object only when IsSystemMsg is 1)',
  'msg-element': 'an object with MsgType and MsgContent',
  object: 'an object',
  'iso-time': 'an ISO 8601 time',
  boolean: 'true or false',
  'topic-id': 'a topic ID of the line\'s group (its GroupId + "@TOPIC#_" + the topic\'s own part)'
}

const gotText: Record<GotKind, string> = {
  missing: 'it is missing',
  string: 'got the string',
  number: 'got the number',
  boolean: 'got',
  null: 'got null',
  array: 'got an array',
  object: 'got an object',
  'not-json': 'it is not valid JSON'
}

/** "line 4: MsgTimeStamp must be a whole number of Unix seconds; got the string "yesterday"". */
export function describeRecordProblem(line: number, p: RecordProblem): string {
  const got = `${gotText[p.got]}${p.value !== undefined ? ` ${p.value}` : ''}`
  if (p.got === 'not-json') return `line ${line} is not valid JSON`
  if (p.field === '') return `line ${line} must be ${expectedText[p.expected]}; ${got}`
  return `line ${line}: ${p.field} must be ${expectedText[p.expected]}; ${got}`
}
