import { describe, expect, it } from 'vitest'
import { parseReply } from '../../../src-main/shared/tuikit/reply'

// Shape from chat-uikit-vue Vue3/TUIKit/components/TUIChat/message-list/message-elements/
// message-quote/interface.ts (IQuoteContent inside ICloudCustomData.messageReply).
const quote = JSON.stringify({
  messageReply: {
    messageAbstract: 'See you at 7?',
    messageSender: 'Alice',
    messageID: '144115212345678901-1700000000-12345',
    messageType: 1,
    messageTime: 1700000000,
    messageSequence: 42,
    version: 1
  }
})

describe('parseReply', () => {
  it('reads a TUIKit quote', () => {
    expect(parseReply(quote)).toEqual({
      kind: 'quote',
      sender: 'Alice',
      abstract: 'See you at 7?',
      type: 'text',
      seq: 42,
      time: 1700000000,
      messageId: '144115212345678901-1700000000-12345',
      version: 1
    })
  })

  it('a reply carries messageRootID; an image quote has a type and may have no abstract', () => {
    const r = parseReply({ messageReply: { messageSender: 'Bob', messageType: 3, messageSequence: '7', messageRootID: 'root-1', version: 1 } })
    expect(r).toMatchObject({ kind: 'reply', sender: 'Bob', type: 'image', abstract: '', seq: 7, rootId: 'root-1' })
  })

  it('tolerates what is not a reply, and hostile values', () => {
    expect(parseReply(undefined)).toBeUndefined()
    expect(parseReply('')).toBeUndefined()
    expect(parseReply('not json')).toBeUndefined()
    expect(parseReply('{"messageFeature":{"needTyping":1,"version":1}}')).toBeUndefined()
    expect(parseReply('{"messageReply":"x"}')).toBeUndefined()
    const r = parseReply({ messageReply: { messageSender: 5, messageAbstract: 'a'.repeat(10_000), messageSequence: -3, messageType: 99 } })
    expect(r?.sender).toBe('')
    expect(r?.abstract.length).toBe(501)
    expect(r?.seq).toBeUndefined()
    expect(r?.type).toBe('other')
    expect(parseReply({ messageReply: { messageSequence: 0 } })?.seq).toBeUndefined()
    expect(parseReply({ messageReply: { messageSequence: 2 ** 32 } })?.seq).toBeUndefined()
    expect(parseReply('{"messageReply":{}}' + ' '.repeat(70_000))).toBeUndefined()
  })
})
