import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { importedWorkspaceId } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { ImportLineError, importChunkLines, importJsonl, type ImportProgress } from '../../../src-renderer/src/lib/db/import-jsonl'
import { importDoneText, importProblemText } from '../../../src-renderer/src/lib/state/import-text'
import { freshDbs } from './fresh-db'

const freshDb = freshDbs('import')

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
    expect(progress.at(-1)).toMatchObject({ bytesRead: file.size * 2, totalBytes: file.size * 2, messages: 4 })
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

  it("imports a Community's topic messages into the topic's channel, its seqs apart from the group's", async () => {
    const d = freshDb()
    const C = '@TGS#_DEMOCOMMUNITY'
    const T = `${C}@TOPIC#_releases`
    const inGroup = rec(C, 1)
    const inTopic = { ...rec(C, 1, { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'in a topic' } }] }), TopicId: T }
    const result = await importJsonl(new File([jsonl([inGroup, inTopic])], 'community.jsonl'), undefined, d)
    expect(result).toMatchObject({ messages: 2, new: 2 })
    const gkC = groupKey(importedWorkspaceId, C)
    const gkT = groupKey(importedWorkspaceId, T)
    // The group's seq 1 is the group's message, the topic's seq 1 the topic's, each record as in the file.
    expect((await d.messages.get([gkC, 1]))!.raw).toEqual(inGroup)
    expect((await d.messages.get([gkT, 1]))!.raw).toEqual(inTopic)
    expect(await d.coverage.get(gkT)).toMatchObject({ ranges: [[1, 1]] })
    const topicRow = await d.groups.get(gkT)
    expect(topicRow).toMatchObject({ groupId: T, topic: { groupId: C }, stats: { messages: 1 } })
    expect((await d.groups.get(gkC))!.stats.messages).toBe(1)
    // Again: nothing new.
    expect(await importJsonl(new File([jsonl([inGroup, inTopic])], 'community.jsonl'), undefined, d)).toMatchObject({ new: 0, unchanged: 2 })
  })

  it("lists a topic's group even when the file has only the topic's lines", async () => {
    const d = freshDb()
    const C = '@TGS#_ONLYTOPICS'
    await importJsonl(new File([jsonl([{ ...rec(C, 3), TopicId: `${C}@TOPIC#_a` }])], 't.jsonl'), undefined, d)
    expect(await d.groups.get(groupKey(importedWorkspaceId, C))).toMatchObject({ groupId: C, stats: { messages: 0 } })
    expect((await d.groups.get(groupKey(importedWorkspaceId, `${C}@TOPIC#_a`)))!.topic).toEqual({ groupId: C, name: '' })
  })

  it('refuses a file with a line whose TopicId is not a topic of its group, naming the line, and imports nothing', async () => {
    const d = freshDb()
    const inGroup = rec('groupA', 1)
    const stray = { ...rec('groupA', 2), TopicId: '@TGS#_other@TOPIC#_x' }
    await expect(importJsonl(new File([jsonl([inGroup, stray])], 'community.jsonl'), undefined, d)).rejects.toThrow(
      /line 2: TopicId must be a topic ID of the line's group/
    )
    expect(await d.messages.count()).toBe(0)
  })

  it('keeps the media outcomes pull --media writes on a later line of the same seq, merged with what is archived', async () => {
    const d = freshDb()
    const image = rec('groupA', 1, { MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: 'u1', ImageFormat: 1, ImageInfoArray: [] } }] })
    const saved = { status: 'saved', bytes: 3, sha256: 'a'.repeat(64), type: 'image/png', at: 1_800_000_000_000 }
    const expired = { status: 'expired', httpStatus: 404, firstSeenAt: 1_800_000_000_000, lastSeenAt: 1_800_000_000_000 }
    // pull wrote the message, then (pull --media) a later line of seq 1 carrying its outcomes.
    const later = { ...image, _archive: { media: { 'image:thumb:u1': saved, 'image:large:u1': expired } } }
    const first = await importJsonl(new File([jsonl([image, rec('groupA', 2), later])], 'pull.jsonl'), undefined, d)
    // Two messages: the later line of seq 1 is not counted as a third.
    expect(first).toMatchObject({ lines: 3, messages: 2, new: 2 })
    expect((await d.messages.get([gkA, 1]))!.raw._archive?.media).toEqual({ 'image:thumb:u1': saved, 'image:large:u1': expired })
    expect((await d.messages.get([gkA, 2]))!.raw._archive).toBeUndefined()

    // A later file that says less (a failed retry of the saved object, an earlier expiry) loses nothing.
    const failed = { status: 'failed', error: 'HTTP 500', attempts: 1, at: 1_800_000_100_000 }
    const earlierExpiry = { ...expired, firstSeenAt: 1_799_000_000_000 }
    const again = { ...image, _archive: { media: { 'image:thumb:u1': failed, 'image:large:u1': earlierExpiry, bogus: 'not a note' } } }
    const second = await importJsonl(new File([jsonl([again])], 'later.jsonl'), undefined, d)
    expect(second).toMatchObject({ upgraded: 1 })
    expect((await d.messages.get([gkA, 1]))!.raw._archive?.media).toEqual({
      'image:thumb:u1': saved,
      'image:large:u1': { ...expired, firstSeenAt: 1_799_000_000_000 }
    })
    // The same file again changes nothing.
    expect(await importJsonl(new File([jsonl([again])], 'later.jsonl'), undefined, d)).toMatchObject({ unchanged: 1, upgraded: 0 })
  })

  it('refuses a file with one bad line, naming the line, and stores nothing of it', async () => {
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
    expect((err as ImportLineError).problem).toMatchObject({ field: 'MsgSeq', got: 'missing' })
    expect((err as Error).message).toBe('line 4: MsgSeq must be a whole number from 1 to 4294967295; it is missing. Nothing was imported.')
    expect(await d.messages.count()).toBe(0)
    expect(await d.groups.count()).toBe(0)
  })

  it('refuses a line whose fields have the wrong types, naming the field and what it should be', async () => {
    const d = freshDb()
    // The issue's line: every field the archive relies on has the wrong type.
    const issueLine = '{"GroupId":"@TGS#WF","MsgSeq":4,"MsgTimeStamp":"yesterday","From_Account":42,"IsPlaceMsg":"0","MsgBody":"hello"}'
    const good = [rec('groupA', 1), rec('groupA', 2), rec('groupA', 3)].map((r) => JSON.stringify(r))
    const err = await importJsonl(new File([[...good, issueLine].join('\n')], 'wrong.jsonl'), undefined, d).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImportLineError)
    expect((err as ImportLineError).line).toBe(4)
    expect((err as ImportLineError).problem).toMatchObject({ field: 'From_Account', expected: 'string', got: 'number', value: '42' })
    expect(await d.messages.count()).toBe(0)

    const cases: [Record<string, unknown>, string, string][] = [
      [{ MsgTimeStamp: 'yesterday' }, 'MsgTimeStamp', 'got the string "yesterday"'],
      [{ MsgTimeStamp: 1.5 }, 'MsgTimeStamp', 'got the number 1.5'],
      [{ From_Account: 42 }, 'From_Account', 'got the number 42'],
      [{ IsPlaceMsg: '0' }, 'IsPlaceMsg', 'got the string "0"'],
      [{ IsSystemMsg: true }, 'IsSystemMsg', 'got true'],
      [{ MsgRandom: -1 }, 'MsgRandom', 'got the number -1'],
      [{ MsgPriority: null }, 'MsgPriority', 'got null'],
      [{ MsgBody: 'hello' }, 'MsgBody', 'got the string "hello"'],
      [{ MsgBody: { Text: 'an object on a normal message' } }, 'MsgBody', 'got an object'],
      [{ MsgBody: ['hello'] }, 'MsgBody[0]', 'got the string "hello"'],
      [{ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: 'hi' }] }, 'MsgBody[0].MsgContent', 'got the string "hi"'],
      [{ CloudCustomData: { a: 1 } }, 'CloudCustomData', 'got an object']
    ]
    for (const [over, field, got] of cases) {
      const e = await importJsonl(new File([JSON.stringify(rec('groupA', 9, over as Partial<ArchivedMessage>))], 'x.jsonl'), undefined, d).catch(
        (x: unknown) => x
      )
      expect(e, field).toBeInstanceOf(ImportLineError)
      expect((e as Error).message, JSON.stringify(over)).toMatch(
        new RegExp(`^line 1: ${field.replace(/[[\].]/g, '\\$&')} must be .*; ${got.replace(/[.]/g, '\\.')}\\. Nothing was imported\\.$`)
      )
    }
    expect(await d.messages.count()).toBe(0)
  })

  it('accepts the documented optional fields and the object MsgBody of a system message', async () => {
    const d = freshDb()
    const system = rec('groupA', 1, { IsSystemMsg: 1, MsgBody: { Operator: 'admin', Type: 'join' }, MsgPriority: 1 })
    const plain = rec('groupA', 2, { CloudCustomData: '{"x":1}', MsgKey: 'k', MsgBody: [], IsPlaceMsg: 1 })
    const result = await importJsonl(new File([jsonl([system, plain])], 'ok.jsonl'), undefined, d)
    expect(result.messages).toBe(2)
    expect((await d.messages.get([gkA, 1]))!.raw).toEqual(system)
  })

  it('streams a file bigger than one chunk, committing chunk by chunk', async () => {
    const d = freshDb()
    const count = importChunkLines * 2 + 10
    const lines = Array.from({ length: count }, (_, i) => JSON.stringify(rec('groupA', i + 1)) + '\n')
    const progress: ImportProgress[] = []
    const result = await importJsonl(new File(lines, 'big.jsonl'), (p) => progress.push(p), d)
    expect(result.messages).toBe(count)
    expect(progress.length).toBeGreaterThanOrEqual(3)
    // Progress runs over both passes (check, then import) and only moves forward.
    for (let i = 1; i < progress.length; i++) {
      for (const k of ['bytesRead', 'lines', 'messages'] as const) expect(progress[i]![k]).toBeGreaterThanOrEqual(progress[i - 1]![k])
    }
    expect(progress.at(-1)!.bytesRead).toBe(progress.at(-1)!.totalBytes)
    expect(await d.messages.count()).toBe(count)
    expect(await d.coverage.get(gkA)).toEqual({ gk: gkA, ranges: [[1, count]], floor: null, top: count })
  })
})

describe('what the import says when it ends', () => {
  it('counts messages and groups each with its own plural, in both languages', () => {
    expect(importDoneText('en', 'a.jsonl', 1, 1)).toBe('Imported 1 message into 1 group from a.jsonl.')
    expect(importDoneText('en', 'a.jsonl', 1, 2)).toBe('Imported 1 message into 2 groups from a.jsonl.')
    expect(importDoneText('en', 'a.jsonl', 3042, 1)).toBe('Imported 3,042 messages into 1 group from a.jsonl.')
    expect(importDoneText('zh-CN', 'a.jsonl', 1, 1)).toBe('已从 a.jsonl 导入 1 条消息，共 1 个群组。')
    expect(importDoneText('zh-CN', 'a.jsonl', 3042, 2)).toBe('已从 a.jsonl 导入 3,042 条消息，共 2 个群组。')
  })

  it('names the line, the field, what it should be and what it was, in both languages', () => {
    const p = { field: 'MsgTimeStamp', expected: 'unix-seconds', got: 'string', value: '"yesterday"' } as const
    expect(importProblemText('en', 4, p)).toBe('line 4: MsgTimeStamp must be a whole number of Unix seconds; got the string "yesterday". Nothing was imported.')
    expect(importProblemText('zh-CN', 4, p)).toBe('第 4 行：MsgTimeStamp 应为以秒计的 Unix 时间（整数），实际为字符串 "yesterday"。未导入任何内容。')
    expect(importProblemText('en', 7, { field: '', expected: 'json-object', got: 'not-json' })).toBe('line 7 is not valid JSON. Nothing was imported.')
    expect(importProblemText('zh-CN', 7, { field: '', expected: 'json-object', got: 'array' })).toBe(
      '第 7 行应为 JSON 对象（每行一条消息），实际为数组。未导入任何内容。'
    )
  })
})
