import { describe, expect, it } from 'vitest'
import { mergeMessage } from '../../../src-main/shared/archive-record'
import type { RawMessage } from '../../../src-main/shared/tim-types'

const content: RawMessage = {
  From_Account: 'alice',
  IsPlaceMsg: 0,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
  MsgRandom: 1,
  MsgSeq: 5,
  MsgTimeStamp: 1700000000,
  MsgPriority: 1
}
const deleted: RawMessage = { ...content, IsPlaceMsg: 1, MsgBody: [] }
const recalled: RawMessage = { ...content, IsPlaceMsg: 2, MsgBody: [] }

describe('merging a pulled message into the archive', () => {
  it('keeps every field as the API sent it, plus GroupId', () => {
    const { record, outcome } = mergeMessage(undefined, { ...content, SomeNewField: { x: 1 } }, 'g1')
    expect(outcome).toBe('new')
    expect(record).toEqual({ GroupId: 'g1', ...content, SomeNewField: { x: 1 } })
  })

  it('never replaces archived content with a deleted or recalled placeholder', () => {
    const archived = mergeMessage(undefined, content, 'g1').record
    const at = new Date('2026-11-25T00:00:00Z')
    const del = mergeMessage(archived, deleted, 'g1', at)
    expect(del.outcome).toBe('server-changed')
    expect(del.record.MsgBody).toEqual(content.MsgBody)
    expect(del.record.IsPlaceMsg).toBe(0)
    expect(del.record._archive?.server).toEqual({ IsPlaceMsg: 1, seenAt: at.toISOString() })
    const rec = mergeMessage(del.record, recalled, 'g1', at)
    expect(rec.record.MsgBody).toEqual(content.MsgBody)
    expect(rec.record._archive?.server?.IsPlaceMsg).toBe(2)
    // Seeing the same server state again changes nothing.
    expect(mergeMessage(rec.record, recalled, 'g1').outcome).toBe('unchanged')
  })

  it('keeps the original when the server now has a different body, noting the new one', () => {
    const archived = mergeMessage(undefined, content, 'g1').record
    const edited = { ...content, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'edited' } }] }
    const r = mergeMessage(archived, edited, 'g1')
    expect(r.record.MsgBody).toEqual(content.MsgBody)
    expect(r.record._archive?.server?.MsgBody).toEqual(edited.MsgBody)
  })

  it('takes content over an archived placeholder', () => {
    const archived = mergeMessage(undefined, deleted, 'g1').record
    const r = mergeMessage(archived, content, 'g1')
    expect(r.outcome).toBe('upgraded')
    expect(r.record.MsgBody).toEqual(content.MsgBody)
  })

  it('accepts an object-shaped MsgBody on system messages', () => {
    const sys: RawMessage = { ...content, IsSystemMsg: 1, MsgBody: { GroupTips: { OpType: 1 } } }
    expect(mergeMessage(undefined, sys, 'g1').record.MsgBody).toEqual({ GroupTips: { OpType: 1 } })
  })
})
