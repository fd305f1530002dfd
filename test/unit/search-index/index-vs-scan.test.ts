/**
 * The index must answer exactly what the reference predicate (the scan) answers: same count, same
 * hits in the same order, for every query form, over archives written the way the app writes them
 * (sync batches of every size, so level-0 rows, folds and merges all happen; rewrites that add and
 * remove terms; several groups; imported rows). fake-indexeddb here for speed; the real IndexedDB is
 * exercised by bench:search (which checks the counts against the scan too) and the e2e tests.
 */
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import Dexie from 'dexie'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { commitBatches } from '../../../src-renderer/src/lib/db/archive-repo'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import {
  bucketAt,
  defaultTuning,
  indexSearch,
  LEVELS,
  newestFirst,
  offsetsText,
  prepareSearch,
  scanSearch,
  termPosition,
  type PostingsTuning,
  type SearchReadStats,
  type SearchRequest
} from '../../../src-renderer/src/lib/search'
import { mulberry32 } from '../../../tools/random'

const ws = '1400000000@china'

let n = 0
const open: AppDB[] = []
afterEach(async () => {
  for (const d of open.splice(0)) await d.delete()
})
function freshDb(): AppDB {
  const d = new AppDB(`index-test-${++n}-${Date.now()}`)
  open.push(d)
  return d
}

const english = ['release', 'relax', 'deploy', 'server', 'meeting', 'lunch', 'report', 'the', 'a', 're', 'Budget', 'E-mail', "don't", 'node.js']
const chinese = ['数据同步', '发布', '会议', '服务器', '午饭', '报告', '数', '我们', '同步']
const senders = ['alice', 'Bob', 'carol', '张三']
const t0 = 1_717_200_000 // 2024-06-01

function text(rand: () => number): string {
  const words: string[] = []
  const k = 1 + Math.floor(rand() * 6)
  for (let i = 0; i < k; i++) {
    const pool = rand() < 0.5 ? english : chinese
    let w = pool[Math.floor(rand() * pool.length)]!
    if (rand() < 0.1) w = w.toUpperCase()
    if (rand() < 0.05) w = w.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)) // full-width
    words.push(w)
  }
  if (rand() < 0.1) words.push('😀')
  if (rand() < 0.1) words.push('see https://example.com/x')
  return words.join(rand() < 0.3 ? '' : ' ')
}

function message(rand: () => number, seq: number): RawMessage {
  const r = rand()
  const base = {
    From_Account: senders[Math.floor(rand() * senders.length)]!,
    MsgSeq: seq,
    MsgRandom: seq,
    MsgTimeStamp: t0 + seq * 3600 + (rand() < 0.05 ? -7200 : 0),
    IsPlaceMsg: 0
  }
  if (rand() < 0.02) delete (base as Partial<typeof base>).MsgTimeStamp
  if (r < 0.08) return { ...base, IsPlaceMsg: rand() < 0.5 ? 1 : 2, MsgBody: [] } as RawMessage
  if (r < 0.14) return { ...base, MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: 'x', ImageInfoArray: [] } }] } as RawMessage
  if (r < 0.18) return { ...base, MsgBody: [{ MsgType: 'TIMFileElem', MsgContent: { FileName: `${text(rand)}.pdf` } }] } as RawMessage
  if (r < 0.2) return { ...base, IsSystemMsg: 1, MsgBody: { Operation: 'join', Text: text(rand) } } as unknown as RawMessage
  return { ...base, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text(rand) } }] } as RawMessage
}

/** The text of a text message. */
function body(m: RawMessage): string | undefined {
  const e = (m.MsgBody as { MsgType: string; MsgContent: { Text?: string } }[])[0]
  return e?.MsgType === 'TIMTextElem' ? e.MsgContent.Text : undefined
}

/**
 * Writes messages for 3 groups as the app does: batches of random sizes, then rewrites. `order`:
 * the batches oldest first (forward), newest first (backward, as a first sync pulls history), or
 * every odd seq before every even one (interleaved: runs whose seqs of a term interleave).
 */
async function buildArchive(
  d: AppDB,
  seed: number,
  count: number,
  order: 'forward' | 'backward' | 'interleaved' = 'forward',
  tuning: PostingsTuning = defaultTuning
): Promise<string[]> {
  const options = { search: { tuning } }
  const rand = mulberry32(seed)
  const ids = ['g1', 'g2', 'g3']
  await addGroups(
    ws,
    ids.map((id, i) => ({ groupId: id, name: `Team ${i + 1}`, type: 'Public', archivable: true })),
    d
  )
  const gks = ids.map((id) => groupKey(ws, id))
  const all = new Map<string, RawMessage[]>()
  for (const gk of gks) all.set(gk, [])
  let seq = 1
  const commits: Parameters<typeof commitBatches>[0][] = []
  while (seq <= count) {
    const size = [1, 5, 20, 200, 1500][Math.floor(rand() * 5)]!
    const items = []
    for (let i = 0; i < Math.ceil(size / 20) && seq <= count; i++) {
      const gk = gks[Math.floor(rand() * gks.length)]!
      const messages: RawMessage[] = []
      for (let j = 0; j < Math.min(20, size) && seq <= count; j++) {
        const m = message(rand, seq++)
        messages.push(m)
        all.get(gk)!.push(m)
      }
      items.push({ gk, batch: { messages, range: null } })
    }
    commits.push(items)
  }
  const only = (keep: (seq: number) => boolean) =>
    commits.map((items) =>
      items.map(({ gk, batch }) => ({ gk, batch: { ...batch, messages: batch.messages.filter((m) => keep(m.MsgSeq)) } })).filter((i) => i.batch.messages.length)
    )
  const ordered =
    order === 'backward'
      ? commits.reverse().map((items) => items.reverse().map(({ gk, batch }) => ({ gk, batch: { ...batch, messages: [...batch.messages].reverse() } })))
      : order === 'interleaved'
        ? [...only((seq) => seq % 2 === 1), ...only((seq) => seq % 2 === 0)]
        : commits
  for (const items of ordered) if (items.length) await commitBatches(items, d, options)
  // Rewrites: placeholders gain content (terms added, is:deleted removed); content gets a server
  // note (recalled/deleted, or a changed body whose text is searchable); a note is dropped again.
  for (const gk of gks) {
    const rewrites: RawMessage[] = []
    for (const m of all.get(gk)!) {
      const r = rand()
      if (m.IsPlaceMsg && r < 0.5) rewrites.push({ ...m, IsPlaceMsg: 0, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text(rand) } }] } as RawMessage)
      else if (!m.IsPlaceMsg && r < 0.05) rewrites.push({ ...m, IsPlaceMsg: 2, MsgBody: [] } as RawMessage)
      else if (!m.IsPlaceMsg && r < 0.08) rewrites.push({ ...m, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'edited 会议纪要' } }] } as RawMessage)
      else if (!m.IsPlaceMsg && r < 0.12 && body(m))
        rewrites.push({ ...m, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: body(m)!.split(' ').reverse().join(' ') } }] } as RawMessage)
    }
    for (let i = 0; i < rewrites.length; i += 7) await commitBatches([{ gk, batch: { messages: rewrites.slice(i, i + 7), range: null } }], d, options)
    // The server agrees with the archive again for some: their notes (and the notes' terms) go.
    const back = all.get(gk)!.filter((m, i) => !m.IsPlaceMsg && i % 11 === 0)
    await commitBatches([{ gk, batch: { messages: back, range: null } }], d, options)
  }
  return gks
}

const queries: string[] = [
  '',
  'release',
  'RELEASE',
  'ｒｅｌｅａｓｅ',
  'rel*',
  're*',
  'r*',
  'the',
  'e-mail',
  'email',
  'dont',
  'node.js',
  '数据同步',
  '数据',
  '数',
  '我们 release',
  '"release 数据"',
  '"release deploy"',
  '"deploy release"',
  '"the budget"',
  '"meeting lunch report"',
  '"e-mail server"',
  '"mail server"',
  '"node.js the"',
  '"数据同步 release"',
  '"don\'t relax"',
  '"report report"',
  '"edited 会议纪要"',
  '-"release deploy" deploy',
  '"release deploy" from:alice',
  '"lax"',
  '"同步"',
  '😀',
  '-😀 deploy',
  'from:alice',
  'from:ALICE',
  'from:张三 会议',
  'from:alice from:bob',
  '-from:alice',
  'in:g1',
  'in:"Team 2"',
  '-in:g1 lunch',
  'after:2024-06-10',
  'before:2024-06-05',
  'on:2024-06-03',
  'after:2024-06-02 before:2024-06-08',
  '-on:2024-06-03 server',
  'on:2024-06',
  'has:image',
  'has:file report',
  'has:link',
  'is:deleted',
  'is:recalled',
  'is:removed',
  'is:edited',
  'is:edited 会议纪要',
  'is:system',
  '-is:system -has:image',
  'edited',
  '会议纪要',
  '-release',
  '-rel* meeting',
  '-"the budget" budget',
  'budget -数据同步',
  'nothingmatchesthis'
]

/**
 * A database as an older version of the app left it: its schema up to `version` (3 or 4), and one
 * group with that version's index state and a text message per entry of `texts` (seq 1, 2, …).
 */
async function olderArchive(name: string, version: 3 | 4 | 5, groupId: string, index: object, texts: string[]): Promise<{ db: Dexie; gk: string }> {
  const db = new Dexie(name)
  db.version(1).stores({ workspaces: 'id', groups: 'gk, workspaceId', messages: '[gk+seq], [gk+time]', coverage: 'gk', settings: 'key' })
  db.version(2).stores({ postings: '[b+gk+c], [b+gk+mt]' })
  db.version(3).stores({ activity: '[gk+kind+key]' })
  if (version >= 4) db.version(4).stores({ postings: '[b+gk+c]' })
  if (version >= 5) db.version(5).stores({})
  const gk = groupKey(ws, groupId)
  await db.table('groups').put({
    gk,
    workspaceId: ws,
    groupId,
    profile: { groupId, name: groupId, type: 'Public', archivable: true },
    addedAt: 0,
    lastSyncAt: null,
    lastError: null,
    stats: { messages: texts.length },
    index
  })
  await db.table('messages').bulkPut(
    texts.map((text, i) => ({
      gk,
      seq: i + 1,
      time: t0 + i + 1,
      from: 'alice',
      raw: {
        GroupId: groupId,
        From_Account: 'alice',
        MsgSeq: i + 1,
        MsgTimeStamp: t0 + i + 1,
        MsgRandom: 1,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
      }
    }))
  )
  return { db, gk }
}

describe('the search index answers as the scan does', () => {
  const levelOf = (b: number) => LEVELS.findIndex((l) => b >= l.base && b < l.base + 2 ** l.bits)
  it.each([
    ['as the app writes it (level-0 rows and a few folds)', defaultTuning, [0, 1]],
    ['with many folds, merges down every level, and rows cut into parts', { foldMessages: 60, fanout: 2, rowPostings: 40 }, [0, 1, 2, 3]],
    ['with merges of history written newest first', { foldMessages: 60, fanout: 2, rowPostings: 400 }, [0, 1, 2, 3], 'backward'],
    ['with merges of runs whose seqs interleave', { foldMessages: 60, fanout: 2, rowPostings: 400 }, [0, 1, 2, 3], 'interleaved']
  ] as const)(
    'for every query form, over sync-shaped writes with rewrites, %s',
    async (_, tuning, levels, order?: 'backward' | 'interleaved') => {
      const d = freshDb()
      const gks = await buildArchive(d, 7, 2600, order, tuning)
      // Rows exist at each level this tuning reaches, and only in the levels' buckets.
      const keys = await d.postings.toCollection().primaryKeys()
      const seen = new Set(keys.map((k) => levelOf(k[0])))
      expect([...seen].sort()).toEqual(levels)
      if (tuning.rowPostings < 100) expect(keys.some((k) => !Number.isInteger(k[2]))).toBe(true)
      const requests: SearchRequest[] = [
        ...queries.map((query) => ({ query })),
        { query: 'release', gks: [gks[0]!] },
        { query: '', gks: [gks[1]!] },
        { query: 'deploy', sender: 'Bob' },
        { query: '', fromMs: (t0 + 200 * 3600) * 1000, toMs: (t0 + 900 * 3600) * 1000 },
        { query: '会议', fromMs: (t0 + 100 * 3600) * 1000 },
        { query: 'on:2024-06-03', timeZoneOffsetMinutes: 480 },
        { query: '-lunch', toMs: (t0 + 500 * 3600) * 1000 }
      ]
      // The scan's answer, computed once per query from all rows read once (what scanSearch does
      // per query, minus re-reading the store 57 times).
      const rows = await d.messages.toArray()
      for (const req of requests) {
        const prepared = await prepareSearch(req, d)
        if ('error' in prepared) throw new Error(prepared.error)
        const expected = rows
          .filter((r) => prepared.gks.includes(r.gk) && prepared.matches(r.raw))
          .sort(newestFirst)
          .map((h) => `${h.gk}#${h.seq}`)
        const a = await indexSearch(req, d)
        if (!a.ok) throw new Error(`query failed: ${JSON.stringify(req)}`)
        expect(await a.run.count(), JSON.stringify(req)).toBe(expected.length)
        const page = await a.run.page(0, 5000)
        expect(
          page.map((h) => `${h.gk}#${h.seq}`),
          JSON.stringify(req)
        ).toEqual(expected)
        // A later page is the same slice, whatever was read before.
        const again = await indexSearch(req, d)
        if (!again.ok) throw new Error('query failed')
        expect((await again.run.page(7, 13)).map((h) => `${h.gk}#${h.seq}`)).toEqual(expected.slice(7, 20))
      }
      // And scanSearch is that reference.
      for (const query of ['release -from:alice', '"同步" has:link']) {
        const [a, b] = await Promise.all([indexSearch({ query }, d), scanSearch({ query }, d)])
        if (!a.ok || !b.ok) throw new Error('query failed')
        expect((await a.run.page(0, 5000)).map((h) => h.seq)).toEqual((await b.run.page(0, 5000)).map((h) => h.seq))
        expect(await a.run.count()).toBe(await b.run.count())
      }
    },
    180_000
  )

  it("takes a first page from the newest levels when they settle it, and it is the scan's first page", async () => {
    const options = { search: { tuning: { foldMessages: 60, fanout: 2, rowPostings: 40 } } }
    const d = freshDb()
    // Synced as a steady trickle, so older levels hold older messages (rewrites, as the other
    // tests write them, bring old times into new levels: the pages stay right, but settle later).
    const rand = mulberry32(11)
    const gks = ['g1', 'g2', 'g3']
    await addGroups(
      ws,
      gks.map((id) => ({ groupId: id, name: id, type: 'Public', archivable: true })),
      d
    )
    for (let seq = 1; seq <= 2400;) {
      const items = gks.map((id) => ({ gk: groupKey(ws, id), batch: { messages: Array.from({ length: 20 }, () => message(rand, seq++)), range: null } }))
      await commitBatches(items, d, options)
    }
    // Then a write of new messages with old ones that the server has since recalled or deleted:
    // the newest level holds old times too, which must not outrank newer results not yet read.
    const stored = await d.messages.toArray()
    const items = gks.map((id, g) => {
      const gk = groupKey(ws, id)
      const old = stored
        .filter((r) => r.gk === gk)
        .slice(0, 12)
        .map((r) => ({ ...r.raw, IsPlaceMsg: 1 + (r.seq % 2), MsgBody: [] }) as unknown as RawMessage)
      return { gk, batch: { messages: [...old, ...Array.from({ length: 5 }, (_, i) => message(rand, 2401 + g * 5 + i))], range: null } }
    })
    await commitBatches(items, d, options)
    const rows = await d.messages.toArray()
    const settled: string[] = []
    const stats: SearchReadStats = { rows: 0, bytes: 0, readMs: 0 }
    for (const query of ['the', 'rel*', 'release 会议', '-lunch', 'has:link', 'is:deleted', 'is:recalled', 'from:alice', '"数据同步"', '会议 -from:bob']) {
      const prepared = await prepareSearch({ query }, d)
      if ('error' in prepared) throw new Error(prepared.error)
      const expected = rows
        .filter((r) => prepared.matches(r.raw))
        .sort(newestFirst)
        .map((h) => `${h.gk}#${h.seq}`)
      const first = await indexSearch({ query }, d, { stats })
      if (!first.ok) throw new Error('query failed')
      expect(
        (await first.run.page(0, 10)).map((h) => `${h.gk}#${h.seq}`),
        query
      ).toEqual(expected.slice(0, 10))
      const pageRows = stats.rows
      // Beyond 500 results the first page evaluates every level.
      const whole = await indexSearch({ query }, d, { stats })
      if (!whole.ok) throw new Error('query failed')
      expect((await whole.run.page(0, 5000)).length, query).toBe(expected.length)
      if (pageRows < stats.rows) settled.push(query)
    }
    // Common terms are settled by the newest levels, without reading the older ones.
    expect(settled).toEqual(expect.arrayContaining(['the', 'rel*', '-lunch', 'from:alice']))
  }, 60_000)

  it('finds what a group held before search existed: the upgrade indexes it', async () => {
    // Write a v1 database by hand (no postings table), then open it with the current schema.
    const name = `index-upgrade-${Date.now()}`
    const { default: Dexie } = await import('dexie')
    const v1 = new Dexie(name)
    v1.version(1).stores({ workspaces: 'id', groups: 'gk, workspaceId', messages: '[gk+seq], [gk+time]', coverage: 'gk', settings: 'key' })
    const gk = groupKey(ws, 'old')
    await v1.table('groups').put({
      gk,
      workspaceId: ws,
      groupId: 'old',
      profile: { groupId: 'old', name: 'Old', type: 'Public', archivable: true },
      addedAt: 0,
      lastSyncAt: null,
      lastError: null,
      stats: { messages: 2500 }
    })
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      gk,
      seq: i + 1,
      time: t0 + i,
      from: 'alice',
      raw: {
        GroupId: 'old',
        From_Account: i % 2 ? 'alice' : 'bob',
        MsgSeq: i + 1,
        MsgTimeStamp: t0 + i,
        MsgRandom: 1,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: i % 100 === 0 ? '历史消息 milestone' : 'hello' } }]
      }
    }))
    await v1.table('messages').bulkPut(rows)
    v1.close()
    // Folds and a merge happen inside the upgrade transaction (which has no Dexie zone to find it by).
    const d = new AppDB(name, { tuning: { ...defaultTuning, foldMessages: 60, fanout: 2 } })
    open.push(d)
    const r = await indexSearch({ query: 'milestone 历史' }, d)
    if (!r.ok) throw new Error('query failed')
    expect(await r.run.count()).toBe(25)
    const page = await r.run.page(0, 3)
    expect(page.map((h) => h.seq)).toEqual([2401, 2301, 2201])
    expect(await d.messages.count()).toBe(2500)
    const from = await indexSearch({ query: 'from:bob hello' }, d)
    if (!from.ok) throw new Error('query failed')
    expect(await from.run.count()).toBe(1250 - 25)
  })

  it('rebuilds an index written in the oldest layout (v3) when the app upgrades', async () => {
    const name = `index-upgrade-v3-${Date.now()}`
    const { db: v3, gk } = await olderArchive(name, 3, 'old', { chunks: 9, pending: 0, folds: 2, mergedTo: 0 }, ['hello', 'quarterly numbers', 'hello'])
    // A row as v2/v3 wrote them: bucket 17 of 256, typed arrays, a stale term.
    await v3.table('postings').put({
      b: 17,
      gk,
      c: 3,
      mt: t0,
      del: 0,
      t: '\nstale\n',
      p: new Uint32Array([0]),
      o: new Uint32Array([0, 1]),
      s: new Uint32Array([1]),
      m: new Uint32Array([t0])
    })
    v3.close()
    const d = new AppDB(name)
    open.push(d)
    const r = await indexSearch({ query: 'quarterly' }, d)
    if (!r.ok) throw new Error('query failed')
    expect((await r.run.page(0, 10)).map((h) => h.seq)).toEqual([2])
    const stale = await indexSearch({ query: 'stale' }, d)
    if (!stale.ok) throw new Error('query failed')
    expect(await stale.run.count()).toBe(0)
    const rows = await d.postings.toArray()
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((row) => typeof row.d === 'string' && typeof row.o === 'string')).toBe(true)
    expect((await d.groups.get(gk))?.index).toMatchObject({ pending: 3, runs: [1, 0, 0, 0] })
    expect(await d.messages.count()).toBe(3)
  })

  it.each([4, 5] as const)('rebuilds an index written in the v%i layout (fewer buckets) when the app upgrades to v6', async (version) => {
    const name = `index-upgrade-v${version}-${Date.now()}`
    const { db: old, gk } = await olderArchive(name, version, 'old', { chunks: 4, pending: 2, runs: [2, 0, 0, 0] }, ['hello', 'budget review'])
    // Rows the older layout left (v4: typed arrays; v5: strings) where v6 looks a term up (its
    // bucket at each level): the upgrade must drop them, or "stale" would find message 1, or fail to read.
    const stale = LEVELS.map((_, level) => {
      const row = { b: bucketAt(level, termPosition('stale')), gk, c: 2, del: 0, mt: t0 + 1, t: '\nstale\n' }
      return version === 4 ? { ...row, o: new Uint32Array([0, 2]), d: new Uint8Array([1, 2]) } : { ...row, o: offsetsText([0, 2]), d: '\u0001\u0002' }
    })
    await old.table('postings').bulkPut(stale)
    old.close()
    const d = new AppDB(name)
    open.push(d)
    const r = await indexSearch({ query: 'budget' }, d)
    if (!r.ok) throw new Error('query failed')
    expect((await r.run.page(0, 10)).map((h) => h.seq)).toEqual([2])
    const gone = await indexSearch({ query: 'stale' }, d)
    if (!gone.ok) throw new Error('query failed')
    expect(await gone.run.count()).toBe(0)
    expect((await d.postings.toArray()).some((row) => row.t.includes('\nstale\n'))).toBe(false)
    expect((await d.groups.get(gk))?.index).toMatchObject({ pending: 2, runs: [1, 0, 0, 0] })
    expect(await d.messages.count()).toBe(2)
  })

  it('reports a query error instead of searching', async () => {
    const d = freshDb()
    const r = await indexSearch({ query: 'has:spreadsheet' }, d)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.error).toMatch(/has:spreadsheet/)
  })
})
