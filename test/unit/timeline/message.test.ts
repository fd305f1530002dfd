import { describe, expect, it } from 'vitest'
import { isEdited, migrateRecord, type ArchivedMessage } from '../../../src-main/shared/archive-record'
import { translate } from '../../../src-renderer/src/lib/i18n/translate'
import {
  bodyElements,
  bodyHasContent,
  imageFormatName,
  numericField,
  placeState,
  senderHue,
  serverNote,
  shortValue,
  systemSummary
} from '../../../src-renderer/src/lib/format/message'

const say = (body: unknown, locale: 'en' | 'zh-CN' = 'en'): string =>
  systemSummary(body, locale)
    .map((p) => translate(locale, p.key, p.params))
    .join(' · ')

describe('summarizing system messages', () => {
  it('reads an object-shaped group tip (the body is not an array)', () => {
    const body = {
      MsgType: 'TIMGroupTipElem',
      MsgContent: { OpType: 'Join', Operator_Account: 'bob', MemberAccount_List: ['yossi'] }
    }
    expect(say(body)).toBe('bob added yossi')
    expect(say(body, 'zh-CN')).toBe('bob 邀请 yossi 加入了群')
  })

  it('reads someone joining on their own', () => {
    expect(
      say({
        MsgType: 'TIMGroupTipElem',
        MsgContent: { OpType: 'Join', MemberAccount_List: ['alice', 'bob'] }
      })
    ).toBe('alice and bob joined the group')
  })

  it('reads a group info change with the new values', () => {
    const body = {
      MsgType: 'TIMGroupTipElem',
      MsgContent: {
        OpType: 'ModifyGroupInfo',
        Operator_Account: 'administrator',
        GroupInfo: { Name: '产品研发 Team 🚀' }
      }
    }
    expect(say(body)).toBe('administrator changed the group info: Name: 产品研发 Team 🚀')
  })

  it('reads a bare event object without MsgType', () => {
    expect(say({ OpType: 'Quit', Operator_Account: 'li_lei', Reason: 'left the group' })).toBe('li_lei left the group')
  })

  it('reads the group creation tip', () => {
    const body = {
      MsgType: 'TIMGroupTipElem',
      MsgContent: {
        OpType: 'Create',
        Operator_Account: 'administrator',
        GroupName: '产品研发 Team'
      }
    }
    expect(say(body)).toBe('administrator created the group 产品研发 Team')
  })

  it('names an event it does not know, with its fields', () => {
    expect(say({ OpType: 'Frobnicate', Level: 3 })).toBe('Group event Frobnicate: Level: 3')
  })

  it('reads an array body of ordinary elements', () => {
    const body = [
      {
        MsgType: 'TIMCustomElem',
        MsgContent: {
          Data: '{"businessID":"group_notice","text":"群公告已更新"}',
          Desc: 'group notice',
          Ext: ''
        }
      }
    ]
    expect(say(body)).toBe('group notice: {"businessID":"group_notice","text":"群公告已更新"}')
    expect(
      say([
        { MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } },
        { MsgType: 'TIMNewElem', MsgContent: {} }
      ])
    ).toBe('hi · [TIMNewElem]')
  })

  it('summarizes any other object by its fields, and an empty body as a system message', () => {
    expect(say({ Foo: 'bar', N: 1 })).toBe('System message: Foo: bar, N: 1')
    expect(say({})).toBe('System message')
    expect(say([])).toBe('System message')
    expect(say(null)).toBe('System message')
  })

  it('shows control characters and cuts long values in a summary', () => {
    expect(say({ OpType: 'Quit', Operator_Account: 'evil\u202Ename\u0000' })).toBe('evil\\u202ename\\u0000 left the group')
    expect(shortValue('x'.repeat(100), 10)).toBe('xxxxxxxxxx…')
  })
})

describe('reading message bodies', () => {
  it('takes an array as it is and a single element object as one element', () => {
    const el = { MsgType: 'TIMTextElem', MsgContent: { Text: 'a' } }
    expect(bodyElements([el, 42])).toEqual([el, 42])
    expect(bodyElements(el)).toEqual([el])
    expect(bodyElements({ OpType: 'Quit' })).toEqual([])
    expect(bodyElements(undefined)).toEqual([])
  })

  it('knows when a body is empty', () => {
    expect(bodyHasContent([])).toBe(false)
    expect(bodyHasContent({})).toBe(false)
    expect(bodyHasContent([{ MsgType: 'X', MsgContent: {} }])).toBe(true)
    expect(bodyHasContent({ OpType: 'Quit' })).toBe(true)
  })

  it('formats numeric fields and shows malformed ones as they are', () => {
    expect(numericField(5, (n) => `${n} B`)).toBe('5 B')
    expect(numericField('5', (n) => `${n} B`)).toBe('5')
    expect(numericField(undefined, (n) => `${n} B`)).toBe('')
  })

  it('names image formats by their codes', () => {
    expect([1, 2, 3, 4, 255].map(imageFormatName)).toEqual(['JPG', 'GIF', 'PNG', 'BMP', undefined])
  })

  it('gives a sender the same colour every time', () => {
    expect(senderHue('alice')).toBe(senderHue('alice'))
    expect(senderHue('alice')).toBeGreaterThanOrEqual(0)
    expect(senderHue('alice')).toBeLessThan(360)
  })
})

describe('placeholders and what the server did since archiving', () => {
  const base: ArchivedMessage = {
    GroupId: 'g',
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
    MsgRandom: 1,
    MsgSeq: 5,
    MsgTimeStamp: 1_700_000_000
  }

  it('reads IsPlaceMsg', () => {
    expect(placeState(base)).toBe('normal')
    expect(placeState({ IsPlaceMsg: 1 })).toBe('deleted')
    expect(placeState({ IsPlaceMsg: 2 })).toBe('recalled')
  })

  it('reads the server note kept next to archived content', () => {
    const seenAt = '2026-11-25T00:00:00.000Z'
    expect(serverNote(base)).toBeUndefined()
    expect(serverNote({ ...base, _archive: { server: { IsPlaceMsg: 1, seenAt } } })).toBe('deleted')
    expect(serverNote({ ...base, _archive: { server: { IsPlaceMsg: 2, seenAt } } })).toBe('recalled')
    // The older changed-body form has no note: read through migrateRecord (as the timeline reads
    // every record) it is an edit, and no server note is left.
    expect(serverNote({ ...base, _archive: { server: { IsPlaceMsg: 0, MsgBody: [], seenAt } } })).toBeUndefined()
    const older = { ...base, _archive: { server: { IsPlaceMsg: 0, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'new' } }], seenAt } } }
    const read = migrateRecord(older as ArchivedMessage)
    expect(read._archive?.server).toBeUndefined()
    expect(isEdited(read)).toBe(true)
    // An IsPlaceMsg Tencent does not document is no note either.
    expect(serverNote({ ...base, _archive: { server: { IsPlaceMsg: 3, seenAt } } })).toBeUndefined()
  })
})
