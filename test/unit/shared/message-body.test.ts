// The one reader of untrusted message bodies (issue 16 §5): hostile records never throw, and what
// the timeline, an export and search show of them comes from the same reading.
import { describe, expect, test } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import {
  asText,
  bestImage,
  bodyElements,
  bodyHasContent,
  bodyItems,
  imageFormatName,
  readEntry,
  relayContent,
  relayItem,
  safeHttpUrl
} from '../../../src-main/shared/message-body'
import { describe as describeMessage, docText } from '../../../src-main/export/model'
import { searchableText } from '../../../src-main/shared/search/extract-text'

function record(body: unknown, extra: Record<string, unknown> = {}): ArchivedMessage {
  return { GroupId: 'g', MsgSeq: 1, MsgTimeStamp: 1_700_000_000, From_Account: 'alice', MsgBody: body, ...extra } as unknown as ArchivedMessage
}

/** What an export shows and what search finds, for one body. */
function seen(body: unknown): { export: string; search: string } {
  const m = record(body)
  return { export: docText(describeMessage(m)), search: searchableText(m) }
}

const hostileBodies: unknown[] = [
  undefined,
  null,
  0,
  'plain string body',
  [],
  {},
  [null, 1, 'x', [], {}],
  { MsgType: 42 },
  { MsgType: 'TIMTextElem' },
  { MsgType: 'TIMTextElem', MsgContent: null },
  { MsgType: 'TIMTextElem', MsgContent: [] },
  { MsgType: 'TIMTextElem', MsgContent: { Text: { nested: true } } },
  [{ MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: 'nope', ImageFormat: '1' } }],
  [{ MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: [null, 3, { Type: '1', URL: 'javascript:alert(1)' }] } }],
  [{ MsgType: 'TIMRelayElem', MsgContent: { MsgList: 'x', AbstractList: {}, MsgNum: 'many' } }],
  [{ MsgType: 'TIMRelayElem', MsgContent: { MsgList: [null, 7, { MsgBody: 'oops', MsgTimeStamp: Infinity }] } }],
  [{ MsgType: 'TIMFileElem', MsgContent: { FileName: 12, FileSize: NaN, Url: 'file:///etc/passwd' } }],
  [{ MsgType: 'TIMSoundElem', MsgContent: { Second: '3', Url: 'data:audio/wav;base64,AAAA' } }],
  [{ MsgType: 'TIMVideoFileElem', MsgContent: { VideoSecond: null, VideoFormat: ['mp4'] } }],
  [{ MsgType: 'TIMLocationElem', MsgContent: { Desc: null, Latitude: '1', Longitude: 2 } }],
  [{ MsgType: 'TIMFaceElem', MsgContent: { Index: {}, Data: 5 } }],
  [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{not json', Desc: false, Ext: [1, 2] } }],
  [{ MsgType: 'TIMNewElemFrom2030', MsgContent: { Whatever: 'future text', ThumbUrl: 'https://cdn/x' } }]
]

describe('the message-body reader', () => {
  test('never throws on hostile bodies, in any of its readers', () => {
    for (const body of hostileBodies) {
      expect(() => bodyItems(body).map(readEntry)).not.toThrow()
      expect(() => bodyElements(body)).not.toThrow()
      expect(() => bodyHasContent(body)).not.toThrow()
      expect(() => seen(body)).not.toThrow()
    }
  })

  test('a body that is nothing (missing, null, a number, an empty object or list) shows nothing', () => {
    for (const body of [undefined, null, 0, {}, []]) {
      expect(bodyItems(body)).toEqual([])
      expect(bodyHasContent(body)).toBe(false)
      expect(seen(body)).toEqual({ export: '', search: '' })
    }
  })

  test('entries are read as elements, bare event objects, or unsupported values', () => {
    expect(readEntry({ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } })).toMatchObject({ kind: 'element', type: 'TIMTextElem', content: { Text: 'hi' } })
    expect(readEntry({ MsgType: 'TIMTextElem', MsgContent: null })).toMatchObject({ kind: 'element', content: {} })
    expect(readEntry({ MsgType: 42, OpType: 'Join' })).toEqual({ kind: 'object', fields: { MsgType: 42, OpType: 'Join' } })
    expect(readEntry('x')).toEqual({ kind: 'value', value: 'x' })
    expect(readEntry(null)).toEqual({ kind: 'value', value: null })
    expect(readEntry([1])).toEqual({ kind: 'value', value: [1] })
  })

  test('a single object body is one entry for exports and search, but only an element is one for the timeline', () => {
    const event = { OpType: 'Join', Member_Account: 'bob' }
    expect(bodyItems(event)).toEqual([event])
    expect(bodyElements(event)).toEqual([])
    expect(seen(event)).toEqual({ export: '[Join; members: bob]', search: 'Join\nbob' })
  })

  test('a wrong-typed text is written out in an export, and not searched as words', () => {
    expect(seen({ MsgType: 'TIMTextElem', MsgContent: { Text: 42 } })).toEqual({ export: '42', search: '' })
    expect(seen([{ MsgType: 'TIMTextElem', MsgContent: { Text: null } }])).toEqual({ export: '', search: '' })
  })

  test('non-elements in a body are shown as unsupported in an export and add nothing to search', () => {
    expect(seen([null, 1, 'x'])).toEqual({ export: '[unsupported element] [unsupported element] 1 [unsupported element] x', search: '' })
  })

  test('only http(s) media links are offered; other schemes and broken URLs are dropped', () => {
    expect(safeHttpUrl('https://cos.example.com/a.jpg')).toBe('https://cos.example.com/a.jpg')
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'http://', 'https://[bad', 7, null])
      expect(safeHttpUrl(bad)).toBeUndefined()
    expect(seen([{ MsgType: 'TIMFileElem', MsgContent: { FileName: 'a.pdf', Url: 'file:///etc/passwd' } }]).export).toBe('[file: a.pdf]')
  })

  test('an image is read from its original, else its first usable entry; junk entries are skipped', () => {
    expect(bestImage({ ImageInfoArray: [null, 3, { Type: 2, Width: 1 }, { Type: 1, Width: 2 }] })).toEqual({ Type: 1, Width: 2 })
    expect(bestImage({ ImageInfoArray: [null, { Type: 3, Width: 5 }] })).toEqual({ Type: 3, Width: 5 })
    expect(bestImage({ ImageInfoArray: 'nope' })).toBeUndefined()
    expect(imageFormatName('1')).toBeUndefined()
    expect(imageFormatName(3)).toBe('PNG')
    expect(seen([{ MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: [{ Type: 1, URL: 'javascript:x', Width: 'w' }] } }]).export).toBe('[image]')
  })

  test('a forwarded history with a broken list: junk items skipped, wrong-typed fields ignored', () => {
    const c = {
      Title: 7,
      MsgList: [null, 7, { From_Account: 'bob', MsgTimeStamp: Infinity, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'fwd' } }] }],
      MsgNum: 'many'
    }
    const relay = relayContent(c)
    expect(relay).toMatchObject({ title: undefined, count: undefined, abstract: [] })
    expect(relay.list?.map(relayItem).filter(Boolean)).toHaveLength(1)
    expect(relayItem({ From_Account: 'bob', MsgTimeStamp: Infinity })).not.toHaveProperty('time')
    expect(seen([{ MsgType: 'TIMRelayElem', MsgContent: c }])).toEqual({ export: '[forwarded: 7]\n  bob: fwd', search: 'fwd' })
  })

  test('a history nested deeper than the reader goes is cut off, not followed forever', () => {
    let body: unknown = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'bottom' } }]
    for (let i = 0; i < 50; i++) body = [{ MsgType: 'TIMRelayElem', MsgContent: { Title: `level ${i}`, MsgList: [{ MsgBody: body }] } }]
    const s = seen(body)
    expect(s.search).not.toContain('bottom')
    expect(s.export).not.toContain('bottom')
    expect(s.search).toContain('level 49')
  })

  test('huge strings pass through whole: the reader does not cut what callers show', () => {
    const huge = 'x'.repeat(1_000_000)
    expect(seen([{ MsgType: 'TIMTextElem', MsgContent: { Text: huge } }])).toEqual({ export: huge, search: huge })
  })

  test('an unknown element type: its name in an export, its strings (not its media links) in search', () => {
    expect(seen([{ MsgType: 'TIMNewElemFrom2030', MsgContent: { Whatever: 'future text', ThumbUrl: 'https://cdn/x' } }])).toEqual({
      export: '[TIMNewElemFrom2030] {"Whatever":"future text","ThumbUrl":"https://cdn/x"}',
      search: 'future text'
    })
  })

  test('asText writes any value, and survives values JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(asText(cyclic)).toBe('')
    expect(asText(10n)).toBe('')
    expect(asText(false)).toBe('false')
    expect(asText({ a: 1 })).toBe('{"a":1}')
  })
})
