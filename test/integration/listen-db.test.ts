/**
 * `tim-archive listen` against a real PostgreSQL (the throwaway cluster of test/helpers/pg.ts), fed
 * by the simulator's signed callbacks over loopback HTTP, with `pull --db`'s sink beside it: the
 * guarantees of issue 20 §2 and §5 (signed, unsigned, replayed, out of order, a duplicate of an
 * already-pulled message, the database stopped, AVChatRoom).
 */
import { Search, loadContext } from '../../src-main/pg-search/search'
import { parseQuery } from '../../src-main/shared/search/query'
import { searchVector } from '../../src-main/pg-search/document'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { syncGroup } from '../../src-main/archive/engine'
import { PgArchive } from '../../src-main/archive/pg-archive'
import { refuseSecretsInArgv } from '../../src-main/cli/env-creds'
import { runListen } from '../../src-main/cli/listen'
import { migrate } from '../../src-main/db/migrate'
import { PgCallbackSink } from '../../src-main/listen/pg-sink'
import { startListener, type Listener } from '../../src-main/listen/server'
import { callbackSign } from '../../src-main/listen/sign'
import { messageVersions, type ArchivedMessage } from '../../src-main/shared/archive-record'
import type { MsgElement } from '../../src-main/shared/tim-types'
import { TimClient } from '../../src-main/tim/client'
import type { SimMessage } from '../../tools/sim/server'
import { appWith, credsFor, freshAppId, group, startSim } from '../helpers/sim'
import { freshDatabase } from '../helpers/pg-db'
import { runAsOwner, startCluster } from '../helpers/pg'

const token = 'integration-token'
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

const text = (t: string): MsgElement[] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]
const msg = (from: string, t: string, time = 1_800_000_000): Omit<SimMessage, 'seq'> => ({ from, time, random: 7, state: 'normal', body: text(t) })

function history(n: number): { nextMsgSeq: number; messages: Map<number, SimMessage> } {
  const messages = new Map<number, SimMessage>()
  for (let s = 1; s <= n; s++) messages.set(s, { seq: s, ...msg('alice', `message ${s}`, 1_800_000_000 + s) })
  return { nextMsgSeq: n + 1, messages }
}

async function setUp(dbUrl?: string): Promise<{
  appId: number
  pool: pg.Pool
  listener: Listener
  sim: Awaited<ReturnType<typeof startSim>>['sim']
  simUrl: string
  logs: string[]
}> {
  const url = dbUrl ?? (await freshDatabase('listen'))
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on('error', () => {})
  stops.push(() => pool.end())
  await migrate(pool)
  const appId = freshAppId()
  const { sim, url: simUrl } = await startSim({
    rateLimit: 5000,
    apps: [
      appWith(appId, [
        group('g1', history(5)),
        group('live', { nextMsgSeq: 1, messages: new Map() }, 'AVChatRoom'),
        group('c1', { nextMsgSeq: 1, messages: new Map(), topics: new Map() }, 'Community')
      ])
    ]
  })
  stops.push(() => sim.stop())
  const logs: string[] = []
  const listener = await startListener({ host: '127.0.0.1', port: 0, sdkAppId: appId, token, sink: new PgCallbackSink(pool), log: (l) => logs.push(l) })
  stops.push(() => listener.close())
  sim.callbacks.configure({ url: `${listener.url}tim/callback`, token })
  return { appId, pool, listener, sim, simUrl, logs }
}

async function records(pool: pg.Pool, groupId: string): Promise<Map<number, ArchivedMessage>> {
  const r = await pool.query<{ msg_seq: string; record: ArchivedMessage }>(
    `SELECT msg_seq, record FROM tim_archive.messages WHERE group_id = $1 ORDER BY msg_seq`,
    [groupId]
  )
  return new Map(r.rows.map((x) => [Number(x.msg_seq), x.record]))
}

async function count(pool: pg.Pool, table: string): Promise<number> {
  return Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM tim_archive.${table}`)).rows[0]!.n)
}

async function post(listener: Listener, appId: number, command: string, body: unknown, sign: 'good' | 'none' | 'bad' = 'good'): Promise<number> {
  const t = Math.floor(Date.now() / 1000)
  const q = new URLSearchParams({ SdkAppid: String(appId), CallbackCommand: command, contenttype: 'json', ClientIP: '127.0.0.1', OptPlatform: 'RESTAPI' })
  if (sign !== 'none') {
    q.set('Sign', callbackSign(sign === 'good' ? token : 'guess', t))
    q.set('RequestTime', String(t))
  }
  const res = await fetch(`${listener.url}tim/callback?${q.toString()}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })
  await res.text()
  return res.status
}

const sendBody = (seq: number, t: string, groupId = 'g1'): Record<string, unknown> => ({
  CallbackCommand: 'Group.CallbackAfterSendMsg',
  GroupId: groupId,
  Type: 'Public',
  From_Account: 'alice',
  Operator_Account: 'alice',
  Random: 7,
  MsgSeq: seq,
  MsgTime: 1_800_000_000 + seq,
  OnlineOnlyFlag: 0,
  MsgBody: text(t),
  EventTime: Date.now()
})

async function pull(appId: number, simUrl: string, pool: pg.Pool, groupId = 'g1'): Promise<void> {
  const client = new TimClient(credsFor(appId, simUrl), { rate: 5000, backoffMs: 1, backoffLimitMs: 50 })
  const sink = new PgArchive(pool)
  await syncGroup({ source: client, groupId, sink, coverage: await sink.openUnit(groupId) })
  await sink.drain()
}

describe('tim-archive listen into PostgreSQL', () => {
  it("commits the simulator's signed send, edit and recall before answering, and writes no coverage", async () => {
    const { appId, pool, sim, listener } = await setUp()
    const [seq] = sim.appendMessages(appId, 'g1', [msg('bob', 'live words')])
    await sim.callbacks.idle()
    // The simulator has its OK, so the row is committed.
    expect((await records(pool, 'g1')).get(seq!)).toMatchObject({ GroupId: 'g1', MsgSeq: seq, From_Account: 'bob', MsgBody: text('live words'), IsPlaceMsg: 0 })
    sim.editMessage(appId, 'g1', seq!, { body: text('live words, edited') })
    await sim.callbacks.idle()
    sim.setState(appId, 'g1', seq!, 'recalled')
    await sim.callbacks.idle()
    const r = (await records(pool, 'g1')).get(seq!)!
    expect(messageVersions(r).map((v) => v.MsgBody)).toEqual([text('live words'), text('live words, edited')])
    expect(r._archive?.server?.IsPlaceMsg).toBe(2)
    const row = await pool.query<{ edited: boolean; ranges: string }>(
      `SELECT m.edited, u.ranges::text AS ranges FROM tim_archive.messages m JOIN tim_archive.units u USING (group_id, topic_id) WHERE m.group_id = 'g1' AND m.msg_seq = $1`,
      [seq]
    )
    expect(row.rows[0]).toEqual({ edited: true, ranges: '{}' })
    // search --db finds what the listener archived, by its first and its edited words.
    for (const q of ['live', 'edited']) {
      const query = parseQuery(q)
      if (!('clauses' in query)) throw new Error(q)
      const found = await Search.prepare(pool, query, { context: await loadContext(pool) })
      expect(
        (await found.page(10)).rows.map((x) => x.seq),
        q
      ).toEqual([seq])
    }
    expect(sim.callbacks.stats).toEqual({ sent: 3, ok: 3, failed: 0 })
    expect(listener.stats.archived).toBe(3)
  })

  it('archives an AVChatRoom group, which has no history to pull', async () => {
    const { appId, pool, sim } = await setUp()
    sim.appendMessages(appId, 'live', [msg('host', 'hello stream'), msg('fan', 'hi!')])
    await sim.callbacks.idle()
    expect([...(await records(pool, 'live')).values()].map((r) => r.MsgBody)).toEqual([text('hello stream'), text('hi!')])
  })

  it("keeps a Community topic's messages apart from the group's (a topic has seqs of its own), and a pull of the topic adds nothing", async () => {
    const { appId, pool, sim, simUrl } = await setUp()
    sim.addTopic(appId, 'c1', { TopicId: 'c1@TOPIC#_news', TopicName: 'news' })
    sim.appendMessages(appId, 'c1', [msg('dana', 'in the group')])
    sim.appendTopicMessages(appId, 'c1', 'c1@TOPIC#_news', [msg('erin', 'in the topic')])
    await sim.callbacks.idle()
    const rows = await pool.query<{ topic_id: string; msg_seq: string; record: ArchivedMessage }>(
      `SELECT topic_id, msg_seq, record FROM tim_archive.messages WHERE group_id = 'c1' ORDER BY topic_id`
    )
    expect(rows.rows.map((r) => [r.topic_id, Number(r.msg_seq), r.record.MsgBody])).toEqual([
      ['', 1, text('in the group')],
      ['c1@TOPIC#_news', 1, text('in the topic')]
    ])
    expect(rows.rows[1]!.record.TopicId).toBe('c1@TOPIC#_news')
    const before = rows.rows.map((r) => r.record)
    const client = new TimClient(credsFor(appId, simUrl), { rate: 5000, backoffMs: 1, backoffLimitMs: 50 })
    const sink = new PgArchive(pool)
    await syncGroup({ source: client, groupId: 'c1', topicId: 'c1@TOPIC#_news', sink, coverage: await sink.openUnit('c1', 'c1@TOPIC#_news') })
    await sink.drain()
    const after = await pool.query<{ record: ArchivedMessage }>(`SELECT record FROM tim_archive.messages WHERE group_id = 'c1' ORDER BY topic_id`)
    expect(after.rows.map((r) => messageVersions(r.record).length)).toEqual(before.map((r) => messageVersions(r).length))
    expect(after.rows[1]!.record.MsgBody).toEqual(text('in the topic'))
  })

  it('refuses unsigned and badly signed callbacks and writes nothing', async () => {
    const { appId, pool, listener } = await setUp()
    expect(await post(listener, appId, 'Group.CallbackAfterSendMsg', sendBody(50, 'forged'), 'none')).toBe(401)
    expect(await post(listener, appId, 'Group.CallbackAfterSendMsg', sendBody(51, 'forged'), 'bad')).toBe(401)
    expect(await post(listener, appId + 1, 'Group.CallbackAfterSendMsg', sendBody(52, 'forged'))).toBe(403)
    expect(await count(pool, 'messages')).toBe(0)
    expect(await count(pool, 'callback_events')).toBe(0)
  })

  it('a replayed callback adds nothing', async () => {
    const { appId, pool, listener } = await setUp()
    const body = JSON.stringify(sendBody(60, 'once'))
    expect(await post(listener, appId, 'Group.CallbackAfterSendMsg', body)).toBe(200)
    const before = await records(pool, 'g1')
    expect(await post(listener, appId, 'Group.CallbackAfterSendMsg', body)).toBe(200)
    expect(await records(pool, 'g1')).toEqual(before)
    expect(await count(pool, 'callback_events')).toBe(1)
    expect(listener.stats.duplicates).toBe(1)
  })

  it('out of order: an edit before its message waits, then the send lands with the edit current', async () => {
    const { appId, pool, listener } = await setUp()
    const modify = {
      MsgBody: text('edited'),
      CallbackCommand: 'Group.CallbackAfterModifyMsg',
      Operator_Account: 'administrator',
      GroupId: 'g1',
      TopicId: '',
      MsgSeq: 70,
      EventTime: Date.now() + 10
    }
    expect(await post(listener, appId, 'Group.CallbackAfterModifyMsg', modify)).toBe(200)
    expect(await count(pool, 'callback_waiting')).toBe(1)
    expect((await records(pool, 'g1')).has(70)).toBe(false)
    expect(await post(listener, appId, 'Group.CallbackAfterSendMsg', sendBody(70, 'original'))).toBe(200)
    const r = (await records(pool, 'g1')).get(70)!
    expect(r.MsgBody).toEqual(text('edited'))
    expect(messageVersions(r).map((v) => v.MsgBody)).toEqual([text('original'), text('edited')])
    expect(await count(pool, 'callback_waiting')).toBe(0)
  })

  it('a duplicate of an already-pulled message adds nothing, and a pull after the listener adds only what the pull knows', async () => {
    const { appId, pool, listener, simUrl } = await setUp()
    await pull(appId, simUrl, pool)
    const pulled = await records(pool, 'g1')
    expect(pulled.size).toBe(5)
    expect(await post(listener, appId, 'Group.CallbackAfterSendMsg', sendBody(3, 'message 3'))).toBe(200)
    expect(await records(pool, 'g1')).toEqual(pulled)
    const changed = await pool.query(`SELECT count(*) AS n FROM tim_archive.messages WHERE changed_at IS NOT NULL`)
    expect(Number((changed.rows[0] as { n: string }).n)).toBe(0)
  })

  it('the database stopped: the callback is answered with an error, and after the restart the next pull archives the message', async () => {
    const cluster = await startCluster()
    stops.push(async () => cluster.stop())
    const dbUrl = await freshDatabase('down', cluster.url)
    const { appId, pool, sim, simUrl, logs } = await setUp(dbUrl)
    await pull(appId, simUrl, pool)
    runAsOwner(join(cluster.bin, 'pg_ctl'), ['-D', cluster.dataDir, '-m', 'fast', '-w', 'stop'])
    const [seq] = sim.appendMessages(appId, 'g1', [msg('carol', 'said while the database was down')])
    await sim.callbacks.idle()
    expect(sim.callbacks.stats).toMatchObject({ sent: 1, ok: 0, failed: 1 })
    expect(logs.some((l) => l.includes('not committed'))).toBe(true)
    cluster.restart()
    expect((await records(pool, 'g1')).has(seq!)).toBe(false)
    await pull(appId, simUrl, pool)
    expect((await records(pool, 'g1')).get(seq!)?.MsgBody).toEqual(text('said while the database was down'))
    // And the listener works again once the database is back.
    const [next] = sim.appendMessages(appId, 'g1', [msg('carol', 'and after')])
    await sim.callbacks.idle()
    expect((await records(pool, 'g1')).get(next!)?.MsgBody).toEqual(text('and after'))
  })
})

describe('the listener beside a pull', () => {
  it('a send that collides with a pull inserting the same new message waits, retries and merges (nothing lost, no error)', async () => {
    const { appId, pool, listener } = await setUp()
    await pool.query(`INSERT INTO tim_archive.groups (group_id) VALUES ('g1') ON CONFLICT DO NOTHING`)
    await pool.query(`INSERT INTO tim_archive.units (group_id, topic_id) VALUES ('g1', '') ON CONFLICT DO NOTHING`)
    // A pull's transaction that has inserted seq 80 and not committed yet.
    const pulledRecord = {
      GroupId: 'g1',
      From_Account: 'alice',
      IsPlaceMsg: 0,
      MsgBody: text('edited on the server'),
      MsgPriority: 2,
      MsgRandom: 7,
      MsgSeq: 80,
      MsgTimeStamp: 1_800_000_080
    }
    const puller = await pool.connect()
    await puller.query('BEGIN')
    await puller.query(
      `INSERT INTO tim_archive.messages (group_id, topic_id, msg_seq, record, fp, search) VALUES ('g1', '', 80, $1::json, 'x', $2::tsvector)`,
      [JSON.stringify(pulledRecord), searchVector(pulledRecord)]
    )
    const answer = post(listener, appId, 'Group.CallbackAfterSendMsg', sendBody(80, 'as sent'))
    await new Promise((r) => setTimeout(r, 300))
    await puller.query('COMMIT')
    puller.release()
    expect(await answer).toBe(200)
    const r = (await records(pool, 'g1')).get(80)!
    expect(messageVersions(r).map((v) => v.MsgBody)).toEqual([text('as sent'), text('edited on the server')])
    expect(r.MsgPriority).toBe(2)
  })
})

describe('the command', () => {
  it('tim-archive listen: migrates the schema, listens, archives, and stops on its signal with a summary', async () => {
    const dbUrl = await freshDatabase('cmd')
    const appId = freshAppId()
    const { sim } = await startSim({ rateLimit: 5000, apps: [appWith(appId, [group('g1', history(2))])] })
    stops.push(() => sim.stop())
    const stop = new AbortController()
    const lines: string[] = []
    let url = ''
    const running = runListen(
      ['--db', dbUrl, '--port', '0'],
      { TIM_SDKAPPID: String(appId), TIM_CALLBACK_TOKEN: token },
      {
        signal: stop.signal,
        log: (l) => lines.push(l),
        onListening: (u) => (url = u)
      }
    )
    await expect.poll(() => url, { timeout: 20_000 }).not.toBe('')
    sim.callbacks.configure({ url, token })
    const [seq] = sim.appendMessages(appId, 'g1', [msg('fay', 'through the command')])
    await sim.callbacks.idle()
    stop.abort()
    expect(await running).toBe(0)
    expect(lines.at(-1)).toContain('1 archived')
    const pool = new pg.Pool({ connectionString: dbUrl, max: 1 })
    stops.push(() => pool.end())
    expect((await records(pool, 'g1')).get(seq!)?.MsgBody).toEqual(text('through the command'))
  })

  it('refuses to start without a token, or with one on the command line', async () => {
    const dbUrl = await freshDatabase('cmd')
    await expect(runListen(['--db', dbUrl, '--port', '0'], { TIM_SDKAPPID: '1400000001' })).rejects.toThrow(/Set TIM_CALLBACK_TOKEN/)
    await expect(runListen(['--db', dbUrl, '--port', '0'], { TIM_CALLBACK_TOKEN: 'x' })).rejects.toThrow(/TIM_SDKAPPID/)
    expect(() => refuseSecretsInArgv(['listen', '--db', dbUrl, '--port', '0', '--token', 'x'])).toThrow(/never taken from the command line/)
  })
})
