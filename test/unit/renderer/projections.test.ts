/**
 * The store's derived views (lib/db/projections: the group statistics, the charts' counts, the search
 * index) as the write path keeps them: whatever was written, each holds what rebuilding it from the
 * archived messages holds, so the sidebar's counts, the charts and search agree with the timeline;
 * and a write that runs only some projections leaves the others as they were.
 */
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { commitBatch, commitBatches } from '../../../src-renderer/src/lib/db/archive-repo'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import { projections, type Projection } from '../../../src-renderer/src/lib/db/projections'
import { decodeRow } from '../../../src-renderer/src/lib/search/index/rows'
import { freshDbs } from './fresh-db'

const ws = '1400000000@china'
const gk1 = groupKey(ws, 'g1')
const gk2 = groupKey(ws, 'g2')
const t0 = 1_700_000_000
const freshDb = freshDbs('projections')

const words = ['harbour', 'lantern', 'orchard', 'meadow', 'copper', 'velvet', '灯塔', '果园']

/** seq s, 7 minutes apart; senders and words vary with the seq. */
function msg(seq: number, over: Partial<RawMessage> = {}): RawMessage {
  return {
    From_Account: ['alice', 'bob', 'carol'][seq % 3]!,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `${words[seq % words.length]} ${words[(seq * 3) % words.length]} ${seq}` } }],
    MsgRandom: seq * 7,
    MsgSeq: seq,
    MsgTimeStamp: t0 + seq * 420,
    MsgPriority: 1,
    ...over
  }
}

const placeholder = (seq: number, place: 1 | 2): RawMessage => msg(seq, { IsPlaceMsg: place, MsgBody: [] })
const system = (seq: number): RawMessage => msg(seq, { IsSystemMsg: 1 })
const range = (a: number, b: number, f = msg) => Array.from({ length: b - a + 1 }, (_, i) => f(a + i))

async function withGroups(d: AppDB) {
  await addGroups(
    ws,
    [
      { groupId: 'g1', name: 'Group one', type: 'Public', archivable: true },
      { groupId: 'g2', name: 'Group two', type: 'Public', archivable: true }
    ],
    d
  )
}

/** What the search index holds for a group: each term's seqs, the rows applied in chunk order. */
async function searchState(d: AppDB, gk: string): Promise<Record<string, number[]>> {
  const rows = (await d.postings.toArray()).filter((r) => r.gk === gk).sort((a, b) => a.c - b.c)
  const held = new Map<string, Set<number>>()
  for (const row of rows) {
    const { terms, o, s } = decodeRow(row)
    terms.forEach((term, i) => {
      let seqs = held.get(term)
      if (!seqs) held.set(term, (seqs = new Set()))
      for (let j = o[i]!; j < o[i + 1]!; j++) {
        if (row.del) seqs.delete(s[j]!)
        else seqs.add(s[j]!)
      }
    })
  }
  const out: Record<string, number[]> = {}
  for (const [term, seqs] of [...held].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (seqs.size) out[term] = [...seqs].sort((a, b) => a - b)
  return out
}

/** Every projection's state, as a user sees it through the sidebar, the charts and search. */
async function state(d: AppDB) {
  const groups = await d.groups.toArray()
  const activity = await d.activity.toArray()
  return {
    stats: Object.fromEntries(groups.map((g) => [g.gk, g.stats])),
    activity: activity.map((r) => ({ ...r })),
    search: { [gk1]: await searchState(d, gk1), [gk2]: await searchState(d, gk2) }
  }
}

function rebuild(d: AppDB, p: Projection): Promise<void> {
  return d.transaction('rw', [d.groups, d.messages, d.activity, d.postings], (tx) => p.rebuild(tx))
}

/** Sync-shaped writes: new messages, placeholders later filled in, messages the server removes later, system messages, a seq twice in one write, two groups at once. */
async function writeHistory(d: AppDB) {
  await commitBatch(gk1, { messages: [...range(1, 20), placeholder(21, 1), placeholder(22, 2), system(23)], range: [1, 23] }, d)
  await commitBatches(
    [
      { gk: gk1, batch: { messages: [msg(21), msg(24)], range: null } },
      { gk: gk2, batch: { messages: range(1, 30), range: [1, 30] } },
      { gk: gk1, batch: { messages: [placeholder(5, 2), msg(24), msg(25)], range: null } }
    ],
    d
  )
  await commitBatch(gk2, { messages: [placeholder(3, 1), msg(31, { From_Account: 'dave' }), msg(31)], range: [31, 31] }, d)
  // The same batch again: nothing changes.
  await commitBatch(gk2, { messages: [placeholder(3, 1), msg(31, { From_Account: 'dave' }), msg(31)], range: [31, 31] }, d)
}

describe('the projections the write path keeps', () => {
  it('hold, after any writes, exactly what rebuilding them from the archived messages gives', async () => {
    const d = freshDb()
    await withGroups(d)
    await writeHistory(d)
    const written = await state(d)
    expect(written.stats[gk1]!.messages).toBe(25)
    expect(written.stats[gk1]!.removedLater).toBe(1)
    expect(written.search[gk1]!['harbour']!.length).toBeGreaterThan(0)
    expect(written.activity.length).toBeGreaterThan(0)
    for (const p of projections) await rebuild(d, p)
    expect(await state(d)).toEqual(written)
  })

  it('a write that runs only some projections leaves the others as they were', async () => {
    const d = freshDb()
    await withGroups(d)
    await writeHistory(d)
    const before = await state(d)
    const indexState = (await d.groups.get(gk1))!.index

    await commitBatch(gk1, { messages: range(26, 40), range: [26, 40] }, d)
    const all = await state(d)

    const e = freshDb()
    await withGroups(e)
    await writeHistory(e)
    await commitBatches([{ gk: gk1, batch: { messages: range(26, 40), range: [26, 40] } }], e, { projections: ['stats'] })
    const statsOnly = await state(e)
    expect(statsOnly.stats).toEqual(all.stats)
    expect(statsOnly.activity).toEqual(before.activity)
    expect(statsOnly.search).toEqual(before.search)
    expect((await e.groups.get(gk1))!.index).toEqual(indexState)
    // The messages and the coverage are written whatever runs.
    expect(await e.messages.count()).toBe(await d.messages.count())
    expect(await e.coverage.get(gk1)).toEqual(await d.coverage.get(gk1))

    await commitBatches([{ gk: gk1, batch: { messages: range(41, 45), range: [41, 45] } }], e, { projections: ['search'] })
    const searchOnly = await state(e)
    expect(searchOnly.stats).toEqual(statsOnly.stats)
    expect(searchOnly.activity).toEqual(before.activity)
    expect(searchOnly.search[gk1]!['45']).toEqual([45])
    expect(searchOnly.search[gk1]!['30']).toBeUndefined()

    // A rebuild brings a view left out back in step.
    for (const p of projections) await rebuild(e, p)
    const rebuilt = await state(e)
    expect(rebuilt.stats[gk1]!.messages).toBe(45)
    expect(rebuilt.search[gk1]!['30']).toEqual([30])
  })
})
