/**
 * What the Media view reads (features/media/media-source.ts) and the image viewer steps through
 * (projections/media.ts neighbourImage, countImages): a filter's rows newest first, a window at a
 * time, by shelf or kind and date range; the previous and next image of the group.
 */
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { commitBatch } from '../../../src-renderer/src/lib/db/archive-repo'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import { countImages, neighbourImage } from '../../../src-renderer/src/lib/db/projections/media'
import { countMedia, dayBound, hasMedia, readMedia } from '../../../src-renderer/src/features/media/media-source'
import { freshDbs } from './fresh-db'

const ws = '1400000000@china'
const gk = groupKey(ws, 'g1')
const freshDb = freshDbs('media-source')
const cos = 'https://cos.ap-shanghai.myqcloud.com/tim'
const day = 86_400
const t0 = Math.floor(new Date(2026, 0, 1).getTime() / 1000)

/** seq s, one a day from 2026-01-01 (local time): images, then a file, then a video, in turn. */
function msg(seq: number): RawMessage {
  const kind = seq % 3
  const body =
    kind === 0
      ? { MsgType: 'TIMImageElem', MsgContent: { UUID: `i${seq}`, ImageInfoArray: [{ Type: 3, Size: 10, Width: 2, Height: 1, URL: `${cos}/t/${seq}` }] } }
      : kind === 1
        ? { MsgType: 'TIMFileElem', MsgContent: { UUID: `f${seq}`, Url: `${cos}/f/${seq}`, FileSize: 10, FileName: `f${seq}.txt` } }
        : {
            MsgType: 'TIMVideoFileElem',
            MsgContent: { VideoUUID: `v${seq}`, VideoUrl: `${cos}/v/${seq}`, ThumbUUID: `vt${seq}`, ThumbUrl: `${cos}/vt/${seq}` }
          }
  return {
    From_Account: 'a',
    IsPlaceMsg: 0,
    MsgBody: [body],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: t0 + (seq - 1) * day + 3600,
    MsgPriority: 1
  } as RawMessage
}

async function archive(n: number) {
  const d = freshDb()
  await addGroups(ws, [{ groupId: 'g1', name: 'One', type: 'Public', archivable: true }], d)
  await commitBatch(gk, { messages: Array.from({ length: n }, (_, i) => msg(i + 1)), range: [1, n] }, d)
  return d
}

describe('the Media view reads', () => {
  it('a shelf or a kind, newest first, a window at a time', async () => {
    const d = await archive(90)
    const all = { from: null, to: null }
    expect(await countMedia(gk, { type: 'grid', ...all }, d)).toBe(60)
    expect(await countMedia(gk, { type: 'image', ...all }, d)).toBe(30)
    expect(await countMedia(gk, { type: 'list', ...all }, d)).toBe(30)
    expect(await countMedia(gk, { type: 'voice', ...all }, d)).toBe(0)
    const first = await readMedia(gk, { type: 'grid', ...all }, 0, 4, d)
    expect(first.map((r) => r.seq)).toEqual([90, 89, 87, 86])
    const later = await readMedia(gk, { type: 'grid', ...all }, 58, 10, d)
    expect(later.map((r) => r.seq)).toEqual([3, 2])
    expect((await readMedia(gk, { type: 'file', ...all }, 0, 2, d)).map((r) => r.name)).toEqual(['f88.txt', 'f85.txt'])
    expect(await hasMedia(gk, d)).toBe(true)
    expect(await hasMedia(groupKey(ws, 'g2'), d)).toBe(false)
  })

  it('a date range, both days included', async () => {
    const d = await archive(90)
    // 2026-01-10 … 2026-01-12 hold seqs 10, 11, 12.
    const f = { type: 'grid' as const, from: dayBound('2026-01-10', false), to: dayBound('2026-01-12', true) }
    expect((await readMedia(gk, f, 0, 10, d)).map((r) => r.seq)).toEqual([12, 11])
    expect(await countMedia(gk, { ...f, type: 'list' }, d)).toBe(1)
    expect(dayBound('', false)).toBeNull()
    expect(dayBound('2026-13-45x', true)).toBeNull()
  })

  it('the previous and next image for the viewer, and where it stands', async () => {
    const d = await archive(12)
    const images = await readMedia(gk, { type: 'image', from: null, to: null }, 0, 10, d)
    expect(images.map((r) => r.seq)).toEqual([12, 9, 6, 3])
    const at9 = images[1]!
    expect((await neighbourImage(at9, true, d))?.seq).toBe(6)
    expect((await neighbourImage(at9, false, d))?.seq).toBe(12)
    expect(await neighbourImage(images[0]!, false, d)).toBeUndefined()
    expect(await neighbourImage(images[3]!, true, d)).toBeUndefined()
    expect(await countImages(at9, d)).toEqual({ index: 2, total: 4 })
  })
})

describe('a Community’s Media view reads its topics’ media too (issue 18 §2)', () => {
  const C = '@TGS#_@TGS#COMMUNITY'
  const gkC = groupKey(ws, C)
  const gkT = groupKey(ws, `${C}@TOPIC#_general`)
  const gkU = groupKey(ws, `${C}@TOPIC#_releases`)

  it('counts and lists them newest first across the group and its topics, a window at a time', async () => {
    const d = freshDb()
    // The group's own media on days 1, 4, 7…; the topics' on days 2, 5… and 3, 6…: one merged day order.
    const on = (days: number[]) => days.map((day) => ({ ...msg(day), MsgSeq: Math.ceil(day / 3), MsgRandom: day }) as RawMessage)
    const own = on([1, 4, 7, 10, 13, 16])
    const general = on([2, 5, 8, 11, 14, 17])
    const releases = on([3, 6, 9, 12, 15, 18])
    for (const [k, ms] of [
      [gkC, own],
      [gkT, general],
      [gkU, releases]
    ] as const)
      await commitBatch(k, { messages: [...ms], range: [1, ms.length] }, d)
    const all = { type: 'grid' as const, from: null, to: null }
    const units = [gkC, gkT, gkU]
    const days = (rs: { t: number }[]) => rs.map((r) => Math.round((r.t - 3600 - t0) / day) + 1)
    expect(await countMedia(units, all, d)).toBe(12)
    // The group's own are files (the list shelf), the topics' videos and images (the grid).
    expect(await countMedia(gkC, all, d)).toBe(0)
    expect(await countMedia(units, { ...all, type: 'list' }, d)).toBe(6)
    expect(days(await readMedia(units, { ...all, type: 'list' }, 0, 3, d))).toEqual([16, 13, 10])
    const rows = await readMedia(units, all, 0, 100, d)
    // The grid: the topics' images and videos, days 18 down to 2.
    const expected = [18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].filter((x) => x % 3 !== 1)
    expect(days(rows)).toEqual(expected)
    // Windows agree with the whole.
    const windows = [...(await readMedia(units, all, 0, 5, d)), ...(await readMedia(units, all, 5, 5, d)), ...(await readMedia(units, all, 10, 5, d))]
    expect(windows).toEqual(rows)
    // Each row keeps its own key: the view opens a topic's message in that topic.
    expect(rows.find((r) => days([r])[0] === 17)!.gk).toBe(gkT)
    expect(rows.find((r) => days([r])[0] === 18)!.gk).toBe(gkU)
  })

  it('has media when only a topic has', async () => {
    const d = freshDb()
    await commitBatch(gkT, { messages: [msg(3)], range: [1, 1] }, d)
    expect(await hasMedia(gkC, d)).toBe(false)
    expect(await hasMedia([gkC, gkT], d)).toBe(true)
  })
})
