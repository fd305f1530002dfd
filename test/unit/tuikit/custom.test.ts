import { describe, expect, it } from 'vitest'
import { readCustom } from '../../../src-main/shared/tuikit/custom'
import { emojiKeysToNames, readFace } from '../../../src-main/shared/tuikit/face'

describe('readCustom', () => {
  it('group_create, as TUIKit sends it (TIMSDK Android ChatMessageParser) and as old kits did', () => {
    expect(readCustom('{"businessID":"group_create","version":4,"opUser":"alice","content":"创建群组"}')).toEqual({
      kind: 'groupCreate',
      opUser: 'alice',
      content: '创建群组'
    })
    expect(readCustom('group_create')).toEqual({ kind: 'groupCreate', opUser: '', content: '' })
  })

  it('text_link, evaluation and order (chat-uikit-vue message-custom.vue, evaluate/index.vue)', () => {
    expect(readCustom('{"businessID":"text_link","version":4,"text":"Welcome to Tencent Cloud Chat","link":"https://cloud.tencent.com/product/im"}')).toEqual({
      kind: 'textLink',
      text: 'Welcome to Tencent Cloud Chat',
      link: 'https://cloud.tencent.com/product/im'
    })
    expect(readCustom('{"businessID":"evaluation","version":1,"score":9,"comment":"great"}')).toEqual({ kind: 'evaluation', score: 5, comment: 'great' })
    expect(
      readCustom('{"businessID":"order","title":"Shoes","description":"size 42","price":"¥99","imageUrl":"https://x/y.png","link":"https://x"}')
    ).toMatchObject({
      kind: 'order',
      title: 'Shoes',
      price: '¥99'
    })
    expect(readCustom('{"businessID":"user_typing_status","typingStatus":1,"version":1}')).toEqual({ kind: 'typing' })
  })

  it('call signalling: the outer businessID 1 and the inner av_call data', () => {
    const ended = JSON.stringify({
      businessID: 1,
      inviteID: 'd6d41bff',
      inviter: 'alice',
      actionType: 1,
      inviteeList: ['bob'],
      timeout: 30,
      data: JSON.stringify({ businessID: 'av_call', version: 4, call_type: 2, call_end: 135, room_id: 854118195 })
    })
    expect(readCustom(ended)).toEqual({
      kind: 'call',
      action: 'invite',
      media: 'video',
      duration: 135,
      lineBusy: false,
      group: false,
      inviter: 'alice',
      invitees: ['bob']
    })
    const busy = JSON.stringify({
      businessID: 1,
      actionType: 4,
      groupID: '@TGS#1',
      inviter: 'a',
      inviteeList: [],
      data: '{"businessID":"av_call","call_type":1,"line_busy":""}'
    })
    expect(readCustom(busy)).toMatchObject({ kind: 'call', action: 'reject', media: 'audio', lineBusy: true, group: true })
    // Live-room signalling is not a call: it stays data.
    expect(readCustom('{"businessID":1,"actionType":1,"data":"{\\"businessID\\":\\"Live\\",\\"action\\":100}"}').kind).toBe('data')
  })

  it('plugins keep their JSON; unknown data stays readable', () => {
    const poll = readCustom('{"businessID":"group_poll","x":1}')
    expect(poll.kind === 'plugin' && poll.businessId === 'group_poll' && poll.data.kind === 'json').toBe(true)
    const mif = readCustom('\b\u0001\u0010\u0006\u001A\u0006MaoTong')
    expect(mif.kind === 'data' && mif.data.kind === 'binary').toBe(true)
    expect(readCustom('{"businessID":"something_else"}')).toMatchObject({ kind: 'data', data: { kind: 'json' } })
    expect(readCustom(undefined)).toEqual({ kind: 'data', data: { kind: 'empty' } })
    expect(readCustom('{"businessID":"text_link","text":{"a":1}}')).toEqual({ kind: 'textLink', text: '', link: '' })
  })
})

describe('readFace', () => {
  it('a TUIKit sticker: Index is the pack, Data the sticker name (emoji-picker-dialog.vue)', () => {
    expect(readFace({ Index: 1, Data: 'yz05' })).toEqual({ pack: 1, name: 'yz05' })
  })
  it('Index alone, or bytes in Data (the REST page sample "abc\\u0000\\u0001")', () => {
    expect(readFace({ Index: 24 })).toEqual({ pack: 24 })
    expect(readFace({ Index: 6, Data: 'abc\u0000\u0001' })).toEqual({ pack: 6, data: 'abc\u0000\u0001' })
    expect(readFace({ Index: 'x', Data: 7 })).toEqual({})
  })
  it('emoji keys read as TUIKit English names', () => {
    expect(emojiKeysToNames('ok[TUIEmoji_Smile]!')).toBe('ok[Smile]!')
    expect(emojiKeysToNames('[not]')).toBe('[not]')
  })
})
