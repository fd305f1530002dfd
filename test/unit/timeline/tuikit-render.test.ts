import { describe, expect, it } from 'vitest'
import { callPhrase, cloudDataRest, groupCreatePhrase, quoteParts, stickerPhrase } from '../../../src-renderer/src/lib/format/message'
import { translate } from '../../../src-renderer/src/lib/i18n/core'
import { readCustom } from '../../../src-main/shared/tuikit/custom'
import { readFace } from '../../../src-main/shared/tuikit/face'
import { parseReply } from '../../../src-main/shared/tuikit/reply'

const call = (data: object, inner: object) => {
  const v = readCustom(
    JSON.stringify({
      businessID: 1,
      inviteID: 'i1',
      inviter: 'alice',
      inviteeList: ['bob'],
      ...data,
      data: JSON.stringify({ businessID: 'av_call', ...inner })
    })
  )
  if (v.kind !== 'call') throw new Error('not a call')
  return v
}

describe('timeline wording of TUIKit messages', () => {
  it('a quote shows the abstract of text, a type label for an image', () => {
    const text = parseReply({ messageReply: { messageSender: 'Alice', messageAbstract: 'ok [TUIEmoji_Smile]\nsee you', messageType: 1, messageSequence: 3 } })
    expect(text && quoteParts(text)).toEqual({ type: undefined, abstract: 'ok [Smile] see you' })
    const image = parseReply({ messageReply: { messageSender: 'Bob', messageType: 3, messageSequence: 4 } })
    const parts = image && quoteParts(image)
    expect(parts?.type && translate('en', parts.type.key)).toBe('[Image]')
    expect(parts?.type && translate('zh-CN', parts.type.key)).toBe('[图片]')
  })

  it('call records read as TUIKit words them', () => {
    const en = (p: { key: Parameters<typeof translate>[1]; params?: Record<string, string | number> }) => translate('en', p.key, p.params)
    expect(en(callPhrase(call({ actionType: 1 }, { call_type: 1, call_end: 75 }), 'alice', 'en'))).toBe('Call ended, 1:15')
    expect(en(callPhrase(call({ actionType: 1 }, { call_type: 2 }), 'alice', 'en'))).toBe('alice started a call')
    expect(en(callPhrase(call({ actionType: 4 }, { line_busy: '' }), 'bob', 'en'))).toBe('bob was busy')
    expect(en(callPhrase(call({ actionType: 4 }, {}), 'bob', 'en'))).toBe('bob declined the call')
    expect(en(callPhrase(call({ actionType: 5, groupID: '@TGS#1' }, {}), 'alice', 'en'))).toBe('No answer from bob')
    expect(en(callPhrase(call({ actionType: 9 }, {}), 'alice', 'en'))).toBe('A call signal this app does not know')
  })

  it('group created names the operator, else the sender', () => {
    const v = readCustom('{"businessID":"group_create","opUser":"alice","content":"创建群组"}')
    if (v.kind !== 'groupCreate') throw new Error('kind')
    const p = groupCreatePhrase(v, 'bob')
    expect(translate('zh-CN', p.key, p.params)).toBe('alice 创建了群组')
    const old = readCustom('group_create')
    if (old.kind !== 'groupCreate') throw new Error('kind')
    expect(groupCreatePhrase(old, 'bob').params?.['name']).toBe('bob')
  })

  it('stickers by name', () => {
    const p = stickerPhrase(readFace({ Index: 1, Data: 'yz05' }))
    expect(p && translate('en', p.key, p.params)).toBe('Sticker yz05 · pack 1')
    expect(stickerPhrase(readFace({ Index: 24 }))).toBeUndefined()
  })

  it('CloudCustomData: the reply is shown as a quote, the rest as readable data', () => {
    expect(cloudDataRest('{"messageReply":{"messageSender":"a","messageSequence":1}}')).toEqual({ kind: 'empty' })
    expect(cloudDataRest('{"messageReply":{"messageSender":"a"},"messageFeature":{"needTyping":1}}')).toMatchObject({
      kind: 'json',
      pretty: '{\n  "messageFeature": {\n    "needTyping": 1\n  }\n}'
    })
    expect(cloudDataRest('your cloud custom data')).toEqual({ kind: 'text', text: 'your cloud custom data' })
    expect(cloudDataRest(undefined)).toEqual({ kind: 'empty' })
    expect(cloudDataRest('\u0001\u0002').kind).toBe('binary')
  })
})
