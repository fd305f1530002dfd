/**
 * `tim-archive search --db` against a real PostgreSQL (issue 20 §3, §5 "the index against a scan for
 * every query form"): messages written through the team archive's write path (PgArchive, with later
 * server verdicts and edits merged in), then every query form the language has answered by the
 * full-text index and by a sequential scan, each equal to the reference predicate
 * (shared/search/query.ts) applied to every record, in the same order (newest first).
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgArchive } from '../../src-main/archive/pg-archive'
import { openPool } from '../../src-main/db/connect'
import { DbContextWriter } from '../../src-main/db/context-lines'
import { migrate } from '../../src-main/db/migrate'
import { COUNT_WORK_MEM_SQL, loadContext, Search } from '../../src-main/pg-search/search'
import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import type { ArchiveContext } from '../../src-main/shared/context-lines'
import { compileQuery, isQueryError, parseQuery } from '../../src-main/shared/search/query'
import type { RawMessage } from '../../src-main/shared/tim-types'
import { freshDatabase } from '../helpers/pg-db'

const t0 = Date.UTC(2024, 4, 6, 10) / 1000 // 2024-05-06T10:00:00Z
const A = '@TGS#1ALPHA'
const B = '@TGS#2BETA'
const C = '@TGS#_3COMM'
const topic = '@TGS#_3COMM@TOPIC#_news'

function text(seq: number, from: string, t: string, at = t0 + seq * 3600 * 5): RawMessage {
  return {
    From_Account: from,
    MsgSeq: seq,
    MsgRandom: seq,
    MsgTimeStamp: at,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]
  } as RawMessage
}
function body(seq: number, from: string, els: unknown[], extra: Record<string, unknown> = {}): RawMessage {
  return { From_Account: from, MsgSeq: seq, MsgRandom: seq, MsgTimeStamp: t0 + seq * 3600 * 5, IsPlaceMsg: 0, MsgBody: els, ...extra } as RawMessage
}

const groupA: RawMessage[] = [
  text(1, 'Alice', 'The release is ready: deploy at noon'),
  text(2, 'bob', 'Releases happen weekly; see the e-mail'),
  text(3, 'alice', 'a red fox jumped'),
  text(4, 'bob', 'the bored foxes slept, red, fox'),
  text(5, 'carol', 'mail me at carol@example.com :)'),
  body(6, 'alice', [{ MsgType: 'TIMImageElem', MsgContent: { UUID: 'img6', ImageFormat: 1, ImageInfoArray: [] } }]),
  text(7, "o'brien", 'Relay the REL notes, see https://example.com/notes'),
  body(8, 'admin', [{ MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 1 } }], { IsSystemMsg: 1 }),
  { From_Account: 'bob', MsgSeq: 9, MsgRandom: 9, MsgTimeStamp: t0 + 45 * 3600, IsPlaceMsg: 1, MsgBody: [] } as unknown as RawMessage,
  text(10, 'alice', 'oldword in the first version'),
  text(11, 'dave', 'will be recalled later: secret plan'),
  // The same second as group B's seq 1: ties are ordered by group, then seq.
  text(12, 'alice', 'tie in alpha', t0 + 100 * 3600)
]
const groupB: RawMessage[] = [
  text(1, '用户3', '数据同步完成了', t0 + 100 * 3600),
  text(2, 'alice', '数据已经同步'),
  text(3, '用户3', '同步 数 deploy'),
  body(4, 'bob', [
    { MsgType: 'TIMFileElem', MsgContent: { FileName: 'report-2024.pdf', FileSize: 10 } },
    { MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: '[微笑]' } }
  ]),
  body(5, 'bob', [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{"title":"发布 release notes"}', Desc: 'card', Ext: '' } }]),
  text(6, 'Alice', '😀 ok', t0 + 24 * 3600 * 40)
]
const topicMsgs: RawMessage[] = [text(1, 'alice', 'topic news: release 数据'), text(2, 'erin', 'another deploy in the topic')]

const queries = [
  '',
  'release',
  'RELEASE',
  'releases',
  'rel*',
  'e-mail',
  'email',
  'carol@example.com',
  '"red fox"',
  '-"red fox"',
  '"red fox" -bob',
  ':)',
  '😀',
  '数据同步',
  '数据',
  '数',
  '同步 -数据',
  '微笑',
  'from:alice',
  'from:ALICE from:用户3',
  '-from:alice',
  "from:o'brien",
  'in:"release team"',
  'in:产品讨论 数据',
  `in:${C}`,
  `-in:${A}`,
  'in:nowhere',
  'on:2024-05-06',
  'after:2024-05-06',
  'before:2024-05-07',
  '-on:2024-05-06',
  'after:2024-05 before:2024-05-08',
  'after:2024-06',
  'has:image',
  'has:link',
  'has:file',
  'has:face',
  'has:custom',
  '-has:image -is:system',
  'is:recalled',
  'is:removed',
  'is:edited',
  'is:deleted',
  'is:system',
  'oldword',
  'newword',
  'secret',
  'deploy -fox',
  'deploy OR',
  'notes release -relay'
]

let pool: pg.Pool
let ctx: ArchiveContext

async function commit(a: PgArchive, groupId: string, messages: RawMessage[], topicId?: string): Promise<void> {
  await a.openUnit(groupId, topicId)
  const seqs = messages.map((m) => m.MsgSeq)
  await a.commit({ groupId, ...(topicId ? { topicId } : {}), messages, range: [Math.min(...seqs), Math.max(...seqs)] })
  await a.drain()
}

beforeAll(async () => {
  pool = openPool(await freshDatabase('search'), 4)
  await migrate(pool)
  const a = new PgArchive(pool)
  await commit(a, A, groupA)
  await commit(a, B, groupB)
  await commit(a, C, topicMsgs, topic)
  // Later pulls: seq 11 recalled on the server (the archive keeps the text, notes the verdict), seq
  // 10 edited by an admin (the old text stays searchable as a version).
  await commit(a, A, [{ ...groupA[10]!, IsPlaceMsg: 2, MsgBody: [] } as unknown as RawMessage])
  await commit(a, A, [text(10, 'alice', 'newword in the second version')])
  const w = new DbContextWriter(pool)
  await w.note(A, Date.UTC(2024, 4, 1), { group: { name: 'Release Team', groupType: 'Public' } })
  await w.note(B, Date.UTC(2024, 4, 1), { group: { name: '产品讨论' } })
  ctx = await loadContext(pool)
})

afterAll(async () => {
  await pool?.end()
})

interface Hit {
  key: string
  time: number
}

async function reference(query: string, offset = 0): Promise<string[]> {
  const q = parseQuery(query)
  if (isQueryError(q)) throw new Error(q.error)
  const names = new Map([...ctx.groups].map(([id, g]) => [id, g.name]))
  const match = compileQuery(q, { groupName: (id) => names.get(id), timeZoneOffsetMinutes: offset })
  const r = await pool.query<{ record: ArchivedMessage; topic_id: string }>('SELECT record, topic_id FROM tim_archive.messages')
  const hits: (Hit & { g: string; t: string; s: number })[] = r.rows
    .filter((row) => match(row.record))
    .map((row) => ({
      key: key(row.record.GroupId, row.topic_id, row.record.MsgSeq),
      time: row.record.MsgTimeStamp,
      g: row.record.GroupId,
      t: row.topic_id,
      s: row.record.MsgSeq
    }))
  hits.sort((x, y) => y.time - x.time || (x.g < y.g ? -1 : x.g > y.g ? 1 : 0) || (x.t < y.t ? -1 : x.t > y.t ? 1 : 0) || y.s - x.s)
  return hits.map((h) => h.key)
}

function key(g: string, t: string, s: number): string {
  return `${g}${t ? `/${t}` : ''}#${s}`
}

/** The search's answer on one connection with the planner limited to `mode`, paged `pageSize` at a time. */
async function viaSql(query: string, mode: 'index' | 'scan', pageSize = 1000, offset = 0): Promise<{ keys: string[]; count: number }> {
  const c = await pool.connect()
  try {
    if (mode === 'index') await c.query('SET enable_seqscan = off')
    else await c.query('SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off')
    const q = parseQuery(query)
    if (isQueryError(q)) throw new Error(q.error)
    const s = await Search.prepare(c, q, { context: ctx, timeZoneOffsetMinutes: offset })
    const keys: string[] = []
    let cursor
    for (;;) {
      const page = await s.page(pageSize, cursor)
      keys.push(...page.rows.map((r) => key(r.groupId, r.topicId, r.seq)))
      if (!page.next) break
      cursor = page.next
    }
    return { keys, count: await s.count() }
  } finally {
    await c.query('RESET ALL')
    c.release()
  }
}

describe('search --db: the index answers what a scan answers, for every query form', () => {
  it('the index is used (GIN on the search column)', async () => {
    const c = await pool.connect()
    try {
      await c.query('SET enable_seqscan = off')
      const plan = await c.query(`EXPLAIN SELECT 1 FROM tim_archive.messages WHERE search @@ '''release'''::tsquery`)
      expect(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toMatch(/messages_search/)
    } finally {
      await c.query('RESET ALL')
      c.release()
    }
  })

  for (const query of queries) {
    it(`${JSON.stringify(query)}`, async () => {
      const want = await reference(query)
      const index = await viaSql(query, 'index')
      const scan = await viaSql(query, 'scan')
      expect(index.keys).toEqual(want)
      expect(scan.keys).toEqual(want)
      expect(index.count).toBe(want.length)
      expect(scan.count).toBe(want.length)
    })
  }

  it('a count raises work_mem for itself only, and is exact whatever the server sets', async () => {
    // The count sizes work_mem for an exact bitmap (COUNT_WORK_MEM_SQL), then puts it back: the
    // caller's connection and the pool's connections keep their own setting.
    const before = (await pool.query<{ work_mem: string }>('SHOW work_mem')).rows[0]!.work_mem
    // The size comes from the table's pages as the catalog records them: as if it held 100,000
    // pages (800 MB), the count takes 9,375 kB (96 bytes a page), more than either setting below.
    await pool.query(`UPDATE pg_class SET relpages = 100000 WHERE oid = 'tim_archive.messages'::regclass`)
    expect((await pool.query<{ v: string }>(COUNT_WORK_MEM_SQL)).rows[0]!.v).toBe('9375kB')
    const c = await pool.connect()
    try {
      await c.query("SET work_mem = '64kB'")
      for (const query of ['the', 'has:image', 'release -bob', '数据', 'from:alice']) {
        const q = parseQuery(query)
        if (isQueryError(q)) throw new Error(q.error)
        expect(await (await Search.prepare(c, q, { context: ctx })).count()).toBe((await reference(query)).length)
        expect(await (await Search.prepare(pool, q, { context: ctx })).count()).toBe((await reference(query)).length)
      }
      expect((await c.query<{ work_mem: string }>('SHOW work_mem')).rows[0]!.work_mem).toBe('64kB')
    } finally {
      await c.query('RESET ALL')
      c.release()
      await pool.query('ANALYZE tim_archive.messages')
    }
    expect((await pool.query<{ work_mem: string }>('SHOW work_mem')).rows[0]!.work_mem).toBe(before)
  })

  it('the forms find what a user expects (not only what the reference says)', async () => {
    expect((await viaSql('数据同步', 'index')).keys).toEqual([`${B}#1`])
    expect((await viaSql('"red fox"', 'index')).keys).toEqual([`${A}#3`])
    expect((await viaSql('is:recalled', 'index')).keys).toEqual([`${A}#11`])
    expect((await viaSql('oldword', 'index')).keys).toEqual([`${A}#10`])
    expect((await viaSql('in:"release team" -from:alice', 'index')).keys).toEqual([`${A}#11`, `${A}#9`, `${A}#8`, `${A}#7`, `${A}#5`, `${A}#4`, `${A}#2`])
  })

  it('pages of a few rows, continued from a cursor, give the same list', async () => {
    for (const query of ['', 'release', '"red fox" -bob', ':)', 'from:alice']) {
      const want = await reference(query)
      expect((await viaSql(query, 'index', 2)).keys).toEqual(want)
    }
  })

  it('dates are read at the given offset', async () => {
    const query = 'on:2024-05-06'
    const want = await reference(query, 480)
    expect((await viaSql(query, 'index', 1000, 480)).keys).toEqual(want)
    expect(want).not.toEqual(await reference(query, 0))
  })
})
