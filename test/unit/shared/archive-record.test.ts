import { describe, expect, it } from 'vitest'
import {
  isEdited,
  maxKeptVersions,
  mergeArchivedCopies,
  mergeMessage,
  messageVersions,
  migrateRecord,
  type ArchivedMessage
} from '../../../src-main/shared/archive-record'
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

const say = (text: string): RawMessage['MsgBody'] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
const t = (n: number): Date => new Date(Date.UTC(2026, 11, 1, 0, n))
const texts = (m: ArchivedMessage): string[] => messageVersions(m).map((v) => (v.MsgBody as unknown as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)

describe('an edited message keeps every version the archive has seen (issue 18 §5)', () => {
  it('keeps three versions in the order they were seen, the current one on top', () => {
    let rec = mergeMessage(undefined, content, 'g1', t(0)).record
    const second = mergeMessage(rec, { ...content, MsgBody: say('second') }, 'g1', t(1))
    expect(second.outcome).toBe('edited')
    rec = mergeMessage(second.record, { ...content, MsgBody: say('third') }, 'g1', t(2)).record
    expect(rec.MsgBody).toEqual(say('third'))
    expect(rec._archive).toEqual({
      versions: [{ MsgBody: say('hello') }, { seenAt: t(1).toISOString(), MsgBody: say('second') }],
      seenAt: t(2).toISOString()
    })
    expect(texts(rec)).toEqual(['hello', 'second', 'third'])
    expect(isEdited(rec)).toBe(true)
    expect(isEdited(mergeMessage(undefined, content, 'g1').record)).toBe(false)
  })

  it('records a change of CloudCustomData alone as a version, with the old CloudCustomData', () => {
    const rec = mergeMessage(undefined, { ...content, CloudCustomData: 'a' }, 'g1', t(0)).record
    const r = mergeMessage(rec, { ...content, CloudCustomData: 'b' }, 'g1', t(1))
    expect(r.outcome).toBe('edited')
    expect(r.record.CloudCustomData).toBe('b')
    expect(r.record._archive?.versions).toEqual([{ MsgBody: content.MsgBody, CloudCustomData: 'a' }])
  })

  it('does not take a copy without CloudCustomData for an edit, and keeps the archived CloudCustomData', () => {
    const rec = mergeMessage(undefined, { ...content, CloudCustomData: 'reply' }, 'g1', t(0)).record
    const r = mergeMessage(rec, content, 'g1', t(1))
    expect(r.outcome).toBe('unchanged')
    expect(r.record.CloudCustomData).toBe('reply')
    expect(r.record._archive).toBeUndefined()
  })

  it('changes nothing when the same copy is pulled again (idempotent), and never drops versions for a placeholder', () => {
    let rec = mergeMessage(undefined, content, 'g1', t(0)).record
    rec = mergeMessage(rec, { ...content, MsgBody: say('second') }, 'g1', t(1)).record
    const again = mergeMessage(rec, { ...content, MsgBody: say('second') }, 'g1', t(5))
    expect(again.outcome).toBe('unchanged')
    expect(again.record).toBe(rec)
    const gone = mergeMessage(rec, recalled, 'g1', t(6))
    expect(gone.outcome).toBe('server-changed')
    expect(gone.record.MsgBody).toEqual(say('second'))
    expect(texts(gone.record)).toEqual(['hello', 'second'])
    expect(gone.record._archive?.server?.IsPlaceMsg).toBe(2)
  })

  it('keeps a return to an earlier text as a new version (A, B, A)', () => {
    let rec = mergeMessage(undefined, content, 'g1', t(0)).record
    rec = mergeMessage(rec, { ...content, MsgBody: say('B') }, 'g1', t(1)).record
    rec = mergeMessage(rec, content, 'g1', t(2)).record
    expect(texts(rec)).toEqual(['hello', 'B', 'hello'])
    expect(rec._archive?.seenAt).toBe(t(2).toISOString())
  })

  it('caps the versions kept: the original and the latest ones, counting those not kept', () => {
    let rec = mergeMessage(undefined, content, 'g1', t(0)).record
    const edits = maxKeptVersions + 5
    for (let i = 1; i <= edits; i++) rec = mergeMessage(rec, { ...content, MsgBody: say(`v${i}`) }, 'g1', t(i)).record
    const v = rec._archive!.versions!
    expect(v).toHaveLength(maxKeptVersions)
    expect(texts(rec)[0]).toBe('hello')
    expect(texts(rec).at(-1)).toBe(`v${edits}`)
    expect(texts(rec).at(-2)).toBe(`v${edits - 1}`)
    // hello, v1..v25: 26 copies; 20 earlier + the current kept; 5 in between (v1..v5) not kept.
    expect(rec._archive!.versionsDropped).toBe(5)
    expect(texts(rec)[1]).toBe('v6')
  })

  it('caps CloudCustomData-only versions first, so every text an admin wrote is kept', () => {
    let rec = mergeMessage(undefined, content, 'g1', t(0)).record
    rec = mergeMessage(rec, { ...content, MsgBody: say('B') }, 'g1', t(1)).record
    // TUIKit's reply bookkeeping: the root message's CloudCustomData rewritten for each reply.
    for (let i = 1; i <= 40; i++) {
      rec = mergeMessage(rec, { ...content, MsgBody: say('B'), CloudCustomData: JSON.stringify({ messageReplies: { replies: i } }) }, 'g1', t(1 + i)).record
    }
    rec = mergeMessage(rec, { ...content, MsgBody: say('C'), CloudCustomData: 'x' }, 'g1', t(50)).record
    expect(rec._archive!.versions).toHaveLength(maxKeptVersions)
    expect([...new Set(texts(rec))]).toEqual(['hello', 'B', 'C'])
    expect(rec._archive!.versionsDropped).toBe(43 - 1 - maxKeptVersions)
  })

  it('never drops the versions of a line whose top is a placeholder', () => {
    const odd: ArchivedMessage = { GroupId: 'g1', ...deleted, _archive: { versions: [{ MsgBody: say('kept') }], seenAt: t(1).toISOString() } }
    const other: ArchivedMessage = { GroupId: 'g1', ...deleted, _archive: { versions: [{ seenAt: t(2).toISOString(), MsgBody: say('also') }] } }
    const merged = mergeArchivedCopies(odd, other)
    expect(merged._archive?.versions?.map((v) => v.MsgBody)).toEqual([say('kept'), say('also')])
  })

  it('does not call a message edited when only its CloudCustomData changed (TUIKit replies)', () => {
    const rec = mergeMessage(undefined, { ...content, CloudCustomData: 'a' }, 'g1', t(0)).record
    const r = mergeMessage(rec, { ...content, CloudCustomData: 'b' }, 'g1', t(1)).record
    expect(messageVersions(r)).toHaveLength(2)
    expect(isEdited(r)).toBe(false)
  })

  it("reads an older archive's original-and-latest form as two versions, and keeps its original on the next edit", () => {
    const old: ArchivedMessage = { GroupId: 'g1', ...content, _archive: { server: { IsPlaceMsg: 0, MsgBody: say('latest'), seenAt: t(3).toISOString() } } }
    const m = migrateRecord(old)
    expect(m.MsgBody).toEqual(say('latest'))
    expect(m._archive).toEqual({ versions: [{ MsgBody: content.MsgBody }], seenAt: t(3).toISOString() })
    expect(texts(old)).toEqual(['hello', 'latest'])
    expect(isEdited(old)).toBe(true)
    // The same latest copy again: the line is brought to the current form, nothing is lost.
    const same = mergeMessage(old, { ...content, MsgBody: say('latest') }, 'g1', t(4))
    expect(same.outcome).toBe('upgraded')
    expect(texts(same.record)).toEqual(['hello', 'latest'])
    const next = mergeMessage(old, { ...content, MsgBody: say('newest') }, 'g1', t(5))
    expect(texts(next.record)).toEqual(['hello', 'latest', 'newest'])
    // A placeholder note of an older archive is not a version.
    const del: ArchivedMessage = { GroupId: 'g1', ...content, _archive: { server: { IsPlaceMsg: 1, seenAt: t(3).toISOString() } } }
    expect(migrateRecord(del)).toBe(del)
  })

  it('merges two lines of the same message without losing a version either holds, in any order and repeatedly', () => {
    let a = mergeMessage(undefined, content, 'g1', t(0)).record
    a = mergeMessage(a, { ...content, MsgBody: say('B') }, 'g1', t(1)).record
    const b = mergeMessage(a, { ...content, MsgBody: say('C') }, 'g1', t(2)).record
    const media = { ...b, _archive: { ...b._archive, media: { 'image:x': { status: 'saved' } } } }
    const ab = mergeArchivedCopies(a, media)
    expect(texts(ab)).toEqual(['hello', 'B', 'C'])
    expect(ab._archive?.media).toEqual({ 'image:x': { status: 'saved' } })
    // Either order, and again: the same history.
    expect(texts(mergeArchivedCopies(media, a))).toEqual(['hello', 'B', 'C'])
    expect(mergeArchivedCopies(ab, ab)).toEqual(ab)
    expect(mergeArchivedCopies(ab, a)).toEqual(ab)
    // A less complete later line (the original only, no notes) drops nothing.
    const plain = mergeMessage(undefined, content, 'g1').record
    expect(texts(mergeArchivedCopies(ab, plain))).toEqual(['hello', 'B', 'C'])
    // Two lines that each saw a different edit after B: both kept, by time.
    const d = mergeMessage(a, { ...content, MsgBody: say('D') }, 'g1', t(3)).record
    expect(texts(mergeArchivedCopies(b, d))).toEqual(['hello', 'B', 'C', 'D'])
    expect(texts(mergeArchivedCopies(d, b))).toEqual(['hello', 'B', 'C', 'D'])
  })
})
