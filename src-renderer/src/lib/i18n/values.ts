/**
 * Values the API gives in English, named in the UI's language (issue 15 item 16): a Chinese UI
 * shows 类型：陌生人社交群, not 类型：Public. A value the tables do not know is shown as given.
 */
import type { Locale, MessageKey } from './messages'
import { translate } from './translate'

function named(locale: Locale, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey
  const text = translate(locale, key)
  return text === key ? value : text
}

/** A group type (Public, Private, Work, ChatRoom, Meeting, AVChatRoom, BChatRoom, Community). */
export function groupTypeName(locale: Locale, type: string): string {
  return named(locale, 'groupType', type)
}

/** An element type (MsgType), e.g. TIMImageElem → "Image" / "图片". */
export function elementTypeName(locale: Locale, msgType: string): string {
  return named(locale, 'elemType', msgType)
}
