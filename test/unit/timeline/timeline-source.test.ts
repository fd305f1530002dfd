import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DBCore, DBCoreQueryRequest, DBCoreTable, Middleware } from 'dexie'
import { AppDB, type MessageRow } from '../../../src-renderer/src/lib/db/app-db'
import {
  indexAtOrBefore,
  loadAround,
  loadNewer,
  loadNewest,
  loadOldest,
  loadOlder,
  loadRange,
  newestSeq,
  seqAtOrAfter,
  seqAtOrBefore
} from '../../../src-renderer/src/features/timeline/timeline-source'

const gk = 'ws|@TGS#team'
const other = 'ws|@TGS#other'
/** Seqs the archive has no record for. */
const holes = new Set([57, 58, 233, ...Array.from({ length: 11 }, (_, i) => 500 + i)])
const t0 = 1_715_000_000

function row(g: string, seq: number, time: number): MessageRow {
  return {
    gk: g,
    seq,
    time,
    from: `user${seq % 7}`,
    raw: {
      GroupId: g.split('|')[1]!,
      From_Account: `user${seq % 7}`,
      IsPlaceMsg: 0,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `message ${seq}` } }],
      MsgRandom: seq,
      MsgSeq: seq,
      MsgTimeStamp: time
    }
  }
}

/** 1000 seqs minus holes; every 10th message shares the previous one's second. */
function seed(): MessageRow[] {
  const rows: MessageRow[] = []
  let time = t0
  for (let seq = 1; seq <= 1000; seq++) {
    if (seq % 10 !== 0) time += 60
    if (holes.has(seq)) continue
    rows.push(row(gk, seq, time))
  }
  return rows
}

const seqs = (rows: MessageRow[]): number[] => rows.map((r) => r.seq)
const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((s) => !holes.has(s))

let n = 0
let db: AppDB
let all: MessageRow[]
/** Rows handed out by the store's queries since the last reset (a DBCore middleware counts them). */
let rowsRead = 0

const counter: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'count-reads',
  create: (down) => ({
    ...down,
    table: (name: string): DBCoreTable => {
      const table = down.table(name)
      return {
        ...table,
        query: async (req: DBCoreQueryRequest) => {
          const res = await table.query(req)
          rowsRead += res.result.length
          return res
        },
        openCursor: async (req) => {
          const cursor = await table.openCursor(req)
          if (!cursor) return cursor
          // Each step of a cursor reads one row.
          const start = cursor.start.bind(cursor)
          return Object.assign(Object.create(cursor) as typeof cursor, {
            start: (onNext: () => void) =>
              start(() => {
                rowsRead++
                onNext()
              })
          })
        }
      }
    }
  })
}

beforeEach(async () => {
  db = new AppDB(`timeline-source-${++n}-${Date.now()}`)
  db.use(counter)
  all = seed()
  await db.messages.bulkPut(all)
  await db.messages.bulkPut([row(other, 1, t0 + 5), row(other, 2000, t0 + 999_999)])
  rowsRead = 0
})

afterEach(async () => {
  db.close()
  await db.delete()
})

describe('reading a group page by page', () => {
  it('opens at the newest messages, oldest first on the page', async () => {
    const page = await loadNewest(gk, 100, db)
    expect(seqs(page)).toEqual(range(901, 1000))
    expect(page.every((r) => r.gk === gk)).toBe(true)
  })

  it('reads only the page it returns', async () => {
    await loadNewest(gk, 100, db)
    expect(rowsRead).toBeGreaterThanOrEqual(100)
    expect(rowsRead).toBeLessThanOrEqual(101)
    rowsRead = 0
    await loadOlder(gk, 700, 50, db)
    expect(rowsRead).toBeGreaterThanOrEqual(50)
    expect(rowsRead).toBeLessThanOrEqual(51)
    rowsRead = 0
    await seqAtOrBefore(gk, t0 + 30_000, db)
    expect(rowsRead).toBeLessThanOrEqual(2)
  })

  it('reads older pages below the oldest loaded seq, skipping holes', async () => {
    const older = await loadOlder(gk, 515, 10, db)
    // 500–510 are missing: the ten nearest before 515 are 511–514 and 494–499.
    expect(seqs(older)).toEqual([494, 495, 496, 497, 498, 499, 511, 512, 513, 514])
    expect(seqs(await loadOlder(gk, 3, 10, db))).toEqual([1, 2])
    expect(await loadOlder(gk, 1, 10, db)).toEqual([])
  })

  it('reads newer pages above the newest loaded seq', async () => {
    expect(seqs(await loadNewer(gk, 55, 5, db))).toEqual([56, 59, 60, 61, 62])
    expect(seqs(await loadNewer(gk, 998, 10, db))).toEqual([999, 1000])
    expect(await loadNewer(gk, 1000, 10, db)).toEqual([])
  })

  it('re-reads a loaded range, holes left out', async () => {
    expect(seqs(await loadRange(gk, 55, 60, db))).toEqual([55, 56, 59, 60])
    expect(await loadRange(gk, 60, 55, db)).toEqual([])
  })

  it('pages down from the oldest message', async () => {
    expect(seqs(await loadOldest(gk, 5, db))).toEqual([1, 2, 3, 4, 5])
  })

  it('never mixes in another group', async () => {
    expect(seqs(await loadNewest(other, 10, db))).toEqual([1, 2000])
    expect(seqs(await loadNewer(gk, 999, 10, db))).toEqual([1000])
    expect(await loadNewest('ws|@TGS#none', 10, db)).toEqual([])
  })

  it('walking older pages from the newest visits every archived message once', async () => {
    let page = await loadNewest(gk, 97, db)
    const seen = [...seqs(page)]
    while (page.length) {
      page = await loadOlder(gk, page[0]!.seq, 97, db)
      seen.unshift(...seqs(page))
    }
    expect(seen).toEqual(seqs(all))
  })
})

describe('opening the timeline around a message', () => {
  it('centres the page on the message', async () => {
    const page = await loadAround(gk, 300, 10, db)
    expect(seqs(page)).toEqual([296, 297, 298, 299, 300, 301, 302, 303, 304, 305])
    expect(page[indexAtOrBefore(page, 300)]!.seq).toBe(300)
  })

  it('lands on the nearest message before a hole', async () => {
    const page = await loadAround(gk, 505, 6, db)
    expect(seqs(page)).toEqual([497, 498, 499, 511, 512, 513])
    expect(page[indexAtOrBefore(page, 505)]!.seq).toBe(499)
  })

  it('still returns a full page near either end of the group', async () => {
    expect(seqs(await loadAround(gk, 2, 6, db))).toEqual([1, 2, 3, 4, 5, 6])
    expect(seqs(await loadAround(gk, 1000, 6, db))).toEqual([995, 996, 997, 998, 999, 1000])
    expect(seqs(await loadAround(gk, 5000, 3, db))).toEqual([998, 999, 1000])
  })
})

describe('finding the message at a date', () => {
  it('gives the newest message sent at or before the time', async () => {
    const m = all.find((r) => r.seq === 305)!
    expect(await seqAtOrBefore(gk, m.time, db)).toBe(305)
    expect(await seqAtOrBefore(gk, m.time + 30, db)).toBe(305)
    expect(await seqAtOrBefore(gk, m.time - 1, db)).toBe(304)
  })

  it('picks the last of messages sent in the same second', async () => {
    // Seq 10 shares its second with seq 9.
    const nine = all.find((r) => r.seq === 9)!
    expect(all.find((r) => r.seq === 10)!.time).toBe(nine.time)
    expect(await seqAtOrBefore(gk, nine.time, db)).toBe(10)
  })

  it('steps over holes in the seqs', async () => {
    const before = all.find((r) => r.seq === 499)!
    const after = all.find((r) => r.seq === 511)!
    expect(await seqAtOrBefore(gk, after.time - 1, db)).toBe(499)
    expect(await seqAtOrBefore(gk, before.time, db)).toBe(499)
  })

  it('gives nothing for a time before the archive begins, and ignores placeholders without a time', async () => {
    await db.messages.put({ ...row(gk, 56, 0), time: 0 })
    expect(await seqAtOrBefore(gk, t0, db)).toBeUndefined()
    expect(await seqAtOrBefore(gk, 0, db)).toBeUndefined()
    expect(await seqAtOrBefore(gk, Number.NaN, db)).toBeUndefined()
  })

  it('reads the newest seq without reading the group', async () => {
    expect(await newestSeq(gk, db)).toBe(1000)
    expect(await newestSeq('ws|@TGS#none', db)).toBeUndefined()
  })
})

describe('jump to date: the first message at or after a time', () => {
  it('gives the oldest message sent at or after the time, the first of those in one second', async () => {
    const m = all.find((r) => r.seq === 305)!
    expect(await seqAtOrAfter(gk, m.time, db)).toBe(305)
    expect(await seqAtOrAfter(gk, m.time - 30, db)).toBe(305)
    // Seq 10 shares its second with seq 9.
    expect(await seqAtOrAfter(gk, all.find((r) => r.seq === 10)!.time, db)).toBe(9)
  })

  it('lands on the oldest message before the archive, and on nothing after it', async () => {
    expect(await seqAtOrAfter(gk, 0, db)).toBe(1)
    expect(await seqAtOrAfter(gk, t0 - 86_400, db)).toBe(1)
    // The other group's later message (t0 + 999,999) is not this group's.
    expect(await seqAtOrAfter(gk, all[all.length - 1]!.time + 1, db)).toBeUndefined()
    expect(await seqAtOrAfter(other, t0 + 6, db)).toBe(2000)
    expect(await seqAtOrAfter('ws|@TGS#none', t0, db)).toBeUndefined()
  })
})

describe('indexAtOrBefore', () => {
  it('finds a seq or the row before it in an ascending page', () => {
    const page = [3, 5, 9].map((s) => row(gk, s, t0))
    expect(indexAtOrBefore(page, 5)).toBe(1)
    expect(indexAtOrBefore(page, 8)).toBe(1)
    expect(indexAtOrBefore(page, 100)).toBe(2)
    expect(indexAtOrBefore(page, 1)).toBe(0)
    expect(indexAtOrBefore([], 1)).toBe(0)
  })
})
