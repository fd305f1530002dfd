/**
 * `tim-archive search --db` as a user runs it (the built CLI, a real PostgreSQL, the demo pulled with
 * pull --db): matches newest first as archive records or a table, the count on stderr, and the
 * usage errors a mistyped query or URL gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import { demoGroupIds } from '../../tools/sim/seed'
import { cliEnv, runCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/pg-db'
import { freshAppId, startDemoSim, stopDemoSim } from '../helpers/sim'
import type { Simulator } from '../../tools/sim/server'

const appId = freshAppId()
let s: { sim: Simulator; url: string; dir: string }
let db: string

beforeAll(async () => {
  s = await startDemoSim(appId, 'tim-cli-search-db-')
  db = await freshDatabase('searchcli')
  const pulled = await runCli(['pull', '--db', db, '--all-groups'], cliEnv(appId, s.url))
  expect(pulled.code, pulled.stderr).toBe(0)
}, 120_000)
afterAll(() => stopDemoSim(s))

const lines = (out: string) => out.split('\n').filter(Boolean)

describe('tim-archive search --db', () => {
  it('prints matching records newest first, at most --limit, and the number of all matches on stderr', async () => {
    const r = await runCli(['search', '--db', db, '数据', '--limit', '3'], {})
    expect(r.code, r.stderr).toBe(0)
    const recs = lines(r.stdout).map((l) => JSON.parse(l) as ArchivedMessage)
    expect(recs.length).toBe(3)
    const times = recs.map((m) => m.MsgTimeStamp)
    expect(times).toEqual([...times].sort((a, b) => b - a))
    for (const m of recs) expect(JSON.stringify(m.MsgBody)).toContain('数据')
    const total = /^3 of ([\d,]+) matches, newest first$/m.exec(r.stderr)
    expect(total, r.stderr).not.toBeNull()
    expect(Number(total![1]!.replace(/,/g, ''))).toBeGreaterThan(3)
  })

  it('a table, one line a message: time, group, seq, sender, text; --group narrows', async () => {
    const r = await runCli(['search', '--db', db, 'from:alice', '--group', demoGroupIds.custom, '--format', 'table', '--tz', 'Asia/Shanghai'], {})
    expect(r.code, r.stderr).toBe(0)
    const rows = lines(r.stdout)
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows)
      expect(row).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00  ${demoGroupIds.custom.replace(/\./g, '\\.')}  #\\d+  alice: `))
  })

  it('finds nothing without failing', async () => {
    const r = await runCli(['search', '--db', db, 'zzqxnotaword'], {})
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('0 of 0 matches')
  })

  it('a bad query, a bad URL and a missing --db are usage errors that say what is wrong', async () => {
    const q = await runCli(['search', '--db', db, '"unclosed'], {})
    expect(q.code).toBe(2)
    expect(q.stderr).toMatch(/never closed/)
    const u = await runCli(['search', '--db', 'mysql://x@h/d', 'x'], {})
    expect(u.code).toBe(2)
    expect(u.stderr).toMatch(/postgres:\/\//)
    const m = await runCli(['search', 'x'], {})
    expect(m.code).toBe(2)
    expect(m.stderr).toMatch(/--db needs a PostgreSQL URL/)
  })
})
