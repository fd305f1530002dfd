/**
 * TUIKit's replies and quotes, read from a message's CloudCustomData.
 *
 * TUIKit (chat-uikit-vue, Vue3/TUIKit/components/TUIChat/message-list/message-elements/
 * message-quote/interface.ts and index.vue; iOS TIMCommon THeader.h `kMessageReplyVersion 1`) puts
 * a JSON string in the message's CloudCustomData:
 *
 *   {"messageReply":{"messageAbstract":"…","messageSender":"…","messageID":"…","messageType":1,
 *    "messageTime":1700000000,"messageSequence":42,"version":1}}
 *
 * and a reply (as opposed to a quote) adds `messageRootID`. messageType is the SDK's element type
 * (MessageQuoteTypeEnum: 1 text, 2 custom, 3 image, 4 sound, 5 video, 6 file, 7 location, 8 face,
 * 9 group tips, 10 merged). TUIKit shows "sender: abstract", the abstract only for text and merged
 * messages and a type label ("[图片]") for the others, and a click scrolls to the quoted message.
 *
 * Whether group_msg_get_simple returns CloudCustomData at all is not documented
 * (docs/reference/tencent-im-api.md §1.4): everything here is optional. Untrusted input: bounded,
 * never throws. Pure.
 */
import { isRecord } from '../message-body'
import { parseJsonObject } from './readable'

/** The element types of MessageQuoteTypeEnum that TUIKit names in a quote. */
export type QuoteType = 'text' | 'custom' | 'image' | 'sound' | 'video' | 'file' | 'location' | 'face' | 'groupTips' | 'merged' | 'other'

const quoteTypes: Record<number, QuoteType> = {
  1: 'text',
  2: 'custom',
  3: 'image',
  4: 'sound',
  5: 'video',
  6: 'file',
  7: 'location',
  8: 'face',
  9: 'groupTips',
  10: 'merged'
}

export interface ReplyRef {
  /** A reply carries messageRootID (the thread's first message); a quote does not. */
  kind: 'reply' | 'quote'
  sender: string
  /**
   * The sender's abstract. TUIKit's web kit shows it for text and merged messages and a type label
   * for the others; its Android kit fills it with a file's name or a link's text too, so the
   * timeline shows the label and, when there is one, the abstract.
   */
  abstract: string
  type: QuoteType
  /** The quoted message's seq in the group, when it is a valid uint32 above 0. */
  seq?: number
  /** Unix seconds. */
  time?: number
  messageId?: string
  rootId?: string
  version?: number
}

/** Longest abstract and sender kept (the SDK cuts abstracts itself; an import may not). */
export const maxAbstract = 500
export const maxSender = 200
/** CloudCustomData longer than this is not parsed. */
export const maxCloudCustomData = 64 * 1024

const text = (v: unknown, max: number): string => (typeof v === 'string' ? (v.length > max ? v.slice(0, max) + '…' : v) : '')
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : undefined
}
const id = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : undefined)

/** The CloudCustomData object, parsed (a JSON string, or an object an import already parsed). */
export function cloudCustomObject(ccd: unknown): Record<string, unknown> | undefined {
  if (isRecord(ccd)) return ccd
  if (typeof ccd !== 'string' || ccd.length > maxCloudCustomData) return undefined
  const v = parseJsonObject(ccd)
  return isRecord(v) ? v : undefined
}

/** The reply or quote in a message's CloudCustomData, or undefined. */
export function parseReply(ccd: unknown): ReplyRef | undefined {
  const obj = cloudCustomObject(ccd)
  const r = obj?.['messageReply']
  if (!isRecord(r)) return undefined
  const typeNum = int(r['messageType'])
  const type = (typeNum !== undefined ? quoteTypes[typeNum] : undefined) ?? 'other'
  const seq = int(r['messageSequence'])
  const rootId = id(r['messageRootID'])
  const abstract = text(r['messageAbstract'], maxAbstract)
  const ref: ReplyRef = { kind: rootId ? 'reply' : 'quote', sender: text(r['messageSender'], maxSender), abstract, type }
  if (seq !== undefined && seq > 0) ref.seq = seq
  const time = int(r['messageTime'])
  if (time !== undefined) ref.time = time
  const messageId = id(r['messageID'])
  if (messageId) ref.messageId = messageId
  if (rootId) ref.rootId = rootId
  const version = int(r['version'])
  if (version !== undefined) ref.version = version
  return ref
}

/** CloudCustomData keys this module reads (the rest stays shown as data). */
export const knownCloudKeys = ['messageReply'] as const
