import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SeqRange } from '../../src-main/shared/coverage'
import type { ArchiveHealth, GroupHealth } from '../../src-main/shared/report/health'
import { demoApp, demoGroupIds } from '../../tools/sim/seed'
import type { MsgState, SimGroup, Simulator } from '../../tools/sim/server'
import { cliEnv, runCli } from '../helpers/cli'
import { startSim } from '../helpers/sim'

const cli = resolve(__dirname, '../../out/main/cli.js')
const { team, bigSeq, custom } = demoGroupIds

let dir: string
let sim: Simulator
let url: string
let archive: string
// The seeded demo app, as the simulator serves it (a small bench group keeps it quick).
const app = demoApp({ benchMessages: 50 })

function run(args: string[]): ReturnType<typeof runCli> {
  return runCli(args, cliEnv(app.sdkAppId, url))
}

/** Runs of the seqs of a seeded group whose state matches, seen from its history floor up. */
function seeded(g: SimGroup, pick: (state: MsgState, seq: number) => boolean): SeqRange[] {
  const out: SeqRange[] = []
  const floor = g.historyFloor ?? 1
  for (const seq of [...g.messages.keys()].sort((a, b) => a - b)) {
    if (seq < floor || !pick(g.messages.get(seq)!.state, seq)) continue
    const last = out.at(-1)
    if (last && last[1] === seq - 1) last[1] = seq
    else out.push([seq, seq])
  }
  return out
}
const simGroup = (id: string): SimGroup => app.groups.get(id)!

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-report-'))
  ;({ sim, url } = await startSim({ apps: [app] }))
  archive = join(dir, 'demo.jsonl')
  const pulled = await run(['pull', '--group', team, '--group', bigSeq, '--group', custom, '--out', archive])
  expect(pulled.stderr).not.toMatch(/FAILED/)
  expect(pulled.code).toBe(0)
})
afterAll(async () => {
  await sim?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('tim-archive report', () => {
  it('reports what the simulator seeded: holes, deleted, expired and recalled ranges, system messages, times', async () => {
    const r = await run(['report', '--in', archive, '--format', 'json'])
    expect(r.code).toBe(0)
    const h = JSON.parse(r.stdout) as ArchiveHealth
    expect(h.groups.map((g) => g.groupId).sort()).toEqual([team, bigSeq, custom].sort())
    const byId = new Map(h.groups.map((g) => [g.groupId, g]))

    const t = byId.get(team)!
    const tg = simGroup(team)
    expect(t.coverage).toMatchObject({ known: true, complete: true, floor: 1, top: 600 })
    // The team chat's seeded seq holes, exactly.
    expect(t.coverage.holes.ranges).toEqual([
      [57, 58],
      [233, 233],
      [411, 411],
      [530, 530]
    ])
    expect(t.messages).toBe(tg.messages.size)
    expect(t.deleted.ranges).toEqual(seeded(tg, (s) => s === 'deleted'))
    expect(t.deleted.count).toBeGreaterThan(0)
    expect(t.recalled.ranges).toEqual(seeded(tg, (s) => s === 'recalled'))
    expect(t.recalled.count).toBeGreaterThan(0)
    expect(t.expired.count).toBe(0)
    expect(t.system).toBe([...tg.messages.values()].filter((m) => m.isSystem).length)
    const times = [...tg.messages.values()].map((m) => m.time)
    expect(t.firstTime).toBe(Math.min(...times))
    expect(t.lastTime).toBe(Math.max(...times))
    expect(Date.parse(t.lastSyncAt!)).toBeGreaterThan(Date.now() - 10 * 60_000)

    // The big-seq group: 200 expired at the bottom of its history, purged history below 7800001.
    const b = byId.get(bigSeq)!
    const bg = simGroup(bigSeq)
    expect(b.expired.ranges).toEqual(seeded(bg, (s) => s === 'expired'))
    expect(b.expired.ranges).toEqual([[7_800_001, 7_800_200]])
    expect(b.deleted.ranges).toEqual(seeded(bg, (s) => s === 'deleted'))
    expect(b.recalled.ranges).toEqual(seeded(bg, (s) => s === 'recalled'))
    expect(b.coverage.holes.count).toBe(0)
    expect(b.coverage.purged.ranges.at(-1)?.[1]).toBe(7_800_000)
    expect(b.firstSeq).toBe(7_800_001)
    expect(b.lastSeq).toBe(7_803_321)

    const c = byId.get(custom)!
    expect(c).toMatchObject({ messages: 25, coverage: { complete: true }, deleted: { count: 0 }, recalled: { count: 0 } })

    expect(h.totals.messages).toBe(t.messages + b.messages + c.messages)
    expect(h.totals.deleted).toBe(t.deleted.count + b.deleted.count)
    expect(h.totals.completeGroups).toBe(3)
    expect(h.totals.removedLater).toBe(0)
  })

  it('after a recheck, reports what the server deleted or recalled since, while the archive keeps it', async () => {
    const tg = simGroup(team)
    const normal = [...tg.messages.values()].filter((m) => m.state === 'normal' && !m.isSystem).map((m) => m.seq)
    const [del1, del2, rec] = [normal[10]!, normal[11]!, normal[200]!]
    sim.setState(app.sdkAppId, team, del1, 'deleted')
    sim.setState(app.sdkAppId, team, del2, 'deleted')
    sim.setState(app.sdkAppId, team, rec, 'recalled')
    try {
      const pulled = await run(['pull', '--group', team, '--out', archive, '--recheck'])
      expect(pulled.code).toBe(0)
      const r = await run(['report', '--in', archive, '--format', 'json'])
      const g = (JSON.parse(r.stdout) as ArchiveHealth).groups.find((x) => x.groupId === team)!
      expect(g.removedLater.count).toBe(3)
      expect(g.removedLater.deleted.ranges).toEqual(
        del2 === del1 + 1
          ? [[del1, del2]]
          : [
              [del1, del1],
              [del2, del2]
            ]
      )
      expect(g.removedLater.recalled.ranges).toEqual([[rec, rec]])
      // Archived as placeholders only what was already gone at the first pull.
      expect(g.deleted.ranges).toEqual(seeded(tg, (s, seq) => s === 'deleted' && seq !== del1 && seq !== del2))

      const text = await run(['report', '--in', archive])
      expect(text.code).toBe(0)
      // The pull wrote the archive's context file, so the group is headed by its name (issue 18 §3).
      expect(text.stdout).toMatch(new RegExp(`^产品研发 Team 🚀 \\(${team.replace(/[#]/g, '\\$&')}\\): \\d+ messages; complete: seq 1–600$`, 'm'))
      expect(text.stdout).toMatch(/^ {2}holes \(never sent\) +5 +57–58, 233, 411, 530$/m)
      expect(text.stdout).toMatch(/^ {2}removed later +3$/m)
      expect(text.stdout).toMatch(/^ {4}recalled since +1 +\d+$/m)
      expect(text.stdout).toMatch(/^ {2}expired +200 +7,800,001–7,800,200$/m)
      // The demo's forwarded chat kept on the server (TEAM_SEQS.relayOnServer): counted, with why.
      expect(g.relayOnServer).toEqual({ count: 1, ranges: [[457, 457]] })
      expect(text.stdout).toMatch(/^ {2}forwarded, on server +1 +457$/m)
      expect(text.stdout).toMatch(/^ {2}forwarded, on server \d+ forwarded chats not expandable: .*Tencent offers no server API/m)
    } finally {
      for (const s of [del1, del2, rec]) sim.setState(app.sdkAppId, team, s, 'normal')
    }
  })

  it('writes a self-contained HTML report, and JSON when the output name ends in .json', async () => {
    const html = join(dir, 'health.html')
    const r = await run(['report', '--in', archive, '--out', html])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    const page = await readFile(html, 'utf8')
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('@TGS#1DEMOTEAM')
    expect(page).not.toMatch(/<script|<link|\bsrc=/)
    const json = join(dir, 'health.json')
    expect((await run(['report', '--in', archive, '--out', json])).code).toBe(0)
    expect((JSON.parse(await readFile(json, 'utf8')) as ArchiveHealth).format).toBe('tim-archive-health')
  })

  it('works without the state file, showing gaps instead of claiming completeness', async () => {
    const copy = join(dir, 'copy.jsonl')
    await writeFile(copy, await readFile(archive))
    const r = await run(['report', '--in', copy, '--format', 'json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/no sync state/)
    const g = (JSON.parse(r.stdout) as ArchiveHealth).groups.find((x) => x.groupId === team) as GroupHealth
    expect(g.coverage).toMatchObject({ known: false, complete: false })
    expect(g.coverage.gaps.ranges).toEqual([
      [57, 58],
      [233, 233],
      [411, 411],
      [530, 530]
    ])
  })

  it('leaves out a torn last line, and never changes the archive', async () => {
    const torn = join(dir, 'torn.jsonl')
    await writeFile(torn, (await readFile(archive, 'utf8')) + '{"GroupId":"x","MsgSeq":')
    const before = await stat(torn)
    const r = await run(['report', '--in', torn, '--format', 'json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/torn/)
    expect((JSON.parse(r.stdout) as ArchiveHealth).groups.some((g) => g.groupId === 'x')).toBe(false)
    expect((await stat(torn)).size).toBe(before.size)
  })

  it('reports only the groups named with --group, and a group not in the archive is a usage error that lists those that are', async () => {
    const one = await run(['report', '--in', archive, '--format', 'json', '--group', custom])
    expect(one.code, one.stderr).toBe(0)
    expect((JSON.parse(one.stdout) as ArchiveHealth).groups.map((g) => g.groupId)).toEqual([custom])
    const typo = await run(['report', '--in', archive, '--group', '@TGS#NOPE'])
    expect(typo.code).toBe(2)
    expect(typo.stdout).toBe('')
    expect(typo.stderr).toContain('--group @TGS#NOPE: not in')
    expect(typo.stderr).toContain(`Groups in the archive: ${[team, bigSeq, custom].sort().join(', ')}.`)
  })

  it('refuses a record whose fields have the wrong types, naming the line and the field', async () => {
    const wrong = join(dir, 'wrong-types.jsonl')
    const lines = (await readFile(archive, 'utf8')).split('\n').filter(Boolean)
    const issueLine = '{"GroupId":"@TGS#WF","MsgSeq":4,"MsgTimeStamp":"yesterday","From_Account":"bob","IsPlaceMsg":0,"MsgRandom":1,"MsgBody":[]}'
    await writeFile(wrong, [lines[0], issueLine, ...lines.slice(1)].join('\n') + '\n')
    const r = await run(['report', '--in', wrong])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('line 2: MsgTimeStamp must be a whole number of Unix seconds; got the string "yesterday"')
  })

  it('exits 2 on usage errors and 1 on a file it cannot read', async () => {
    const none = await run(['report'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/--in FILE\.jsonl/)
    const bad = await run(['report', '--in', archive, '--format', 'pdf'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--format must be one of text, json, html/)
    const missing = await run(['report', '--in', join(dir, 'nope.jsonl')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/nope\.jsonl: no such file/)
    const notes = join(dir, 'notes.jsonl')
    await writeFile(notes, 'my notes\nmore\n')
    const damaged = await run(['report', '--in', notes])
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(/line 1 is not valid JSON/)
  })
})
