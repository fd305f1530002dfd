// Values the API gives in English are named in the UI's language (issue 15 item 16).
import { describe, expect, test } from 'vitest'
import { elementTypeName, groupTypeName } from '../../../src-renderer/src/lib/i18n/values'

describe('a Chinese UI names every value, not only its labels', () => {
  test('each group type by Tencent Cloud IM’s Chinese name', () => {
    expect(groupTypeName('zh-CN', 'Public')).toBe('陌生人社交群')
    expect(groupTypeName('zh-CN', 'Private')).toBe('好友工作群')
    expect(groupTypeName('zh-CN', 'Work')).toBe('好友工作群')
    expect(groupTypeName('zh-CN', 'ChatRoom')).toBe('临时会议群')
    expect(groupTypeName('zh-CN', 'Meeting')).toBe('会议群')
    expect(groupTypeName('zh-CN', 'AVChatRoom')).toBe('直播群')
    expect(groupTypeName('zh-CN', 'BChatRoom')).toBe('在线成员广播大群')
    expect(groupTypeName('zh-CN', 'Community')).toBe('社群')
  })

  test('the English names, and an unknown type as given', () => {
    expect(groupTypeName('en', 'Public')).toBe('Public')
    expect(groupTypeName('en', 'AVChatRoom')).toBe('Live stream (AVChatRoom)')
    expect(groupTypeName('zh-CN', 'SomethingNew')).toBe('SomethingNew')
    expect(groupTypeName('zh-CN', 'constructor')).toBe('constructor')
  })

  test('element types', () => {
    expect(elementTypeName('zh-CN', 'TIMImageElem')).toBe('图片')
    expect(elementTypeName('en', 'TIMVideoFileElem')).toBe('Video')
    expect(elementTypeName('zh-CN', 'TIMNewElem')).toBe('TIMNewElem')
  })
})
