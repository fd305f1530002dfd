/**
 * Stop syncing and Delete from this archive (issue 15 item 19), on fake-indexeddb: a deleted
 * group's rows are gone from every table and the other groups' rows and search answers are exactly
 * as they were; a stopped group is left out of Sync all; nothing else ever deletes a message.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import Dexie from 'dexie'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { commitBatch, commitBatches } from '../../../src-renderer/src/lib/db/archive-repo'
import { deleteGroup, setSyncStopped, topicKeysOf, type DeleteProgress } from '../../../src-renderer/src/lib/db/delete-group'
import { addGroups, addTopics, listGroups, recordSyncOutcome, stillSyncing, syncAllTargets } from '../../../src-renderer/src/lib/db/groups-repo'
import { retentionKey, setSetting } from '../../../src-renderer/src/lib/db/settings'
import { indexSearch } from '../../../src-renderer/src/lib/search'

const ws = '1400000001@china'
const A = groupKey(ws, '@TGS#A')
const B = groupKey(ws, '@TGS#B')

let n = 0
const open: AppDB[] = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.delete()
})
function freshDb(): AppDB {
  const d = new AppDB(`delete-group-test-${++n}-${Date.now()}`)
  open.push(d)
  return d
}

const words = ['release', 'deploy', 'meeting', '会议', '服务器', 'lunch', 'report', 'budget']
function msg(seq: number, salt: number): RawMessage {
  return {
    From_Account: ['alice', 'bob', '张三'][(seq + salt) % 3]!,
    MsgSeq: seq,
    MsgRandom: seq,
    MsgTimeStamp: 1_717_200_000 + seq * 3600,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `${words[(seq * 7 + salt) % words.length]} ${words[(seq + salt) % words.length]} #${seq}` } }]
  } as RawMessage
}

/** Two groups with the same words, written in interleaved batches so their index rows share buckets. */
async function twoGroups(d: AppDB, count = 400): Promise<void> {
  // Small thresholds: level-0 rows, folds, merges and parts all happen on a small archive.
  const options = { search: { tuning: { foldMessages: 60, fanout: 2, rowPostings: 40 } } }
  await addGroups(
    ws,
    [
      { groupId: '@TGS#A', name: 'Alpha team', type: 'Work', archivable: true },
      { groupId: '@TGS#B', name: 'Beta', type: 'Public', archivable: true }
    ],
    d
  )
  for (let lo = 1; lo <= count; lo += 25) {
    const seqs = Array.from({ length: Math.min(25, count - lo + 1) }, (_, i) => lo + i)
    await commitBatches(
      [
        { gk: A, batch: { messages: seqs.map((s) => msg(s, 1)), range: [lo, seqs.at(-1)!] } },
        { gk: B, batch: { messages: seqs.map((s) => msg(s, 2)), range: [lo, seqs.at(-1)!] } }
      ],
      d,
      options
    )
  }
  await commitBatch(A, { messages: [], range: null, floor: 1, top: count }, d)
  await commitBatch(B, { messages: [], range: null, floor: 1, top: count }, d)
  await setSetting(retentionKey(A), 30, d)
  await setSetting(retentionKey(B), 90, d)
}

/** Every row of the store that belongs to a group, table by table. */
async function rowsOf(d: AppDB, gk: string) {
  return {
    groups: (await d.groups.toArray()).filter((r) => r.gk === gk),
    messages: await d.messages.where('[gk+seq]').between([gk, Dexie.minKey], [gk, Dexie.maxKey]).toArray(),
    coverage: (await d.coverage.toArray()).filter((r) => r.gk === gk),
    postings: (await d.postings.toArray()).filter((r) => r.gk === gk),
    activity: (await d.activity.toArray()).filter((r) => r.gk === gk),
    settings: (await d.settings.toArray()).filter((r) => r.key.endsWith(gk))
  }
}

const queries = ['', 'release', '会议', 'deploy -lunch', '"release deploy"', 'from:alice budget', 'report OR 服务器']

/** What the search index answers for each query: every hit (group, seq) in order, and the count. */
async function answers(d: AppDB, gks?: string[]) {
  const out: { query: string; count: number; hits: string[] }[] = []
  for (const query of queries) {
    const res = await indexSearch({ query, ...(gks ? { gks } : {}) }, d)
    if (!res.ok) throw new Error(`query ${query} failed`)
    const count = await res.run.count()
    const hits = (await res.run.page(0, 1000)).map((h) => `${h.gk}#${h.seq}`)
    out.push({ query, count, hits })
  }
  return out
}

describe('Delete from this archive', () => {
  it('removes exactly that group’s rows from every table and leaves the other group’s search answers identical', async () => {
    const d = freshDb()
    await twoGroups(d)
    const before = await rowsOf(d, A)
    for (const rows of Object.values(before)) expect(rows.length).toBeGreaterThan(0)
    const otherBefore = await rowsOf(d, B)
    const otherAnswers = await answers(d, [B])
    const allBefore = await answers(d)
    expect(allBefore.find((a) => a.query === 'release')!.hits.some((h) => h.startsWith(A))).toBe(true)

    const progress: DeleteProgress[] = []
    const result = await deleteGroup(A, { chunk: 37, onProgress: (p) => progress.push(p) }, d)
    expect(result).toEqual({ messages: 400 })
    // Progress only moves forward and ends at the total.
    expect(progress[0]).toEqual({ done: 0, total: 400 })
    expect(progress.at(-1)).toEqual({ done: 400, total: 400 })
    expect(progress.length).toBeGreaterThan(10)
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThan(progress[i - 1]!.done)

    const after = await rowsOf(d, A)
    for (const [table, rows] of Object.entries(after)) expect(rows, table).toEqual([])
    expect(await rowsOf(d, B)).toEqual(otherBefore)
    expect(await answers(d, [B])).toEqual(otherAnswers)
    // Searching the whole archive now answers what it answered for the other group alone.
    expect(await answers(d)).toEqual(otherAnswers)
    expect((await listGroups([ws], d)).map((g) => g.row.gk)).toEqual([B])
  })

  it('keeps everything when the deletion stops half-way (one transaction: nothing is half deleted)', async () => {
    const d = freshDb()
    await twoGroups(d, 200)
    const before = await rowsOf(d, A)
    let calls = 0
    await expect(
      deleteGroup(
        A,
        {
          chunk: 20,
          onProgress: () => {
            if (++calls === 4) throw new Error('the window was closed')
          }
        },
        d
      )
    ).rejects.toThrow('the window was closed')
    expect(await rowsOf(d, A)).toEqual(before)
  })

  it('deletes a group with no messages (a synced empty group)', async () => {
    const d = freshDb()
    await addGroups(ws, [{ groupId: '@TGS#E', name: '', type: 'Public', archivable: true }], d)
    const E = groupKey(ws, '@TGS#E')
    await commitBatch(E, { messages: [], range: null, floor: 1, top: 0 }, d)
    expect(await deleteGroup(E, {}, d)).toEqual({ messages: 0 })
    expect(await rowsOf(d, E)).toEqual({ groups: [], messages: [], coverage: [], postings: [], activity: [], settings: [] })
  })
})

describe('Delete a Community with its topics (issue 18 §2)', () => {
  const C = '@TGS#_@TGS#COMMUNITY'
  const general = `${C}@TOPIC#_general`
  const releases = `${C}@TOPIC#_releases`
  const gkC = groupKey(ws, C)
  const gkG = groupKey(ws, general)
  const gkR = groupKey(ws, releases)

  async function community(d: AppDB): Promise<void> {
    const profile = { groupId: C, name: 'Community', type: 'Community', archivable: true }
    await addGroups(ws, [profile, { groupId: '@TGS#B', name: 'Beta', type: 'Public', archivable: true }], d)
    await addTopics(
      ws,
      profile,
      [
        { topicId: general, name: 'General' },
        { topicId: releases, name: 'Releases' }
      ],
      d
    )
    for (const [gk, count, salt] of [
      [gkC, 3, 0],
      [gkG, 30, 1],
      [gkR, 12, 2],
      [B, 20, 3]
    ] as const) {
      const seqs = Array.from({ length: count }, (_, i) => i + 1)
      // Seq 1 of each is a file, so each has a media row.
      const file = (m: RawMessage): RawMessage =>
        m.MsgSeq === 1
          ? ({
              ...m,
              MsgBody: [{ MsgType: 'TIMFileElem', MsgContent: { UUID: `f${salt}`, Url: `https://cos.example/f/${salt}`, FileSize: 10, FileName: 'f.txt' } }]
            } as RawMessage)
          : m
      await commitBatch(gk, { messages: seqs.map((s) => file(msg(s, salt))), range: [1, count] }, d)
      await commitBatch(gk, { messages: [], range: null, floor: 1, top: count }, d)
      await setSetting(retentionKey(gk), 30, d)
    }
    await d.people.bulkPut([gkC, gkG, gkR, B].map((gk) => ({ gk, account: 'alice', names: [] }) as never))
  }
  const peopleOf = async (d: AppDB, gk: string) => (await d.people.toArray()).filter((r) => r.gk === gk)

  it('deleting the Community deletes its topics’ messages, coverage, index, charts, people and rows too, and nothing else', async () => {
    const d = freshDb()
    await community(d)
    expect(await topicKeysOf(gkC, d)).toEqual([gkG, gkR])
    for (const gk of [gkC, gkG, gkR]) {
      for (const [table, rows] of Object.entries(await rowsOf(d, gk))) expect(rows.length, `${gk} ${table}`).toBeGreaterThan(0)
      expect(await peopleOf(d, gk)).toHaveLength(1)
      expect((await d.media.toArray()).filter((r) => r.gk === gk)).toHaveLength(1)
    }
    const other = await rowsOf(d, B)
    const progress: DeleteProgress[] = []
    expect(await deleteGroup(gkC, { chunk: 7, onProgress: (p) => progress.push(p) }, d)).toEqual({ messages: 45 })
    expect(progress[0]).toEqual({ done: 0, total: 45 })
    expect(progress.at(-1)).toEqual({ done: 45, total: 45 })
    for (const gk of [gkC, gkG, gkR]) {
      for (const [table, rows] of Object.entries(await rowsOf(d, gk))) expect(rows, `${gk} ${table}`).toEqual([])
      expect(await peopleOf(d, gk)).toEqual([])
      expect((await d.media.toArray()).filter((r) => r.gk === gk)).toEqual([])
    }
    expect(await rowsOf(d, B)).toEqual(other)
    expect((await listGroups([ws], d)).map((g) => g.row.gk)).toEqual([B])
  })

  it('deleting one topic leaves its Community and the other topics', async () => {
    const d = freshDb()
    await community(d)
    expect(await topicKeysOf(gkG, d)).toEqual([])
    expect(await deleteGroup(gkG, {}, d)).toEqual({ messages: 30 })
    expect((await listGroups([ws], d)).map((g) => g.row.gk).sort()).toEqual([gkC, gkR, B].sort())
    expect((await rowsOf(d, gkR)).messages).toHaveLength(12)
  })
})

describe('Stop syncing', () => {
  it('leaves the group out of Sync all (and the schedule) until it is resumed, and keeps its archive', async () => {
    const d = freshDb()
    await twoGroups(d, 50)
    const archived = await rowsOf(d, A)
    expect(syncAllTargets(await listGroups([ws], d)).map((g) => g.row.gk)).toEqual([A, B])
    await setSyncStopped(A, true, d)
    expect(syncAllTargets(await listGroups([ws], d)).map((g) => g.row.gk)).toEqual([B])
    // Still listed, readable and searchable.
    expect((await listGroups([ws], d)).map((g) => g.row.gk)).toEqual([A, B])
    expect((await answers(d, [A])).find((a) => a.query === 'release')!.count).toBeGreaterThan(0)
    const { groups: _g, ...rest } = await rowsOf(d, A)
    const { groups: _h, ...restBefore } = archived
    expect(rest).toEqual(restBefore)
    await setSyncStopped(A, false, d)
    expect(syncAllTargets(await listGroups([ws], d)).map((g) => g.row.gk)).toEqual([A, B])
  })

  it('Resume of a paused run leaves out groups stopped or deleted since the pause', async () => {
    const d = freshDb()
    await twoGroups(d, 30)
    expect(await stillSyncing([A, B], d)).toEqual([A, B])
    await setSyncStopped(A, true, d)
    expect(await stillSyncing([A, B], d)).toEqual([B])
    await setSyncStopped(A, false, d)
    await deleteGroup(B, {}, d)
    expect(await stillSyncing([A, B], d)).toEqual([A])
  })
})

describe('nothing but Delete removes archived messages', () => {
  it('re-adding, rediscovering, syncing again, a failed sync and stop/resume keep every message as it was', async () => {
    const d = freshDb()
    await twoGroups(d, 120)
    const before = { a: await rowsOf(d, A), b: await rowsOf(d, B) }
    const strip = (r: Awaited<ReturnType<typeof rowsOf>>) => ({ ...r, groups: [] })
    // Added again by ID, and found again by discovery (a new profile): the row is refreshed only.
    await addGroups(ws, [{ groupId: '@TGS#A', name: 'Alpha team', type: 'Work', archivable: true }], d)
    await addGroups(ws, [{ groupId: '@TGS#A', name: 'Alpha renamed', type: 'Work', archivable: true, memberNum: 3 }], d)
    // A later sync that sees the server's placeholders (deleted / recalled since) and an empty batch.
    await commitBatch(A, { messages: [1, 2, 3].map((s) => ({ ...msg(s, 1), IsPlaceMsg: 1, MsgBody: [] }) as RawMessage), range: [1, 3] }, d)
    await commitBatch(A, { messages: [], range: null, floor: 1, top: 120 }, d)
    await recordSyncOutcome(A, { ok: false, error: { code: 10002, message: 'internal error' } }, d)
    await recordSyncOutcome(A, { ok: true }, d)
    await setSyncStopped(A, true, d)
    await setSyncStopped(A, false, d)
    const after = await rowsOf(d, A)
    expect(after.messages.map((m) => m.seq)).toEqual(before.a.messages.map((m) => m.seq))
    // Content archived stays; the server's later deletion is only noted beside it.
    for (const [i, m] of after.messages.entries()) {
      expect(m.raw.MsgBody).toEqual(before.a.messages[i]!.raw.MsgBody)
      expect(m.raw.IsPlaceMsg).toBe(0)
    }
    expect(after.groups[0]!.stats.messages).toBe(120)
    expect(strip(await rowsOf(d, B))).toEqual(strip(before.b))
  })
})
