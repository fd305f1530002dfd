/**
 * The app's store keeps every version of an edited message (issue 18 §5): a sync or a Recheck that
 * brings a changed copy (commitBatch, the write path both use), and an imported file that carries
 * versions, whether it meets the same history, a longer or a different one.
 */
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { messageVersions, type ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { importedWorkspaceId } from '../../../src-renderer/src/lib/db/app-db'
import { commitBatch } from '../../../src-renderer/src/lib/db/archive-repo'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { importJsonl } from '../../../src-renderer/src/lib/db/import-jsonl'
import { freshDbs } from './fresh-db'

const freshDb = freshDbs('edits')
const gk = groupKey('1400000000@china', 'g1')
const say = (text: string): RawMessage['MsgBody'] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
const msg = (seq: number, text: string): RawMessage => ({
  From_Account: 'alice',
  IsPlaceMsg: 0,
  MsgBody: say(text),
  MsgRandom: seq,
  MsgSeq: seq,
  MsgTimeStamp: 1_700_000_000 + seq,
  MsgPriority: 1
})
const texts = (m: ArchivedMessage): string[] => messageVersions(m).map((v) => (v.MsgBody as unknown as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)
const jsonl = (records: unknown[]): File => new File([records.map((r) => JSON.stringify(r)).join('\n') + '\n'], 'a.jsonl')

describe('the store keeps every version of an edited message', () => {
  it('a sync or Recheck that sees a changed copy adds a version; the same copy again changes nothing', async () => {
    const d = freshDb()
    await commitBatch(gk, { messages: [msg(1, 'one'), msg(2, 'draft')], range: [1, 2] }, d)
    const counts = await commitBatch(gk, { messages: [msg(1, 'one'), msg(2, 'final')], range: [1, 2] }, d)
    expect(counts).toEqual({ new: 0, upgraded: 0, serverChanged: 1, unchanged: 1 })
    await commitBatch(gk, { messages: [msg(2, 'really final')], range: [2, 2] }, d)
    const again = await commitBatch(gk, { messages: [msg(2, 'really final')], range: [2, 2] }, d)
    expect(again.unchanged).toBe(1)
    const rec = (await d.messages.get([gk, 2]))!.raw
    expect(texts(rec)).toEqual(['draft', 'final', 'really final'])
    expect(rec.MsgBody).toEqual(say('really final'))
    expect((await d.groups.get(gk))!.stats.messages).toBe(2)
  })

  it('an imported file brings its versions; the same file again, or a shorter history, changes nothing', async () => {
    const d = freshDb()
    const a = groupKey(importedWorkspaceId, 'g1')
    const line: ArchivedMessage = {
      GroupId: 'g1',
      ...msg(5, 'third'),
      _archive: { versions: [{ MsgBody: say('first') }, { seenAt: '2026-12-01T00:00:00.000Z', MsgBody: say('second') }], seenAt: '2026-12-02T00:00:00.000Z' }
    }
    const first = await importJsonl(jsonl([line]), undefined, d)
    expect(first.new).toBe(1)
    expect(texts((await d.messages.get([a, 5]))!.raw)).toEqual(['first', 'second', 'third'])
    const same = await importJsonl(jsonl([line]), undefined, d)
    expect(same).toMatchObject({ new: 0, upgraded: 0, serverChanged: 0, unchanged: 1 })
    // An older pull of the same message (the original only): no version is dropped.
    const older = await importJsonl(jsonl([{ GroupId: 'g1', ...msg(5, 'first') }]), undefined, d)
    expect(older.unchanged).toBe(1)
    expect(texts((await d.messages.get([a, 5]))!.raw)).toEqual(['first', 'second', 'third'])
    // A file that saw one more edit adds it.
    const longer: ArchivedMessage = {
      ...line,
      MsgBody: say('fourth'),
      _archive: { versions: [...line._archive!.versions!, { seenAt: '2026-12-02T00:00:00.000Z', MsgBody: say('third') }], seenAt: '2026-12-03T00:00:00.000Z' }
    }
    await importJsonl(jsonl([longer]), undefined, d)
    const rec = (await d.messages.get([a, 5]))!.raw
    expect(texts(rec)).toEqual(['first', 'second', 'third', 'fourth'])
    expect(rec._archive?.seenAt).toBe('2026-12-03T00:00:00.000Z')
  })

  it("imports an older archive's original-and-latest line as an edited message", async () => {
    const d = freshDb()
    const old = { GroupId: 'g1', ...msg(9, 'as sent'), _archive: { server: { IsPlaceMsg: 0, MsgBody: say('as edited'), seenAt: '2026-11-01T00:00:00.000Z' } } }
    await importJsonl(jsonl([old]), undefined, d)
    const rec = (await d.messages.get([groupKey(importedWorkspaceId, 'g1'), 9]))!.raw
    expect(texts(rec)).toEqual(['as sent', 'as edited'])
    expect(rec._archive).toEqual({ versions: [{ MsgBody: say('as sent') }], seenAt: '2026-11-01T00:00:00.000Z' })
  })

  it('refuses a file whose versions are not message bodies, naming the field', async () => {
    const d = freshDb()
    const bad = { GroupId: 'g1', ...msg(1, 'x'), _archive: { versions: [{ MsgBody: 'not a body' }] } }
    await expect(importJsonl(jsonl([bad]), undefined, d)).rejects.toThrow(/_archive\.versions\[0\]\.MsgBody/)
  })
})
