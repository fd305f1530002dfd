/**
 * Stickers (TIMFaceElem) and TUIKit's emoji keys.
 *
 * TUIKit sends a sticker as a face element whose Index is the sticker pack (emojiGroupID) and whose
 * Data is the sticker's name in that pack (chat-uikit-vue Vue3/TUIKit/components/TUIChat/
 * message-input-toolbar/emoji-picker/emoji-picker-dialog.vue: `payload: { index:
 * listItem.emojiGroupID, data: listItem.list[index] }`; the packs are in emoji-config/
 * default-emoji.ts: 1 = yz00…yz17, 2 = ys00…ys15, 3 = gcs00…gcs16). Other apps use Index alone, or
 * put anything in Data (the REST page's own sample is "abc\u0000\u0001").
 *
 * Small emoji inside text are keys like `[TUIEmoji_Smile]` (emoji-config/default-emoji.ts); the
 * English kit shows them as `[Smile]` (emoji-config/locales/en.ts).
 * Pure; never throws.
 */
import { looksBinary } from './readable'

export interface FaceView {
  /** The pack (Index), when it is a number. */
  pack?: number
  /** The sticker's name (Data), when Data is short printable text. */
  name?: string
  /** Data that is not a name (bytes, or long): shown as data. */
  data?: string
}

/** Longest Data taken as a name. */
export const maxFaceName = 64

export function readFace(content: Record<string, unknown>): FaceView {
  const view: FaceView = {}
  const index = content['Index']
  if (typeof index === 'number' && Number.isFinite(index)) view.pack = index
  const data = content['Data']
  if (typeof data === 'string' && data !== '') {
    if (data.length <= maxFaceName && !looksBinary(data) && data.trim() !== '') view.name = data.trim()
    else view.data = data
  }
  return view
}

const emojiKey = /\[TUIEmoji_([A-Za-z0-9]{1,32})\]/g

/** `hello[TUIEmoji_Smile]` → `hello[Smile]`, as TUIKit's English kit shows it. */
export function emojiKeysToNames(text: string): string {
  return typeof text === 'string' && text.includes('[TUIEmoji_') ? text.replace(emojiKey, '[$1]') : text
}
