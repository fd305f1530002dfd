/**
 * The charts' aggregates (lib/db/activity.ts) as the store keeps them: counted once per seq when a
 * message is first stored with content, in the same transaction as the messages; built by the v3
 * upgrade for archives written before the charts existed.
 */
import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { readHours, readSenders } from '../../../src-renderer/src/lib/db/activity'
import { commitBatch, commitBatches } from '../../../src-renderer/src/lib/db/archive-repo'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import { freshDbs } from './fresh-db'

const ws = '1400000000@china'
const gk = groupKey(ws, 'g1')
const gk2 = groupKey(ws, 'g2')
/** 2023-11-14 22:00:00 UTC, the start of an hour. */
const t0 = 1_700_000_000 - (1_700_000_000 % 3600)
const h0 = t0 / 3600
const freshDb = freshDbs('activity')

/** seq s at t0 + 20 min × (s − 1): three messages per hour; odd seqs from alice, even from bob. */
function msg(seq: number, over: Partial<RawMessage> = {}): RawMessage {
  return {
    From_Account: seq % 2 ? 'alice' : 'bob',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `message ${seq}` } }],
    MsgRandom: seq * 7,
    MsgSeq: seq,
    MsgTimeStamp: t0 + (seq - 1) * 1200,
    MsgPriority: 1,
    ...over
  }
}

const placeholder = (seq: number, place: 1 | 2): RawMessage => msg(seq, { IsPlaceMsg: place, MsgBody: [] })

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

async function snapshot(d: AppDB, key = gk) {
  const hours = Object.fromEntries((await readHours(d, key)).map((r) => [r.hour - h0, r.n]))
  const senders = Object.fromEntries((await readSenders(d, key)).map((r) => [r.from, r.n]))
  return { hours, senders }
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => msg(a + i))

describe('activity aggregates kept by the store', () => {
  it('counts committed messages per UTC hour and per sender', async () => {
    const d = freshDb()
    await withGroups(d)
    await commitBatch(gk, { messages: range(1, 7), range: [1, 7], top: 7 }, d)
    expect(await snapshot(d)).toEqual({ hours: { 0: 3, 1: 3, 2: 1 }, senders: { alice: 4, bob: 3 } })
    // Stored as one row per UTC day (its 24 hours inside; 22:00–00:59 spans two days) and per sender.
    expect(await d.activity.where('[gk+kind+key]').between([gk, 'd', 0], [gk, 'd', Infinity]).toArray()).toEqual([
      { gk, kind: 'd', key: Math.floor(h0 / 24), n: 6, h: [...new Array(22).fill(0), 3, 3] },
      { gk, kind: 'd', key: Math.floor(h0 / 24) + 1, n: 1, h: [1, ...new Array(23).fill(0)] }
    ])
    expect(await d.activity.count()).toBe(4)
    // A later batch adds to the same rows.
    await commitBatch(gk, { messages: range(8, 9), range: [8, 9], top: 9 }, d)
    expect(await snapshot(d)).toEqual({ hours: { 0: 3, 1: 3, 2: 3 }, senders: { alice: 5, bob: 4 } })
    // Busiest sender first.
    expect((await readSenders(d, gk)).map((s) => s.from)).toEqual(['alice', 'bob'])
  })

  it('committing the same batch twice (or a seq twice in one write) counts each message once', async () => {
    const d = freshDb()
    await withGroups(d)
    const batch = { messages: range(1, 6), range: [1, 6] as [number, number], top: 6 }
    await commitBatch(gk, batch, d)
    await commitBatch(gk, batch, d)
    await commitBatches(
      [
        { gk, batch },
        { gk, batch }
      ],
      d
    )
    await commitBatch(gk, { messages: [msg(7), msg(7), msg(7)], range: [7, 7], top: 7 }, d)
    expect(await snapshot(d)).toEqual({ hours: { 0: 3, 1: 3, 2: 1 }, senders: { alice: 4, bob: 3 } })
  })

  it('does not count placeholders or system messages, and counts a placeholder once its content arrives', async () => {
    const d = freshDb()
    await withGroups(d)
    await commitBatch(
      gk,
      {
        messages: [
          msg(1, { From_Account: '@TIM#SYSTEM', IsSystemMsg: 1, MsgBody: { MsgType: 'TIMGroupTipElem' } as unknown as RawMessage['MsgBody'] }),
          placeholder(2, 1),
          placeholder(3, 2),
          msg(4)
        ],
        range: [1, 4],
        top: 4
      },
      d
    )
    expect(await snapshot(d)).toEqual({ hours: { 1: 1 }, senders: { bob: 1 } })
    // Deleted → recalled: still a placeholder, still not counted.
    await commitBatch(gk, { messages: [placeholder(2, 2)], range: [2, 2] }, d)
    expect(await snapshot(d)).toEqual({ hours: { 1: 1 }, senders: { bob: 1 } })
    // The content of seq 3 arrives (a re-check found it): counted now, once.
    await commitBatch(gk, { messages: [msg(3)], range: [3, 3] }, d)
    await commitBatch(gk, { messages: [msg(3)], range: [3, 3] }, d)
    expect(await snapshot(d)).toEqual({ hours: { 0: 1, 1: 1 }, senders: { alice: 1, bob: 1 } })
    // The server later recalls seq 4: the archive keeps its content, and the charts keep counting it.
    await commitBatch(gk, { messages: [placeholder(4, 2)], range: [4, 4] }, d)
    expect(await snapshot(d)).toEqual({ hours: { 0: 1, 1: 1 }, senders: { alice: 1, bob: 1 } })
  })

  it('keeps several groups apart, in one write or in several', async () => {
    const d = freshDb()
    await withGroups(d)
    await commitBatches(
      [
        { gk, batch: { messages: range(1, 3), range: [1, 3], top: 3 } },
        { gk: gk2, batch: { messages: range(1, 4).map((m) => ({ ...m, From_Account: 'carol' })), range: [1, 4], top: 4 } }
      ],
      d
    )
    await commitBatch(gk2, { messages: [msg(5)], range: [5, 5], top: 5 }, d)
    expect(await snapshot(d, gk)).toEqual({ hours: { 0: 3 }, senders: { alice: 2, bob: 1 } })
    expect(await snapshot(d, gk2)).toEqual({ hours: { 0: 3, 1: 2 }, senders: { carol: 4, alice: 1 } })
  })

  it('a failed write leaves the counts as they were', async () => {
    const d = freshDb()
    await withGroups(d)
    await commitBatch(gk, { messages: range(1, 3), range: [1, 3], top: 3 }, d)
    // A message that cannot be stored (a function is not structured-cloneable) aborts the write.
    const bad = { ...msg(4), MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: () => 1 } }] } as unknown as RawMessage
    await expect(commitBatch(gk, { messages: [msg(5), bad], range: [4, 5], top: 5 }, d)).rejects.toThrow()
    expect(await snapshot(d)).toEqual({ hours: { 0: 3 }, senders: { alice: 2, bob: 1 } })
  })

  it('the v3 upgrade builds the counts for what a v2 archive already holds', async () => {
    const name = `activity-upgrade-${Date.now()}`
    const v2 = new Dexie(name)
    v2.version(1).stores({ workspaces: 'id', groups: 'gk, workspaceId', messages: '[gk+seq], [gk+time]', coverage: 'gk', settings: 'key' })
    v2.version(2).stores({ postings: '[b+gk+c]' })
    const group = (gid: string) => ({
      gk: groupKey(ws, gid),
      workspaceId: ws,
      groupId: gid,
      profile: { groupId: gid, name: gid, type: 'Public', archivable: true },
      addedAt: 0,
      lastSyncAt: null,
      lastError: null,
      stats: { messages: 0 }
    })
    await v2.table('groups').bulkPut([group('g1'), group('g2'), group('empty')])
    // 4500 messages in g1 (more than one upgrade page), every 100th a placeholder; 10 in g2.
    const rows = []
    for (let seq = 1; seq <= 4500; seq++) {
      const raw = seq % 100 === 0 ? { GroupId: 'g1', ...placeholder(seq, 2) } : { GroupId: 'g1', ...msg(seq) }
      rows.push({ gk, seq, time: raw.MsgTimeStamp, from: raw.From_Account, raw })
    }
    for (let seq = 1; seq <= 10; seq++)
      rows.push({ gk: gk2, seq, time: t0, from: 'dave', raw: { GroupId: 'g2', ...msg(seq, { From_Account: 'dave', MsgTimeStamp: t0 }) } })
    await v2.table('messages').bulkPut(rows)
    v2.close()

    const d = freshDb(name)
    const hours = await readHours(d, gk)
    expect(hours).toHaveLength(1500)
    expect(hours.reduce((s, r) => s + r.n, 0)).toBe(4455)
    // Hour 33 holds seqs 100–102, of which seq 100 is a placeholder.
    expect(hours.find((r) => r.hour === h0 + 33)!.n).toBe(2)
    expect(await readSenders(d, gk)).toEqual([
      { from: 'alice', n: 2250 },
      { from: 'bob', n: 2205 }
    ])
    expect(await snapshot(d, gk2)).toEqual({ hours: { 0: 10 }, senders: { dave: 10 } })
    expect(await readHours(d, groupKey(ws, 'empty'))).toEqual([])
    // And the store keeps counting from there.
    await commitBatch(gk, { messages: [msg(4501), msg(4500)], range: [4500, 4501], top: 4501 }, d)
    expect((await readSenders(d, gk)).map((s) => s.n)).toEqual([2251, 2206])
  })

  it('an archive from before search (v1) gets both upgrades, in order', async () => {
    const name = `activity-upgrade-v1-${Date.now()}`
    const v1 = new Dexie(name)
    v1.version(1).stores({ workspaces: 'id', groups: 'gk, workspaceId', messages: '[gk+seq], [gk+time]', coverage: 'gk', settings: 'key' })
    await v1.table('groups').put({
      gk,
      workspaceId: ws,
      groupId: 'g1',
      profile: { groupId: 'g1', name: 'g1', type: 'Public', archivable: true },
      addedAt: 0,
      lastSyncAt: null,
      lastError: null,
      stats: { messages: 3 }
    })
    await v1
      .table('messages')
      .bulkPut(range(1, 3).map((m) => ({ gk, seq: m.MsgSeq, time: m.MsgTimeStamp, from: m.From_Account, raw: { GroupId: 'g1', ...m } })))
    v1.close()
    const d = freshDb(name)
    expect(await snapshot(d)).toEqual({ hours: { 0: 3 }, senders: { alice: 2, bob: 1 } })
    expect(await d.postings.count()).toBeGreaterThan(0)
  })
})
