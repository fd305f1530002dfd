/**
 * The team archive against a real PostgreSQL (the throwaway cluster of test/helpers/pg.ts): the
 * schema's migrations, its Citus properties read from the catalog, and the PostgreSQL sink fed by
 * the real engine over HTTP from the simulator, held against the JSON Lines sink.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { syncGroup } from '../../src-main/archive/engine'
import { JsonlArchive } from '../../src-main/archive/jsonl-archive'
import { PgArchive, fromMultirange, toMultirange } from '../../src-main/archive/pg-archive'
import { migrate, ensureSchema, latestVersion } from '../../src-main/db/migrate'
import { migrations } from '../../src-main/db/migrations'
import { describeDbError, parseDbUrl } from '../../src-main/db/connect'
import { TimClient } from '../../src-main/tim/client'
import { isComplete } from '../../src-main/shared/coverage'
import { messageVersions, type ArchivedMessage } from '../../src-main/shared/archive-record'
import { searchVector } from '../../src-main/pg-search/document'
import { randomHistory } from '../../tools/sim/seed'
import { appWith, credsFor, freshAppId, group, startSim } from '../helpers/sim'
import { expectedPlaces, sortedEntries } from '../helpers/memory-sink'
import { freshDatabase } from '../helpers/pg-db'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function pool(url: string): Promise<pg.Pool> {
  const p = new pg.Pool({ connectionString: url, max: 4 })
  stops.push(() => p.end())
  return p
}

/** The merge's times differ between two pulls made at different moments: compare without them. */
export function withoutTimes(rec: unknown): unknown {
  return JSON.parse(JSON.stringify(rec), (k, v: unknown) => (k === 'seenAt' ? 'T' : v))
}

describe('the schema', () => {
  it('migrates once, even when two processes start at once, and again is a no-op', async () => {
    const url = await freshDatabase('mig')
    const [a, b] = [await pool(url), await pool(url)]
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)])
    expect(ra.applied.length + rb.applied.length).toBe(latestVersion)
    expect(ra.version).toBe(latestVersion)
    expect(rb.version).toBe(latestVersion)
    const rows = await a.query('SELECT version FROM tim_archive.schema_migrations ORDER BY version')
    expect(rows.rows.map((r: { version: number }) => r.version)).toEqual(Array.from({ length: latestVersion }, (_, i) => i + 1))
    expect((await ensureSchema(a)).applied).toEqual([])
  })

  it('applies each migration in one transaction: one that fails leaves the schema as it was', async () => {
    const p = await pool(await freshDatabase('rollback'))
    const broken = { version: latestVersion + 1, name: 'broken', sql: 'CREATE TABLE tim_archive.half_made (a int); SELECT 1 / 0;' }
    await expect(migrate(p, [...migrations, broken])).rejects.toThrow(
      new RegExp(`Migration ${latestVersion + 1} \\(broken\\) failed and was rolled back: division by zero`)
    )
    expect((await p.query(`SELECT to_regclass('tim_archive.half_made') AS t`)).rows[0]).toEqual({ t: null })
    expect((await p.query('SELECT max(version) AS v FROM tim_archive.schema_migrations')).rows[0]).toEqual({ v: latestVersion })
  })

  it('refuses a schema newer than this program knows, naming both versions', async () => {
    const p = await pool(await freshDatabase('newer'))
    await migrate(p)
    await p.query(`INSERT INTO tim_archive.schema_migrations (version, name) VALUES ($1, 'from the future')`, [latestVersion + 1])
    await expect(ensureSchema(p)).rejects.toThrow(new RegExp(`version ${latestVersion + 1}, newer than this tim-archive knows \\(${latestVersion}\\)`))
  })

  it('can be distributed by Citus on group_id: the key is in every primary key and unique constraint, and foreign keys stay colocated', async () => {
    const url = await freshDatabase('citus')
    const p = await pool(url)
    await migrate(p)
    const tables = (
      await p.query<{ t: string }>(
        `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'tim_archive' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations' ORDER BY 1`
      )
    ).rows.map((r) => r.t)
    expect(tables).toEqual(['callback_events', 'callback_waiting', 'context_lines', 'groups', 'media', 'messages', 'units'])
    // Every table has the distribution column.
    for (const t of tables) {
      const col = await p.query(
        `SELECT 1 FROM information_schema.columns WHERE table_schema = 'tim_archive' AND table_name = $1 AND column_name = 'group_id'`,
        [t]
      )
      expect(col.rowCount, `${t} has group_id`).toBe(1)
    }
    // Every unique index (primary keys and unique constraints are backed by one) includes group_id.
    const uniques = await p.query<{ idx: string; tbl: string; cols: string[] }>(
      `SELECT i.indexrelid::regclass::text AS idx, i.indrelid::regclass::text AS tbl,
              array_agg(a.attname::text ORDER BY a.attnum) AS cols
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE n.nspname = 'tim_archive' AND i.indisunique AND c.relname <> 'schema_migrations'
        GROUP BY 1, 2`
    )
    expect(uniques.rows.length).toBeGreaterThanOrEqual(tables.length)
    for (const u of uniques.rows) expect(u.cols, `${u.idx} on ${u.tbl}`).toContain('group_id')
    // Every table has a primary key.
    const pks = await p.query<{ tbl: string }>(
      `SELECT conrelid::regclass::text AS tbl FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'tim_archive' AND contype = 'p' AND conrelid::regclass::text <> 'tim_archive.schema_migrations'`
    )
    expect(pks.rows.map((r) => r.tbl).sort()).toEqual(tables.map((t) => `tim_archive.${t}`))
    // Foreign keys join on group_id to group_id: both sides distributed on the same key, colocated.
    const fks = await p.query<{ name: string; from_cols: string[]; to_cols: string[]; to_tbl: string }>(
      `SELECT c.conname AS name, c.confrelid::regclass::text AS to_tbl,
              ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS from_cols,
              ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS to_cols
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'tim_archive' AND c.contype = 'f'`
    )
    expect(fks.rows.length).toBeGreaterThan(0)
    for (const fk of fks.rows) {
      expect(fk.to_tbl.startsWith('tim_archive.'), fk.name).toBe(true)
      const i = fk.from_cols.indexOf('group_id')
      expect(i, `${fk.name} includes group_id`).toBeGreaterThanOrEqual(0)
      expect(fk.to_cols[i], `${fk.name} maps group_id to group_id`).toBe('group_id')
    }
  })

  it('keeps coverage as an int8multirange and reads it back as the same inclusive ranges', async () => {
    const p = await pool(await freshDatabase('mr'))
    const ranges: [number, number][] = [
      [1, 1],
      [3, 20],
      [22, 4_000_000_000]
    ]
    const r = await p.query<{ t: string }>('SELECT $1::int8multirange::text AS t', [toMultirange(ranges)])
    expect(fromMultirange(r.rows[0]!.t)).toEqual(ranges)
  })
})

describe('the PostgreSQL sink', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-dbsink-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('archives what the JSON Lines sink archives, record for record, and keeps the merge rule on a recheck', async () => {
    const appId = freshAppId()
    const g = group('g1', randomHistory(77, { messages: 900, holeRate: 0.2, deleteRate: 0.05, recallRate: 0.05 }))
    const { sim, url } = await startSim({ rateLimit: 5000, apps: [appWith(appId, [g])] })
    stops.push(() => sim.stop())
    const client = new TimClient(credsFor(appId, url), { rate: 5000, backoffMs: 1, backoffLimitMs: 50 })
    const db = await pool(await freshDatabase('sink'))
    await migrate(db)
    const pgs = new PgArchive(db)
    const file = join(dir, 'a.jsonl')
    const jsonl = await JsonlArchive.open(file)

    const pullBoth = async (recheck = false) => {
      const a = await syncGroup({ source: client, groupId: 'g1', sink: pgs, coverage: await pgs.openUnit('g1'), recheck })
      await pgs.drain()
      const b = await syncGroup({ source: client, groupId: 'g1', sink: jsonl, coverage: jsonl.coverage('g1'), recheck })
      await jsonl.applyPendingChanges()
      return [a, b]
    }
    const [a] = await pullBoth()
    expect(isComplete(a!.coverage)).toBe(true)
    expect(await pgs.openUnit('g1')).toEqual(jsonl.coverage('g1'))

    // The server changes its mind: a message deleted, one recalled, one edited; then a recheck.
    const normal = [...g.messages.values()].filter((m) => m.state === 'normal').map((m) => m.seq)
    sim.setState(appId, 'g1', normal[0]!, 'deleted')
    sim.setState(appId, 'g1', normal[1]!, 'recalled')
    sim.editMessage(appId, 'g1', normal[2]!, { body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'edited by an admin' } }] })
    await pullBoth(true)
    expect(pgs.changed).toBe(3)
    await jsonl.close()

    const fromFile = (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ArchivedMessage)
    const rows = (await db.query<{ record: ArchivedMessage }>(`SELECT record FROM tim_archive.messages WHERE group_id = 'g1' ORDER BY msg_seq`)).rows.map(
      (r) => r.record
    )
    expect(rows.length).toBe(expectedPlaces(g).size)
    expect(rows.map(withoutTimes)).toEqual(fromFile.sort((x, y) => x.MsgSeq - y.MsgSeq).map(withoutTimes))
    // Archived content was kept, the server's verdicts recorded.
    const deleted = rows.find((r) => r.MsgSeq === normal[0])!
    expect(deleted.IsPlaceMsg ?? 0).toBe(0)
    expect(deleted._archive?.server?.IsPlaceMsg).toBe(1)
    const edited = rows.find((r) => r.MsgSeq === normal[2])!
    expect(edited._archive?.versions?.length).toBe(1)
    const flag = await db.query(`SELECT edited FROM tim_archive.messages WHERE group_id = 'g1' AND msg_seq = $1`, [normal[2]])
    expect(flag.rows[0]).toEqual({ edited: true })
    expect(sortedEntries(new Map(rows.map((r) => [r.MsgSeq, r._archive?.server?.IsPlaceMsg ?? r.IsPlaceMsg ?? 0])))).toEqual(
      sortedEntries(new Map([...expectedPlaces(g)].map(([s, p]) => [s, p])))
    )

    // A third pull with nothing new changes nothing.
    const before = await pgs.messageCount()
    await syncGroup({ source: client, groupId: 'g1', sink: pgs, coverage: await pgs.openUnit('g1') })
    await pgs.drain()
    expect(await pgs.messageCount()).toBe(before)
  })
})

describe('beside the callback listener', () => {
  it("a message the listener commits while the pull inserts it is merged, not lost: the pull's copy becomes a version", async () => {
    const appId = freshAppId()
    const g = group('g1', randomHistory(5, { messages: 40, holeRate: 0, deleteRate: 0, recallRate: 0 }))
    const { sim, url } = await startSim({ rateLimit: 5000, apps: [appWith(appId, [g])] })
    stops.push(() => sim.stop())
    const client = new TimClient(credsFor(appId, url), { rate: 5000, backoffMs: 1, backoffLimitMs: 50 })
    const db = await pool(await freshDatabase('race'))
    await migrate(db)
    const pgs = new PgArchive(db)
    const coverage = await pgs.openUnit('g1')
    // The listener's transaction has stored seq 5 as it was sent, and not committed yet
    // (an admin edited it on the server since: the pull will fetch the edited text).
    const server = [...g.messages.values()].find((m) => Array.isArray(m.body) && !m.isSystem && m.state === 'normal' && m.seq > 3)!
    const seq = server.seq
    const asSent: ArchivedMessage = {
      GroupId: 'g1',
      From_Account: server.from,
      IsPlaceMsg: 0,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'as sent' } }],
      MsgPriority: 1,
      MsgRandom: 1,
      MsgSeq: seq,
      MsgTimeStamp: server.time
    }
    const listener = await db.connect()
    await listener.query('BEGIN')
    await listener.query(
      `INSERT INTO tim_archive.messages (group_id, topic_id, msg_seq, record, fp, search) VALUES ('g1', '', $1, $2::json, 'listener', $3::tsvector)`,
      [seq, JSON.stringify(asSent), searchVector(asSent)]
    )
    const pulled = syncGroup({ source: client, groupId: 'g1', sink: pgs, coverage }).then(async (r) => {
      await pgs.drain()
      return r
    })
    await new Promise((r) => setTimeout(r, 300))
    await listener.query('COMMIT')
    listener.release()
    const result = await pulled
    expect(isComplete(result.coverage)).toBe(true)
    const rows = (await db.query<{ record: ArchivedMessage }>(`SELECT record FROM tim_archive.messages WHERE group_id = 'g1' ORDER BY msg_seq`)).rows
    expect(rows.map((r) => r.record.MsgSeq)).toEqual([...g.messages.keys()].sort((x, y) => x - y))
    const r = rows.find((x) => x.record.MsgSeq === seq)!.record
    expect(messageVersions(r).map((v) => v.MsgBody)).toEqual([asSent.MsgBody, server.body])
    // Counted once, as the listener's: the pull added the others.
    expect(pgs.appended).toBe(g.messages.size - 1)

    // Again during a recheck, whose flushes meet stored seqs (the full transaction): a new message
    // the listener holds uncommitted while the pull's insert waits on it.
    const [next] = sim.appendMessages(appId, 'g1', [
      { from: 'bob', time: server.time + 60, random: 9, state: 'normal', body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'late' } }] }
    ])
    const live: ArchivedMessage = {
      ...asSent,
      From_Account: 'bob',
      MsgSeq: next!,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'as sent, late' } }]
    }
    const listener2 = await db.connect()
    await listener2.query('BEGIN')
    await listener2.query(
      `INSERT INTO tim_archive.messages (group_id, topic_id, msg_seq, record, fp, search) VALUES ('g1', '', $1, $2::json, 'listener', $3::tsvector)`,
      [next, JSON.stringify(live), searchVector(live)]
    )
    const rechecked = syncGroup({ source: client, groupId: 'g1', sink: pgs, coverage: await pgs.openUnit('g1'), recheck: true }).then(async (r) => {
      await pgs.drain()
      return r
    })
    await new Promise((r) => setTimeout(r, 300))
    await listener2.query('COMMIT')
    listener2.release()
    expect(isComplete((await rechecked).coverage)).toBe(true)
    const late = (await db.query<{ record: ArchivedMessage }>(`SELECT record FROM tim_archive.messages WHERE group_id = 'g1' AND msg_seq = $1`, [next]))
      .rows[0]!.record
    expect(messageVersions(late).map((v) => v.MsgBody)).toEqual([live.MsgBody, [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'late' } }]])
  })
})

describe('database errors', () => {
  it('names the cause of a bad URL and of a server that is not there', () => {
    expect(() => parseDbUrl('mysql://x@h/db')).toThrow(/postgres:\/\/ or postgresql:\/\//)
    expect(() => parseDbUrl('not a url')).toThrow(/not a URL/)
    expect(() => parseDbUrl('postgres://u@host')).toThrow(/names no database/)
    expect(
      describeDbError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'postgres://u:secret@127.0.0.1:1/d')
    ).toMatch(/:\*\*\*@.*refused the connection/)
    expect(describeDbError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), 'postgres://u@h/d')).toMatch(
      /restarted or shut down.*run the same command again to resume/
    )
  })
})
