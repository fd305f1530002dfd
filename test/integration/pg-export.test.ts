/**
 * `export --db` and `report --db` against a real PostgreSQL (issue 20 §3): the demo pulled with
 * `pull --db` (every group, the Community's topics, people), then the same records written as a
 * pull file (with its state and context files, as pull --out writes them) — so both sources hold
 * exactly the same data — and every format and filter of `export --in` held against `export --db`,
 * byte for byte, and `report --in` against `report --db`.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../src-main/cli/env-creds'
import { runExportCommand } from '../../src-main/cli/export'
import { runPull } from '../../src-main/cli/pull'
import { reportDb, reportFile } from '../../src-main/cli/report'
import { fromMultirange } from '../../src-main/archive/pg-archive'
import { openPool } from '../../src-main/db/connect'
import { unitKey, type ArchivedMessage } from '../../src-main/shared/archive-record'
import { Simulator } from '../../tools/sim/server'
import { demoApp, demoGroupIds, mulberry32 } from '../../tools/sim/seed'
import { cliEnv } from '../helpers/cli'
import { freshDatabase } from '../helpers/pg-db'
import { freshAppId } from '../helpers/sim'

let sim: Simulator
let dir: string
let db: string
let pool: pg.Pool
let file: string

/** Runs a CLI command in this process with its stderr kept (the exit status is asserted). */
async function quietly(run: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  })
  try {
    return { code: await run(), stderr }
  } finally {
    spy.mockRestore()
  }
}

beforeAll(async () => {
  const appId = freshAppId()
  sim = new Simulator({ apps: [{ ...demoApp({ benchMessages: 10 }), sdkAppId: appId }], latencyMs: 0, rateLimit: 5000 })
  const { url } = await sim.start()
  dir = await mkdtemp(join(tmpdir(), 'tim-pg-export-'))
  db = await freshDatabase('export')
  const pulled = await quietly(() => runPull(['--db', db, '--all-groups'], cliEnv(appId, url)))
  expect(pulled.code, pulled.stderr).toBe(0)
  pool = openPool(db, 2)

  // The same records as a pull file: groups in ID order, a Community's own messages before its
  // topics' and those by topic ID (export --db's order, where a file has its order of appearance),
  // each unit's lines shuffled (a pull appends windows out of order), with the state and context
  // files beside it.
  const rows = await pool.query<{ group_id: string; topic_id: string; record: ArchivedMessage }>(
    'SELECT group_id, topic_id, record FROM tim_archive.messages ORDER BY group_id, topic_id, msg_seq'
  )
  const rand = mulberry32(7)
  const byGroup = new Map<string, ArchivedMessage[]>()
  for (const r of rows.rows) {
    const unit = `${r.group_id}\u0000${r.topic_id}`
    let list = byGroup.get(unit)
    if (!list) byGroup.set(unit, (list = []))
    list.push(r.record)
  }
  const lines: string[] = []
  for (const list of byGroup.values()) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[list[i], list[j]] = [list[j]!, list[i]!]
    }
    for (const rec of list) lines.push(JSON.stringify(rec))
  }
  file = join(dir, 'pulled.jsonl')
  const text = lines.join('\n') + '\n'
  await writeFile(file, text)
  const units = await pool.query<{ group_id: string; topic_id: string; ranges: string; floor: string | null; top: string; last_sync_at: Date }>(
    'SELECT group_id, topic_id, ranges::text AS ranges, floor, top, last_sync_at FROM tim_archive.units WHERE last_sync_at IS NOT NULL'
  )
  const groups: Record<string, unknown> = {}
  for (const u of units.rows) {
    groups[unitKey(u.group_id, u.topic_id || undefined)] = {
      ranges: fromMultirange(u.ranges),
      floor: u.floor === null ? null : Number(u.floor),
      top: Number(u.top),
      lastSyncAt: u.last_sync_at.toISOString()
    }
  }
  await writeFile(`${file}.state.json`, JSON.stringify({ format: 'tim-archive-state', version: 1, fileBytes: Buffer.byteLength(text), groups }))
  const ctx = await pool.query<{ line: unknown }>('SELECT line FROM tim_archive.context_lines ORDER BY line_no')
  await writeFile(`${file}.context.jsonl`, ctx.rows.map((r) => `${JSON.stringify(r.line)}\n`).join(''))
}, 120_000)

afterAll(async () => {
  await pool?.end()
  await sim?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs `fn` with Date fixed: the report's and export's own time (generatedAt, exportedAt) is the same in both runs. */
async function sameClock<T>(fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-07T00:00:00Z') })
  try {
    return await fn()
  } finally {
    vi.useRealTimers()
  }
}

/** Exports from the file and from the database with the same options; answers both outputs' paths. */
async function both(name: string, args: string[]): Promise<[string, string]> {
  const a = join(dir, `in-${name}`)
  const b = join(dir, `db-${name}`)
  await sameClock(async () => {
    const viaFile = await quietly(() => runExportCommand(['--in', file, '--out', a, '--tz', 'UTC', ...args], {}))
    expect(viaFile.code, viaFile.stderr).toBe(0)
    const viaDb = await quietly(() => runExportCommand(['--db', db, '--out', b, '--tz', 'UTC', ...args], {}))
    expect(viaDb.code, viaDb.stderr).toBe(0)
  })
  return [a, b]
}

async function sameFiles(a: string, b: string): Promise<void> {
  expect(await readFile(b, 'utf8')).toBe(await readFile(a, 'utf8'))
}

describe('export --db writes what export --in writes from the same records', () => {
  for (const format of ['html', 'json', 'jsonl', 'csv', 'txt', 'md']) {
    it(`--format ${format}, every group`, async () => {
      const [a, b] = await both(`all.${format}`, ['--format', format])
      await sameFiles(a, b)
      expect((await readFile(a, 'utf8')).length).toBeGreaterThan(1000)
    })
  }

  it('--group (in the order given), --query, --after and --before', async () => {
    const args = [
      '--group',
      demoGroupIds.community,
      '--group',
      demoGroupIds.team,
      '--query=-from:bob -"hello world" release',
      '--after',
      '2020-01',
      '--format',
      'json'
    ]
    const [a, b] = await both('filtered.json', args)
    await sameFiles(a, b)
    const doc = JSON.parse(await readFile(b, 'utf8')) as { messages: ArchivedMessage[] }
    expect(doc.messages.length).toBeGreaterThan(0)
    const plain = ['--group', demoGroupIds.custom, '--group', demoGroupIds.team, '--after', '2020-01-01', '--before', '2030-01', '--format', 'jsonl']
    const [c, d] = await both('groups.jsonl', plain)
    await sameFiles(c, d)
    const first = JSON.parse((await readFile(d, 'utf8')).split('\n')[0]!) as ArchivedMessage
    expect(first.GroupId).toBe(demoGroupIds.custom)
  })

  it('queries of every kind: words, Chinese, phrases, from: (an account, and a name from the context: Zhang is bob), in:, has:, is:, negation', async () => {
    const forms = ['数据', '"a"', 'from:alice', 'from:zhang', `in:${demoGroupIds.bigSeq}`, 'has:image', 'is:recalled', '-has:image -is:system', 'e*']
    for (const [i, q] of forms.entries()) {
      const [a, b] = await both(`q${i}.jsonl`, ['--format', 'jsonl', `--query=${q}`])
      await sameFiles(a, b)
      expect((await readFile(b, 'utf8')).split('\n').filter(Boolean).length, q).toBeGreaterThan(0)
    }
  })

  it('--split month: the same files, the same index', async () => {
    const [a, b] = await both('split', ['--format', 'html', '--split', 'month'])
    const names = (await readdir(a)).sort()
    expect(names.length).toBeGreaterThan(2)
    expect((await readdir(b)).sort()).toEqual(names)
    for (const n of names) await sameFiles(join(a, n), join(b, n))
  })

  it('a group that is not in the archive is a usage error naming those that are', async () => {
    const r = quietly(() => runExportCommand(['--db', db, '--out', join(dir, 'x.json'), '--format', 'json', '--group', '@TGS#NOPE'], {}))
    await expect(r).rejects.toThrow(UsageError)
    await expect(r).rejects.toThrow(new RegExp(`@TGS#NOPE: not in .*${demoGroupIds.team.replace(/[#$]/g, '\\$&')}`))
  })

  it("a reviewer's slice: --format jsonl writes the records and the exported groups' context beside them, as pull does", async () => {
    const out = join(dir, 'slice.jsonl')
    const r = await quietly(() => runExportCommand(['--db', db, '--out', out, '--format', 'jsonl', '--group', demoGroupIds.team], {}))
    expect(r.code, r.stderr).toBe(0)
    const recs = (await readFile(out, 'utf8')).split('\n').filter(Boolean)
    expect(recs.length).toBeGreaterThan(10)
    const ctx = (await readFile(`${out}.context.jsonl`, 'utf8')).split('\n').filter(Boolean)
    const want = await pool.query<{ line: unknown }>('SELECT line FROM tim_archive.context_lines WHERE group_id = $1 ORDER BY line_no', [demoGroupIds.team])
    expect(ctx).toEqual(want.rows.map((x) => JSON.stringify(x.line)))
    expect(ctx.some((l) => (JSON.parse(l) as { type: string }).type === 'group')).toBe(true)
  })
})

describe('report --db reports what report --in reports from the same records', () => {
  it('every group, named from the context, with coverage', async () => {
    const [viaFile, viaDb] = await sameClock(async () => [await reportFile(file), await reportDb(pool, 'db', () => {})])
    expect(viaDb).toEqual(viaFile)
    expect(viaDb.groups.find((g) => g.groupId === demoGroupIds.team)?.name).toBeTruthy()
    expect(viaDb.totals.messages).toBeGreaterThan(600)
  })

  it('--group', async () => {
    const only = [demoGroupIds.community, demoGroupIds.bigSeq]
    const [viaFile, viaDb] = await sameClock(async () => [await reportFile(file, () => {}, only), await reportDb(pool, 'db', () => {}, only)])
    expect(viaDb).toEqual(viaFile)
    expect(viaDb.groups.map((g) => g.groupId).every((id) => only.some((o) => id.startsWith(o)))).toBe(true)
  })
})
