import { describe as suite, expect, it } from 'vitest'
import { describe, docText } from '../../../src-main/export/model'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'

// The MIF message of Tencent's own group_msg_get_simple sample (docs/reference/tencent-im-api.md
// §1.4): its custom Data is protobuf bytes, which an export must not print as control characters.
const mif = {
  GroupId: '@TGS#15ERQPAER',
  From_Account: '144115197276518801',
  MsgSeq: 7803321,
  MsgTimeStamp: 1458721802,
  MsgRandom: 1,
  IsPlaceMsg: 0,
  MsgBody: [
    { MsgType: 'TIMCustomElem', MsgContent: { Data: '\b\u0001\u0010\u0006\u001A\u0006MaoTong', Desc: 'MIF', Ext: '' } },
    { MsgType: 'TIMFaceElem', MsgContent: { Index: 15, Data: '' } }
  ]
} as unknown as ArchivedMessage

suite('export text of custom data', () => {
  it('writes bytes as hex, never raw control characters or escapes', () => {
    const text = docText(describe(mif))
    expect(text).toContain('hex: 08 01 10 06 1a 06 4d 61 6f 54 6f 6e 67 (13 bytes; text: MaoTong)')
    expect(text).not.toMatch(/[\u0000-\u0008\u001A]/)
    expect(text).not.toContain('\\u0001')
  })
})
