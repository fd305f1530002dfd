/**
 * `tim-archive pull --db` (issue 20 §1, §5): the built CLI as real child processes, the simulator
 * on 127.0.0.1 and a real PostgreSQL (the throwaway cluster of test/helpers/pg.ts; the restart test
 * starts a cluster of its own, so its restart cuts no other test's connections).
 */
import { type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoApp, demoCredentials, demoGroupIds, mediaGroupId, mulberry32, randomHistory } from '../../tools/sim/seed'
import { Simulator } from '../../tools/sim/server'
import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import { fromMultirange } from '../../src-main/archive/pg-archive'
import { latestVersion } from '../../src-main/db/migrate'
import { expectedPlaces, sortedEntries } from '../helpers/memory-sink'
import { cliEnv, runCli, startCli } from '../helpers/cli'
import { appWith, freshAppId, group, startDemoSim, stopDemoSim } from '../helpers/sim'
import { freshDatabase } from '../helpers/pg-db'
import { startCluster, type Cluster } from '../helpers/pg'

/** The merge's times differ between two pulls made at different moments: compare without them. */
function withoutTimes(rec: unknown): unknown {
  return JSON.parse(JSON.stringify(rec), (k, v: unknown) => (k === 'seenAt' ? 'T' : v))
}

const key = (r: { GroupId: string; TopicId?: string; MsgSeq: number }) => `${r.GroupId}|${r.TopicId ?? ''}|${r.MsgSeq}`

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<T>(sql, params)).rows
  } finally {
    await c.end()
  }
}

async function placesIn(url: string, groupId: string): Promise<Map<number, number>> {
  const rows = await query<{ msg_seq: string; p: number }>(
    url,
    `SELECT msg_seq, is_place_msg AS p FROM tim_archive.messages WHERE group_id = $1 AND topic_id = ''`,
    [groupId]
  )
  return new Map(rows.map((r) => [Number(r.msg_seq), r.p]))
}

async function countIn(url: string): Promise<number> {
  try {
    return Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM tim_archive.messages'))[0]!.n)
  } catch {
    return 0 // the schema is not there yet
  }
}

async function until(what: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

const closed = (c: ChildProcess) => new Promise<number | null>((r) => c.on('close', (code) => r(code)))

describe('pull --db against the demo: the same archive as pull --out', () => {
  const appId = freshAppId()
  let s: { sim: Simulator; url: string; dir: string }
  beforeAll(async () => {
    s = await startDemoSim(appId, 'tim-cli-db-demo-')
  }, 60_000)
  afterAll(() => stopDemoSim(s))

  it('a pulled database holds, message for message, what a pull --out JSON Lines file of the same groups holds, and the same people', async () => {
    const db = await freshDatabase('demo')
    const env = cliEnv(appId, s.url)
    // --all-groups finds every group of the app; the AVChatRoom is named and left out.
    const viaDb = await runCli(['pull', '--db', db, '--all-groups'], env)
    expect(viaDb.stderr).not.toMatch(/FAILED/)
    expect(viaDb.code).toBe(0)
    expect(viaDb.stderr).toMatch(new RegExp(`${demoGroupIds.live.replace(/[#$]/g, '\\$&')}: skipped, an AVChatRoom keeps no history`))
    const groups = (await query<{ group_id: string }>(db, `SELECT group_id FROM tim_archive.groups ORDER BY 1`)).map((r) => r.group_id)
    // get_appid_group_list does not list a dismissed group.
    const expectedGroups = Object.values(demoGroupIds).filter((g) => g !== demoGroupIds.live && g !== demoGroupIds.dismissed)
    expect(groups.sort()).toEqual([...expectedGroups].sort())

    const out = join(s.dir, 'demo.jsonl')
    const viaFile = await runCli(['pull', '--out', out, ...groups.flatMap((g) => ['--group', g])], env)
    expect(viaFile.code).toBe(0)
    const fileRecs = (await readFile(out, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ArchivedMessage)
    const dbRecs = (await query<{ record: ArchivedMessage }>(db, `SELECT record FROM tim_archive.messages`)).map((r) => r.record)
    expect(dbRecs.length).toBeGreaterThan(600)
    const byKey = (recs: ArchivedMessage[]) => new Map(recs.map((r) => [key(r), withoutTimes(r)]))
    const a = byKey(dbRecs)
    const b = byKey(fileRecs)
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
    for (const [k, v] of a) expect(v, k).toEqual(b.get(k))
    // The Community's topics are units of their own, with TopicId on their records.
    expect(dbRecs.some((r) => r.GroupId === demoGroupIds.community && r.TopicId)).toBe(true)

    // People: the context rows are the context file's lines.
    const fileLines = (await readFile(`${out}.context.jsonl`, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.stringify(withoutTimes(JSON.parse(l))))
    const dbLines = (await query<{ line: unknown }>(db, `SELECT line FROM tim_archive.context_lines ORDER BY line_no`)).map((r) =>
      JSON.stringify(withoutTimes(r.line))
    )
    expect(dbLines.length).toBeGreaterThan(0)
    expect([...dbLines].sort()).toEqual([...fileLines].sort())

    // A second run finds nothing new.
    const again = await runCli(['pull', '--db', db, '--all-groups'], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/: 0 new messages, /)
    expect(again.stdout).toMatch(/context unchanged/)
  })
})

describe('pull --db --media', () => {
  let sim: Simulator
  let url: string
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-cli-db-media-'))
    sim = new Simulator({ apps: [demoApp({ benchMessages: 10, media: true })] })
    url = (await sim.start()).url
  })
  afterAll(async () => {
    await sim?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps the media in DIR and records each outcome in the database, as pull --out --media records it on its lines', async () => {
    const db = await freshDatabase('media')
    const env = cliEnv(demoCredentials.sdkAppId, url)
    const viaDb = await runCli(['pull', '--db', db, '--group', mediaGroupId, '--media', join(dir, 'db-media'), '--no-people'], env)
    expect(viaDb.code).toBe(0)
    expect(viaDb.stdout).toMatch(/media objects? saved/)
    const out = join(dir, 'm.jsonl')
    const viaFile = await runCli(['pull', '--out', out, '--group', mediaGroupId, '--media', join(dir, 'file-media'), '--no-people'], env)
    expect(viaFile.code).toBe(0)

    // The file's readers keep the last line of a seq (it carries the union).
    const last = new Map<string, ArchivedMessage>()
    for (const l of (await readFile(out, 'utf8')).split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as ArchivedMessage
      last.set(key(r), r)
    }
    const noted = [...last.values()].filter((r) => r._archive?.media)
    expect(noted.length).toBeGreaterThan(0)
    const dbRecs = new Map(
      (await query<{ record: ArchivedMessage }>(db, `SELECT record FROM tim_archive.messages WHERE group_id = $1`, [mediaGroupId])).map((r) => [
        key(r.record),
        r.record
      ])
    )
    const outcomes = await query<{ msg_seq: string; object_key: string; status: string; sha256: string | null }>(
      db,
      `SELECT msg_seq, object_key, status, sha256 FROM tim_archive.media WHERE group_id = $1`,
      [mediaGroupId]
    )
    let objects = 0
    for (const r of noted) {
      const mine = dbRecs.get(key(r))
      // Times differ between the runs (firstSeenAt of an expiry); statuses and hashes do not.
      const shape = (m: Record<string, { status: string; sha256?: unknown }> | undefined) =>
        Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, [v.status, v.sha256 ?? null]]))
      expect(shape(mine?._archive?.media as never), key(r)).toEqual(shape(r._archive!.media as never))
      for (const [k, v] of Object.entries(r._archive!.media!)) {
        objects++
        const row = outcomes.find((o) => Number(o.msg_seq) === r.MsgSeq && o.object_key === k)
        expect(row, `${key(r)} ${k}`).toMatchObject({ status: v.status, sha256: typeof v.sha256 === 'string' ? v.sha256 : null })
      }
    }
    expect(outcomes.length).toBe(objects)
    expect(outcomes.some((o) => o.status === 'saved')).toBe(true)

    // A second run reads the stored records back (the derived queue): what failed is tried again,
    // what was kept is not fetched again, as a second pull --out --media does.
    const again = await runCli(['pull', '--db', db, '--group', mediaGroupId, '--media', join(dir, 'db-media'), '--no-people'], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/: 0 new messages, /)
    const fileAgain = await runCli(['pull', '--out', out, '--group', mediaGroupId, '--media', join(dir, 'file-media'), '--no-people'], env)
    const mediaLine = (stdout: string) =>
      stdout
        .split('\n')
        .find((l) => l.includes('-media: '))
        ?.replace(/^.*-media: /, '')
    expect(mediaLine(again.stdout)).toBeDefined()
    expect(mediaLine(again.stdout)).toBe(mediaLine(fileAgain.stdout))
    expect(mediaLine(again.stdout)).not.toMatch(/[1-9][\d,]* media objects? saved/)
    const after = await query<{ n: string }>(db, `SELECT count(*) AS n FROM tim_archive.media WHERE group_id = $1`, [mediaGroupId])
    expect(Number(after[0]!.n)).toBe(objects)
  })
})

describe('pull --db: resumable, incremental, one process per group', () => {
  const appId = freshAppId()
  const big = group('big', randomHistory(4242, { messages: 4000, holeRate: 0.15, deleteRate: 0.03, recallRate: 0.03 }))
  const small = group('small', randomHistory(7, { messages: 130 }))
  let sim: Simulator
  let url: string
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-cli-db-'))
    sim = new Simulator({ apps: [appWith(appId, [big, small])], latencyMs: 4, maxResponseBytes: 40_000 })
    url = (await sim.start()).url
  })
  afterAll(async () => {
    await sim?.stop()
    await rm(dir, { recursive: true, force: true })
  })
  const env = () => cliEnv(appId, url)

  it('resumes exactly after being killed with SIGKILL at random moments: no gap, no duplicate', async () => {
    const db = await freshDatabase('kill')
    // Slow enough that each run is cut short (about 250 requests, 4 at a time).
    sim.setLatency(20)
    const rand = mulberry32(20261207)
    for (let i = 0; i < 4; i++) {
      const child = startCli(['pull', '--db', db, '--group', 'big', '--no-people', '--concurrency', '4'], env())
      const before = await countIn(db)
      // Killed once some of this run's commits are in (or soon after it starts), mid-transaction or not.
      await until(async () => (await countIn(db)) > before || child.exitCode !== null).catch(() => {})
      await new Promise((r) => setTimeout(r, rand() * 150))
      child.kill('SIGKILL')
      await closed(child)
    }
    const partial = await countIn(db)
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(expectedPlaces(big).size)
    sim.setLatency(4)
    const r = await runCli(['pull', '--db', db, '--group', 'big', '--no-people'], env())
    expect(r.stderr).not.toMatch(/FAILED/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/big: complete, /)
    expect(sortedEntries(await placesIn(db, 'big'))).toEqual(sortedEntries(expectedPlaces(big)))
    const [unit] = await query<{ ranges: string; floor: string }>(db, `SELECT ranges::text AS ranges, floor FROM tim_archive.units WHERE group_id = 'big'`)
    expect(fromMultirange(unit!.ranges)).toEqual([[1, big.nextMsgSeq - 1]])
    expect(Number(unit!.floor)).toBe(1)
  })

  it('a later pull adds only what is new', async () => {
    const db = await freshDatabase('incr')
    expect((await runCli(['pull', '--db', db, '--group', 'small', '--no-people'], env())).code).toBe(0)
    sim.appendMessages(appId, 'small', [
      { from: 'zoe', time: 1_800_000_000, random: 1, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'later' } }], state: 'normal' }
    ])
    const again = await runCli(['pull', '--db', db, '--group', 'small', '--no-people'], env())
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/: 1 new message, \d+ already archived \(\d+ fetched\);/)
    expect(sortedEntries(await placesIn(db, 'small'))).toEqual(sortedEntries(expectedPlaces(small)))
  })

  it('two processes on one database: a group one is pulling is skipped by the other, and each group is archived once', async () => {
    const db = await freshDatabase('two')
    // The first pull takes a few seconds (about 250 requests, 2 at a time, 30 ms each).
    sim.setLatency(30)
    const first = startCli(['pull', '--db', db, '--group', 'big', '--no-people', '--concurrency', '2'], env())
    const firstDone = closed(first)
    let firstErr = ''
    first.stderr!.on('data', (d) => (firstErr += d))
    await until(async () => (await countIn(db)) > 0)
    const second = await runCli(['pull', '--db', db, '--group', 'big', '--group', 'small', '--no-people'], env())
    expect(second.stderr).toMatch(/SKIPPED big: another tim-archive process is pulling this group now/)
    expect(second.stdout).toMatch(/small: complete/)
    expect(second.code).toBe(0)
    expect(await firstDone).toBe(0)
    sim.setLatency(4)
    expect(firstErr).not.toMatch(/SKIPPED|FAILED/)
    expect(sortedEntries(await placesIn(db, 'big'))).toEqual(sortedEntries(expectedPlaces(big)))
    expect(sortedEntries(await placesIn(db, 'small'))).toEqual(sortedEntries(expectedPlaces(small)))
  })

  it('names the cause when the URL is wrong or the server is not there', async () => {
    const bad = await runCli(['pull', '--db', 'mysql://u@127.0.0.1/x', '--group', 'small'], env())
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--db must be a postgres:\/\/ or postgresql:\/\/ URL/)
    const both = await runCli(['pull', '--db', 'postgres://u@127.0.0.1/x', '--out', join(dir, 'x.jsonl'), '--group', 'small'], env())
    expect(both.code).toBe(2)
    // Port 9 (discard) on loopback: nothing listens there.
    const down = await runCli(['pull', '--db', 'postgres://u:secret@127.0.0.1:9/x', '--group', 'small'], env())
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:9\/x refused the connection/)
    expect(down.stderr).not.toMatch(/secret/)
  })

  it('db migrate creates the schema once', async () => {
    const db = await freshDatabase('migcli')
    const r = await runCli(['db', 'migrate', '--db', db], env())
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/applied migration 1 /)
    const again = await runCli(['db', 'migrate', '--db', db], env())
    expect(again.stdout).toContain(`the schema is up to date (version ${latestVersion})`)
  })
})

describe('pull --db when PostgreSQL restarts mid-pull', () => {
  const appId = freshAppId()
  const big = group('big', randomHistory(99, { messages: 4000, holeRate: 0.1 }))
  let sim: Simulator
  let url: string
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster()
    // Slow enough (about 200 requests, 2 at a time, 30 ms each) that the restart lands mid-pull.
    sim = new Simulator({ apps: [appWith(appId, [big])], latencyMs: 30 })
    url = (await sim.start()).url
  }, 120_000)
  afterAll(async () => {
    await sim?.stop()
    cluster?.stop()
  })

  it('stops with an error naming the restart, and the next run resumes exactly', async () => {
    const db = await freshDatabase('restart', cluster.url)
    const child = startCli(['pull', '--db', db, '--group', 'big', '--no-people', '--concurrency', '2'], cliEnv(appId, url))
    let stderr = ''
    child.stderr!.on('data', (d) => (stderr += d))
    await until(async () => (await countIn(db)) > 0)
    cluster.restart()
    const code = await closed(child)
    expect(code).toBe(1)
    expect(stderr).toMatch(/PostgreSQL at .* (ended the connection: the server was restarted or shut down|closed the connection mid-work)/)
    expect(stderr).toMatch(/run the same command again to resume/)
    const partial = await countIn(db)
    expect(partial).toBeLessThan(expectedPlaces(big).size)
    sim.setLatency(2)
    const r = await runCli(['pull', '--db', db, '--group', 'big', '--no-people'], cliEnv(appId, url))
    expect(r.stderr).not.toMatch(/FAILED/)
    expect(r.code).toBe(0)
    expect(sortedEntries(await placesIn(db, 'big'))).toEqual(sortedEntries(expectedPlaces(big)))
  })
})
