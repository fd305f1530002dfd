/**
 * `tim-archive pull --recheck` records an admin's edits (issue 18 §5): the simulator's message is
 * changed between pulls (its stored body, as modify_group_msg would leave it; served over real HTTP
 * on 127.0.0.1), and the archive line keeps every version, which export, report and the export's
 * query read.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomHistory } from '../../tools/sim/seed'
import type { Simulator } from '../../tools/sim/server'
import { builtCli, cliEnv, runCli } from '../helpers/cli'
import { appWith, freshAppId, group, startSim } from '../helpers/sim'
import { existsSync } from 'node:fs'

let dir: string
let sim: Simulator
let url: string
const appId = freshAppId()
const g = group('edited', randomHistory(31, { messages: 60, holeRate: 0, deleteRate: 0, recallRate: 0 }))

beforeAll(async () => {
  if (!existsSync(builtCli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-cli-edits-'))
  ;({ sim, url } = await startSim({ apps: [appWith(appId, [g])] }))
})
afterAll(async () => {
  await sim?.stop()
  await rm(dir, { recursive: true, force: true })
})

const run = (args: string[]) => runCli(args, cliEnv(appId, url))
const say = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
type Line = Record<string, unknown> & { MsgSeq: number; MsgBody: unknown; _archive?: { versions?: { MsgBody: unknown; seenAt?: string }[]; seenAt?: string } }

async function lines(path: string): Promise<Line[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line)
}

/** The simulator's stored message changed in place, as an admin's modify_group_msg leaves it. */
function edit(seq: number, text: string): void {
  const m = sim.group(appId, 'edited').messages.get(seq)!
  m.body = say(text)
}

describe('tim-archive pull --recheck and edited messages', () => {
  it('keeps every version an admin wrote, in order, and export, report and --query read them', async () => {
    const out = join(dir, 'a.jsonl')
    const seq = 30
    const m = sim.group(appId, 'edited').messages.get(seq)!
    m.body = say('the original wording')
    expect((await run(['pull', '--group', 'edited', '--out', out])).code).toBe(0)

    edit(seq, 'first edit quokka')
    // A plain pull does not look at archived seqs again; --recheck does.
    expect((await run(['pull', '--group', 'edited', '--out', out])).code).toBe(0)
    expect((await lines(out)).find((l) => l.MsgSeq === seq)!.MsgBody).toEqual(say('the original wording'))
    const r1 = await run(['pull', '--group', 'edited', '--out', out, '--recheck'])
    expect(r1.code).toBe(0)
    expect(r1.stdout).toMatch(/1 updated with server-side changes/)

    edit(seq, 'second edit zeppelin')
    expect((await run(['pull', '--group', 'edited', '--out', out, '--recheck'])).code).toBe(0)
    const after = await lines(out)
    expect(after).toHaveLength(60)
    const line = after.find((l) => l.MsgSeq === seq)!
    expect(line.MsgBody).toEqual(say('second edit zeppelin'))
    expect(line._archive!.versions!.map((v) => v.MsgBody)).toEqual([say('the original wording'), say('first edit quokka')])
    expect(Date.parse(line._archive!.versions![1]!.seenAt!)).toBeLessThan(Date.parse(line._archive!.seenAt!))

    // Nothing new on the server: a recheck changes nothing.
    const before = await readFile(out, 'utf8')
    const again = await run(['pull', '--group', 'edited', '--out', out, '--recheck'])
    expect(again.stdout).not.toMatch(/updated with server-side changes/)
    expect(await readFile(out, 'utf8')).toBe(before)

    // The export shows the current text and the original; --query finds a word of a past version.
    const txt = join(dir, 'a.txt')
    expect((await run(['export', '--in', out, '--format', 'txt', '--out', txt, '--tz', 'UTC', '--query', 'quokka'])).code).toBe(0)
    const text = await readFile(txt, 'utf8')
    expect(text).toMatch(/#30 \(edited on the server \(seen [^)]+\); 2 earlier versions\): second edit zeppelin\n {4}original: the original wording\n/)
    expect(text).toMatch(/\n1 messages?\n$/)

    const report = await run(['report', '--in', out, '--format', 'json'])
    const h = JSON.parse(report.stdout) as { groups: { removedLater: { changed: { count: number; ranges: number[][] } } }[] }
    expect(h.groups[0]!.removedLater.changed).toEqual({ count: 1, ranges: [[30, 30]] })
  }, 60_000)
})
