import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { AppDB, groupKey, importedWorkspaceId } from '../../../src-renderer/src/lib/db/app-db'
import { ImportLineError, importChunkLines, importJsonl, type ImportProgress } from '../../../src-renderer/src/lib/db/import-jsonl'

let n = 0
const open: AppDB[] = []
function freshDb(): AppDB {
  const d = new AppDB(`import-test-${++n}-${Date.now()}`)
  open.push(d)
  return d
}
afterEach(async () => {
  for (const d of open.splice(0)) await d.delete()
})

function rec(groupId: string, seq: number, over: Partial<ArchivedMessage> = {}): ArchivedMessage {
  return {
    GroupId: groupId,
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `hello ${seq} 你好` } }],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    ...over
  }
}

function jsonl(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n'
}

const gkA = groupKey(importedWorkspaceId, 'groupA')
const gkB = groupKey(importedWorkspaceId, 'groupB')

describe('importing a JSON Lines archive', () => {
  it('imports a file written by tim-archive pull into the imported workspace', async () => {
    const d = freshDb()
    const noted = rec('groupA', 3, { _archive: { server: { IsPlaceMsg: 2, seenAt: '2026-01-01T00:00:00.000Z' } } })
    const file = new File([jsonl([rec('groupA', 1), rec('groupA', 2), noted, rec('groupB', 7)])], 'archive.jsonl')
    const progress: ImportProgress[] = []
    const result = await importJsonl(file, (p) => progress.push(p), d)
    expect(result).toMatchObject({ lines: 4, messages: 4, new: 4, unchanged: 0 })
    expect(result.groups.sort()).toEqual([gkA, gkB])
    const a = await d.groups.get(gkA)
    expect(a!.workspaceId).toBe('imported')
    expect(a!.profile).toEqual({ groupId: 'groupA', name: 'groupA', type: 'Imported', archivable: false, reason: 'imported from a file' })
    expect(a!.stats).toMatchObject({ messages: 3, removedLater: 1 })
    expect((await d.messages.get([gkA, 3]))!.raw).toEqual(noted)
    expect((await d.messages.get([gkB, 7]))!.raw).toEqual(rec('groupB', 7))
    // Consecutive seqs present are known complete; where history starts is not.
    expect(await d.coverage.get(gkA)).toEqual({ gk: gkA, ranges: [[1, 3]], floor: null, top: 3 })
    expect(progress.at(-1)).toMatchObject({ bytesRead: file.size, totalBytes: file.size, messages: 4 })
  })

  it('changes nothing when the same file is imported twice', async () => {
    const d = freshDb()
    const file = new File([jsonl([rec('groupA', 1), rec('groupA', 5)])], 'a.jsonl')
    await importJsonl(file, undefined, d)
    const again = await importJsonl(file, undefined, d)
    expect(again).toMatchObject({ new: 0, unchanged: 2 })
    expect((await d.groups.get(gkA))!.stats.messages).toBe(2)
  })

  it('never replaces archived content with a placeholder from the file', async () => {
    const d = freshDb()
    await importJsonl(new File([jsonl([rec('groupA', 1)])], 'a.jsonl'), undefined, d)
    await importJsonl(new File([jsonl([rec('groupA', 1, { IsPlaceMsg: 1, MsgBody: [] })])], 'b.jsonl'), undefined, d)
    const row = await d.messages.get([gkA, 1])
    expect(row!.raw.MsgBody).toEqual(rec('groupA', 1).MsgBody)
    expect(row!.raw._archive?.server?.IsPlaceMsg).toBe(1)
  })

  it('reports a bad line by its number and keeps everything before it', async () => {
    const d = freshDb()
    const text = [
      JSON.stringify(rec('groupA', 1)),
      '',
      JSON.stringify(rec('groupA', 2)),
      JSON.stringify({ GroupId: 'groupA', note: 'no MsgSeq here' }),
      JSON.stringify(rec('groupA', 3))
    ].join('\r\n')
    const err = await importJsonl(new File([text], 'bad.jsonl'), undefined, d).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImportLineError)
    expect((err as ImportLineError).line).toBe(4)
    expect((err as Error).message).toMatch(/^Line 4 is not a tim-archive record/)
    expect((err as ImportLineError).imported.messages).toBe(2)
    expect((await d.messages.toArray()).map((r) => r.seq)).toEqual([1, 2])
  })

  it('rejects lines that are not JSON objects', async () => {
    const d = freshDb()
    for (const [bad, line] of [['not json', 1], ['[1,2]', 1], ['{"GroupId":"g","MsgSeq":"3"}', 1]] as const) {
      const err = await importJsonl(new File([bad + '\n'], 'x.jsonl'), undefined, d).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ImportLineError)
      expect((err as ImportLineError).line).toBe(line)
    }
  })

  it('streams a file bigger than one chunk, committing chunk by chunk', async () => {
    const d = freshDb()
    const count = importChunkLines * 2 + 10
    const lines = Array.from({ length: count }, (_, i) => JSON.stringify(rec('groupA', i + 1)) + '\n')
    const progress: ImportProgress[] = []
    const result = await importJsonl(new File(lines, 'big.jsonl'), (p) => progress.push(p), d)
    expect(result.messages).toBe(count)
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect(await d.messages.count()).toBe(count)
    expect(await d.coverage.get(gkA)).toEqual({ gk: gkA, ranges: [[1, count]], floor: null, top: count })
  })
})
