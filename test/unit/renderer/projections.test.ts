/**
 * The store's derived views (lib/db/projections: the group statistics, the charts' counts, the search
 * index) as the write path keeps them: whatever was written, each holds what rebuilding it from the
 * archived messages holds, so the sidebar's counts, the charts and search agree with the timeline;
 * and a write that runs only some projections leaves the others as they were.
 */
import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { commitBatch, commitBatches } from '../../../src-renderer/src/lib/db/archive-repo'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { deleteGroup } from '../../../src-renderer/src/lib/db/delete-group'
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

const cos = 'https://cos.ap-shanghai.myqcloud.com/tim'
const imageBody = (seq: number) => ({
  MsgType: 'TIMImageElem',
  MsgContent: {
    UUID: `img-${seq}`,
    ImageFormat: 1,
    ImageInfoArray: [
      { Type: 1, Size: 90_000, Width: 1200, Height: 800, URL: `${cos}/o/${seq}.jpg` },
      { Type: 2, Size: 30_000, Width: 720, Height: 480, URL: `${cos}/l/${seq}.jpg` },
      { Type: 3, Size: 4_000, Width: 198, Height: 132, URL: `${cos}/t/${seq}.jpg` }
    ]
  }
})
const fileBody = (seq: number) => ({
  MsgType: 'TIMFileElem',
  MsgContent: { UUID: `file-${seq}`, Url: `${cos}/f/${seq}.pdf`, FileSize: 5000 + seq, FileName: `report-${seq}.pdf`, Download_Flag: 2 }
})
const videoBody = (seq: number) => ({
  MsgType: 'TIMVideoFileElem',
  MsgContent: {
    VideoUUID: `vid-${seq}`,
    VideoUrl: `${cos}/v/${seq}.mp4`,
    VideoSize: 800_000,
    VideoSecond: 12,
    VideoFormat: 'mp4',
    VideoDownloadFlag: 2,
    ThumbUUID: `vt-${seq}`,
    ThumbUrl: `${cos}/vt/${seq}.jpg`,
    ThumbSize: 9000,
    ThumbWidth: 320,
    ThumbHeight: 180,
    ThumbFormat: 'JPG',
    ThumbDownloadFlag: 2
  }
})
const soundBody = (seq: number) => ({
  MsgType: 'TIMSoundElem',
  MsgContent: { UUID: `snd-${seq}`, Url: `${cos}/s/${seq}.silk`, Size: 3000, Second: 4, Download_Flag: 2 }
})
/** A message with media for some seqs: an image, a file with a caption, a video, a voice message. */
function media(seq: number): RawMessage {
  switch (seq % 5) {
    case 0:
      return msg(seq, { MsgBody: [imageBody(seq)] })
    case 1:
      return msg(seq, { MsgBody: [...(msg(seq).MsgBody as object[]), fileBody(seq)] } as Partial<RawMessage>)
    case 2:
      return msg(seq, { MsgBody: [videoBody(seq), soundBody(seq)] } as Partial<RawMessage>)
    default:
      return msg(seq)
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
  const media = await d.media.toArray()
  return {
    media: media.map((r) => ({ ...r })),
    stats: Object.fromEntries(groups.map((g) => [g.gk, g.stats])),
    activity: activity.map((r) => ({ ...r })),
    search: { [gk1]: await searchState(d, gk1), [gk2]: await searchState(d, gk2) }
  }
}

function rebuild(d: AppDB, p: Projection): Promise<void> {
  return d.transaction('rw', [d.groups, d.messages, d.activity, d.postings, d.media], (tx) => p.rebuild(tx))
}

/** Sync-shaped writes: new messages, placeholders later filled in, messages the server removes later, system messages, a seq twice in one write, two groups at once. */
async function writeHistory(d: AppDB) {
  await commitBatch(gk1, { messages: [...range(1, 20, media), placeholder(21, 1), placeholder(22, 2), system(23)], range: [1, 23] }, d)
  await commitBatches(
    [
      // A placeholder filled in with an image.
      { gk: gk1, batch: { messages: [msg(21, { MsgBody: [imageBody(21)] } as Partial<RawMessage>), msg(24), media(25)], range: null } },
      { gk: gk2, batch: { messages: range(1, 30, media), range: [1, 30] } },
      { gk: gk1, batch: { messages: [placeholder(5, 2), msg(24), media(25)], range: null } }
    ],
    d
  )
  await commitBatch(gk2, { messages: [placeholder(3, 1), msg(31, { From_Account: 'dave' }), msg(31)], range: [31, 31] }, d)
  // The same batch again: nothing changes.
  await commitBatch(gk2, { messages: [placeholder(3, 1), msg(31, { From_Account: 'dave' }), msg(31)], range: [31, 31] }, d)
  // An admin edits a message twice (issue 18 §5): the archive keeps every version.
  const say = (text: string): Partial<RawMessage> => ({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] })
  await commitBatch(gk1, { messages: [msg(9, say('zeppelin first edit'))], range: null }, d)
  await commitBatch(gk1, { messages: [msg(9, say('quokka second edit'))], range: null }, d)
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
    // Search finds seq 9 by the words of each of its versions: the original, the first edit, the current.
    expect(written.search[gk1]!['meadow']).toContain(9)
    expect(written.search[gk1]!['zeppelin']).toEqual([9])
    expect(written.search[gk1]!['quokka']).toEqual([9])
    expect((await d.messages.get([gk1, 9]))!.raw._archive!.versions).toHaveLength(2)
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

describe('the media projection', () => {
  it('lists each media object of a message once, an image with its three sizes and a video with its thumbnail', async () => {
    const d = freshDb()
    await withGroups(d)
    await writeHistory(d)
    const rows = await d.media.where('[gk+seq+i]').between([gk1, 1, 0], [gk1, 100, 100]).toArray()
    const at = (seq: number, i = 0) => rows.find((r) => r.seq === seq && r.i === i)
    // seq 5 was later reported recalled: the archived image stays, so does its row.
    expect(at(5)).toMatchObject({
      kind: 'image',
      shelf: 'grid',
      t: t0 + 5 * 420,
      w: 1200,
      h: 800,
      bytes: 90_000,
      keys: { original: 'image:original:uuid:img-5', large: 'image:large:uuid:img-5', thumb: 'image:thumb:uuid:img-5' }
    })
    expect(at(7)).toMatchObject({
      kind: 'video',
      shelf: 'grid',
      w: 320,
      h: 180,
      seconds: 12,
      keys: { video: 'video:uuid:vid-7', thumb: 'video-thumb:uuid:vt-7' }
    })
    expect(at(7, 1)).toMatchObject({ kind: 'voice', shelf: 'list', seconds: 4, keys: { sound: 'sound:uuid:snd-7' } })
    expect(at(6)).toMatchObject({ kind: 'file', shelf: 'list', name: 'report-6.pdf', bytes: 5006 })
    // A placeholder later filled in with an image, and an image stored twice in one write.
    expect(at(21)?.kind).toBe('image')
    expect(at(25)?.kind).toBe('image')
    // Text-only messages have none.
    expect(at(3)).toBeUndefined()
    expect(at(22)).toBeUndefined()

    // Newest first per shelf: what the Media view's grid reads.
    const grid = await d.media.where('[gk+shelf+t+seq+i]').between([gk1, 'grid', 0, 0, 0], [gk1, 'grid', Infinity, Infinity, Infinity]).reverse().toArray()
    expect(grid.map((r) => r.seq)).toEqual([25, 21, 20, 17, 15, 12, 10, 7, 5, 2])
  })

  it('forgets a deleted group and no other', async () => {
    const d = freshDb()
    await withGroups(d)
    await writeHistory(d)
    const before2 = await d.media.where('[gk+seq+i]').between([gk2, 0, 0], [gk2, Infinity, Infinity]).count()
    expect(before2).toBeGreaterThan(0)
    await deleteGroup(gk1, {}, d)
    expect(await d.media.where('[gk+seq+i]').between([gk1, 0, 0], [gk1, Infinity, Infinity]).count()).toBe(0)
    expect(await d.media.count()).toBe(before2)
  })
})

describe('the v7 upgrade', () => {
  it('lists the media of what a v6 archive already holds', async () => {
    const name = `media-upgrade-${Date.now()}`
    const v6 = new Dexie(name)
    v6.version(1).stores({ workspaces: 'id', groups: 'gk, workspaceId', messages: '[gk+seq], [gk+time]', coverage: 'gk', settings: 'key' })
    v6.version(2).stores({ postings: '[b+gk+c], [b+gk+mt]' })
    v6.version(3).stores({ activity: '[gk+kind+key]' })
    v6.version(4).stores({ postings: '[b+gk+c]' })
    v6.version(5).stores({})
    v6.version(6).stores({})
    await v6.open()
    await v6.table('groups').put({
      gk: gk1,
      workspaceId: ws,
      groupId: 'g1',
      profile: { groupId: 'g1', name: 'One', type: 'Public', archivable: true },
      addedAt: 0,
      lastSyncAt: null,
      lastError: null,
      stats: {}
    })
    // More messages than one upgrade page.
    const raws = Array.from({ length: 2500 }, (_, i) => ({ ...media(i + 1), GroupId: 'g1' }))
    await v6.table('messages').bulkPut(raws.map((raw) => ({ gk: gk1, seq: raw.MsgSeq, time: raw.MsgTimeStamp, from: raw.From_Account, raw })))
    v6.close()
    const d = freshDb(name)
    const rows = await d.media.toArray()
    const expected = new AppDB(`media-upgrade-expected-${Date.now()}`)
    try {
      await withGroups(expected)
      await commitBatch(gk1, { messages: range(1, 2500, media), range: [1, 2500] }, expected)
      expect(rows).toEqual(await expected.media.toArray())
      // Images (seq % 5 = 0), files, and videos with a voice message each: four rows per five messages.
      expect(rows.length).toBe(2000)
    } finally {
      await expected.delete()
    }
  })
})
