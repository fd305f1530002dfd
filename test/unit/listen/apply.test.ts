import { describe, expect, it } from 'vitest'
import { isEdited, mergeMessage, messageVersions, type ArchivedMessage } from '../../../src-main/shared/archive-record'
import { applyModify, applyRecall, applySend, foldPending } from '../../../src-main/listen/apply'
import type { MsgElement, RawMessage } from '../../../src-main/shared/tim-types'

const text = (t: string): MsgElement[] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]
const sent: ArchivedMessage = { GroupId: 'g', From_Account: 'a', IsPlaceMsg: 0, MsgBody: text('hello'), MsgRandom: 7, MsgSeq: 5, MsgTimeStamp: 1_800_000_000 }
/** What group_msg_get_simple returns for it (MsgPriority besides). */
const pulled = (body = text('hello')): RawMessage => ({
  From_Account: 'a',
  IsPlaceMsg: 0,
  MsgBody: body,
  MsgPriority: 2,
  MsgRandom: 7,
  MsgSeq: 5,
  MsgTimeStamp: 1_800_000_000
})
const t0 = 1_800_000_000_000

describe('applying callbacks by the merge rule', () => {
  it('a send over the same pulled message adds nothing', () => {
    const archived = mergeMessage(undefined, pulled(), 'g').record
    expect(applySend(archived, sent, new Date())).toEqual(archived)
  })

  it('an edit is a new version; the same edit again changes nothing', () => {
    const once = applyModify(sent, text('hello, edited'), t0 + 1000)
    expect(messageVersions(once).map((v) => v.MsgBody)).toEqual([text('hello'), text('hello, edited')])
    expect(isEdited(once)).toBe(true)
    expect(once._archive?.seenAt).toBe(new Date(t0 + 1000).toISOString())
    expect(applyModify(once, text('hello, edited'), t0 + 1000)).toEqual(once)
  })

  it('two edits arriving out of order keep the order they happened in', () => {
    const inOrder = applyModify(applyModify(sent, text('B'), t0 + 1000), text('C'), t0 + 2000)
    const reversed = applyModify(applyModify(sent, text('C'), t0 + 2000), text('B'), t0 + 1000)
    expect(messageVersions(reversed).map((v) => v.MsgBody)).toEqual([text('hello'), text('B'), text('C')])
    expect(reversed.MsgBody).toEqual(text('C'))
    expect(messageVersions(inOrder)).toEqual(messageVersions(reversed))
  })

  it('a modify that came before its send: the send is the original, the edit the current copy', () => {
    const r = foldPending(applySend(undefined, sent, new Date(t0)), [{ kind: 'modify', eventTimeMs: t0 + 500, msgBody: text('edited first') }])
    expect(r.MsgBody).toEqual(text('edited first'))
    expect(messageVersions(r)[0]!.MsgBody).toEqual(text('hello'))
  })

  it('a send after a pull that saw only the edited copy: the sent text becomes the original version', () => {
    const archived = mergeMessage(undefined, pulled(text('edited')), 'g').record
    const r = applySend(archived, sent, new Date(t0))
    expect(messageVersions(r).map((v) => v.MsgBody)).toEqual([text('hello'), text('edited')])
    expect(r.MsgBody).toEqual(text('edited'))
    expect(r.MsgPriority).toBe(2)
  })

  it('a recall keeps the content and records the verdict a later pull agrees with', () => {
    const r = applyRecall(sent, t0 + 3000)
    expect(r.MsgBody).toEqual(text('hello'))
    expect(r._archive?.server).toEqual({ IsPlaceMsg: 2, seenAt: new Date(t0 + 3000).toISOString() })
    // The pull then sees the recalled placeholder: nothing changes.
    const after = mergeMessage(r, { From_Account: 'a', IsPlaceMsg: 2, MsgBody: [], MsgPriority: 2, MsgRandom: 7, MsgSeq: 5, MsgTimeStamp: 1_800_000_000 }, 'g')
    expect(after.outcome).toBe('unchanged')
    expect(applyRecall(r, t0 + 9000)).toEqual(r)
  })

  it('a send for a message pulled only as a recalled placeholder keeps the sent content under the verdict', () => {
    const placeholder = mergeMessage(undefined, { ...pulled(), IsPlaceMsg: 2, MsgBody: [] }, 'g').record
    const r = applySend(placeholder, sent, new Date(t0))
    expect(r.MsgBody).toEqual(text('hello'))
    expect(r._archive?.server?.IsPlaceMsg).toBe(2)
  })
})
