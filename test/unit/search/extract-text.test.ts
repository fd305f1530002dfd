import { describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { features, messageTerms, searchableText } from '../../../src-main/shared/search/extract-text'
import { custom, face, file, image, location, msg, relay, sound, text, textMsg, video } from './fixtures'

const lines = (m: ArchivedMessage): string[] => searchableText(m).split('\n')

describe('the text search sees in a message', () => {
  it('takes text, location descriptions, file names and face names', () => {
    const m = msg([text('see the map'), location('北京市海淀区'), file('Q3 report.pdf'), face('[微笑]')])
    expect(lines(m)).toEqual(['see the map', '北京市海淀区', 'Q3 report.pdf', '[微笑]'])
  })

  it('leaves out media references of images, sounds, videos and files', () => {
    const m = msg([image(), sound(), video(), file('a.txt')])
    expect(searchableText(m)).toBe('a.txt')
  })

  it('takes custom Desc, Ext and the string values of JSON Data, not keys or blobs', () => {
    const data = JSON.stringify({
      businessID: 'order',
      title: '订单已发货',
      price: 199,
      sig: 'A'.repeat(80)
    })
    const m = msg([custom({ Data: data, Desc: 'An order', Ext: 'ext words' })])
    const t = searchableText(m)
    expect(t).toContain('An order')
    expect(t).toContain('ext words')
    expect(t).toContain('订单已发货')
    expect(t).toContain('order')
    expect(t).not.toContain('businessID')
    expect(t).not.toContain('199')
    expect(t).not.toContain('AAAA')
  })

  it('opens JSON inside a JSON string, and keeps non-JSON data without its encoded runs', () => {
    const inner = JSON.stringify({ text: 'nested hello' })
    expect(searchableText(msg([custom({ Data: JSON.stringify({ payload: inner }) })]))).toBe('nested hello')
    expect(searchableText(msg([custom({ Data: `plain words ${'QUJD'.repeat(30)} tail` })])).trim()).toMatch(/^plain words\s+tail$/)
    expect(searchableText(msg([custom({ Data: '{not json' })]))).toBe('{not json')
  })

  it('takes a forwarded bundle’s title, abstract and every nested message, recursively', () => {
    const inner = relay('Inner chat', ['carol: deep'], [[text('the deepest line')]])
    const m = msg([relay('Chat history of alice and bob', ['alice: hi', 'bob: yo'], [[text('nested text')], [inner]])])
    const t = searchableText(m)
    for (const s of ['Chat history of alice and bob', 'alice: hi', 'bob: yo', 'nested text', 'Inner chat', 'carol: deep', 'the deepest line']) {
      expect(t).toContain(s)
    }
    expect(t).not.toContain('[Chat History]')
  })

  it('summarizes system messages whose body is an object', () => {
    const tip = msg(
      {
        MsgType: 'TIMGroupTipElem',
        MsgContent: {
          OpType: 'Join',
          Operator_Account: 'admin',
          MemberAccount_List: ['dave', 'erin']
        }
      },
      { IsSystemMsg: 1, From_Account: '@TIM#SYSTEM' }
    )
    expect(lines(tip)).toEqual(['Join', 'admin', 'dave', 'erin'])
    const bare = msg(
      {
        GroupTips: {
          OpType: 'ModifyGroupInfo',
          GroupInfo: { Name: 'Release crew', FaceUrl: 'https://x/face.png' }
        }
      },
      { IsSystemMsg: 1 }
    )
    expect(lines(bare)).toEqual(['ModifyGroupInfo', 'Release crew'])
  })

  it('also takes the body the server has since changed to', () => {
    const m = textMsg('first draft', {
      _archive: {
        server: { IsPlaceMsg: 0, MsgBody: [text('edited text')], seenAt: '2024-06-01T00:00:00Z' }
      }
    })
    expect(lines(m)).toEqual(['first draft', 'edited text'])
  })

  it('takes the text of every earlier version of an edited message, each body once', () => {
    const m = textMsg('third', {
      _archive: {
        versions: [{ MsgBody: [text('first draft')] }, { seenAt: '2024-06-01T00:00:00Z', MsgBody: [text('second go')] }, { MsgBody: [text('third')] }],
        seenAt: '2024-06-02T00:00:00Z'
      }
    })
    expect(lines(m)).toEqual(['third', 'first draft', 'second go'])
    expect(messageTerms(m)).toContain('draft')
  })

  it('never throws on malformed records', () => {
    const bad = [
      msg(null as unknown as []),
      msg([null, 1, 'x', { MsgType: 5 }, { MsgType: 'TIMTextElem' }, { MsgType: 'TIMTextElem', MsgContent: { Text: 7 } }] as unknown as []),
      msg([
        {
          MsgType: 'TIMRelayElem',
          MsgContent: { AbstractList: 'no', MsgList: [null, { MsgBody: 'x' }] }
        }
      ] as unknown as []),
      msg([], { _archive: 'x' as unknown as undefined }),
      msg([], { _archive: { versions: [null, 1, { MsgBody: 'x' }] } as unknown as undefined })
    ]
    for (const m of bad) {
      expect(() => searchableText(m)).not.toThrow()
      expect(() => features(m)).not.toThrow()
    }
  })

  it('indexes a message by the terms of its text', () => {
    expect(messageTerms(msg([text('数据同步'), file('Notes.TXT')]))).toEqual(['数据', '据同', '同步', '数', '据', '同', '步', 'notes', 'txt', 'notestxt'])
  })
})

describe('message features', () => {
  it('lists the kinds of elements, including those of forwarded messages', () => {
    expect([...features(msg([text('x'), image(), file('f'), sound(), video(), location('l'), custom({ Data: '1' }), face('f')])).has].sort()).toEqual(
      ['custom', 'face', 'file', 'image', 'location', 'sound', 'video'].sort()
    )
    expect([...features(msg([relay('t', [], [[image()]])])).has].sort()).toEqual(['image', 'relay'])
    expect(features(textMsg('plain')).has.size).toBe(0)
  })

  it('has a link when any text holds a URL', () => {
    expect(features(textMsg('see https://example.com/x')).has.has('link')).toBe(true)
    expect(features(textMsg('看这个www.example.cn')).has.has('link')).toBe(true)
    expect(features(textMsg('ＨＴＴＰＳ：／／ｅｘａｍｐｌｅ．ｃｏｍ')).has.has('link')).toBe(true)
    expect(features(msg([relay('t', [], [[text('ftp://files.example.org')]])])).has.has('link')).toBe(true)
    expect(features(textMsg('example.com and https:// alone')).has.has('link')).toBe(false)
    // Media URLs are not links somebody wrote.
    expect(features(msg([image()])).has.has('link')).toBe(false)
  })

  it('tells deleted, recalled, removed and system messages', () => {
    const seenAt = '2024-06-01T00:00:00Z'
    const is = (m: ArchivedMessage): string[] => [...features(m).is].sort()
    expect(is(msg([], { IsPlaceMsg: 1 }))).toEqual(['deleted'])
    expect(is(msg([], { IsPlaceMsg: 2 }))).toEqual(['recalled'])
    expect(is(textMsg('kept', { _archive: { server: { IsPlaceMsg: 1, seenAt } } }))).toEqual(['deleted', 'removed'])
    expect(is(textMsg('kept', { _archive: { server: { IsPlaceMsg: 2, seenAt } } }))).toEqual(['recalled', 'removed'])
    // An older archive's changed-body note is an edit (issue 18 §5), not a removal.
    expect(is(textMsg('kept', { _archive: { server: { IsPlaceMsg: 0, MsgBody: [text('new')], seenAt } } }))).toEqual(['edited'])
    expect(is(textMsg('now', { _archive: { versions: [{ MsgBody: [text('before')] }], seenAt } }))).toEqual(['edited'])
    expect(is(msg({ x: 'y' }, { IsSystemMsg: 1 }))).toEqual(['system'])
    expect(is(textMsg('normal'))).toEqual([])
  })
})
