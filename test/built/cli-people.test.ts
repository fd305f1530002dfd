/**
 * Names in the archive as a user gets them (issue 18 §1, §3): real `tim-archive pull`, `export`
 * and `report` child processes against the simulator over 127.0.0.1. The context file beside the
 * archive names the team chat and its people; a rename made on the server between two pulls
 * (/_sim/profile) becomes history, shown as the name in force at each message's time; li_lei, who
 * left, is named from his profile; a SIGKILL mid-write leaves a context file that still reads.
 */
import { existsSync } from 'node:fs'
import { appendFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { personKey, readContextFile } from '../../src-main/archive/context-file'
import { demoGroupIds } from '../../tools/sim/seed'
import { Simulator } from '../../tools/sim/server'
import { cliEnv, runCli, startCli } from '../helpers/cli'
import { freshAppId, startDemoSim, stopDemoSim } from '../helpers/sim'

const appId = freshAppId()
const { team, community } = demoGroupIds
let dir: string
let sim: Simulator
let url: string

let senderQueries = 0
const env = (): NodeJS.ProcessEnv => cliEnv(appId, url)
const run = (args: string[]): ReturnType<typeof runCli> => runCli(args, env())

async function control(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/_sim/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sdkAppId: appId, ...body })
  })
  expect(await res.json()).toMatchObject({ ok: true })
}

const sleepUntil = async (ms: number): Promise<void> => {
  while (Date.now() < ms) await new Promise((r) => setTimeout(r, Math.max(10, ms - Date.now())))
}

beforeAll(async () => {
  ;({ sim, url, dir } = await startDemoSim(appId, 'tim-cli-people-'))
}, 60_000)

afterAll(() => stopDemoSim({ sim, dir }))

describe('tim-archive pull names people in FILE.context.jsonl', () => {
  it('two pulls around a rename: history kept, the name in force at each message in the export, li_lei named though he left', async () => {
    const archive = join(dir, 'team.jsonl')
    const ctxPath = `${archive}.context.jsonl`
    const first = await run(['pull', '--group', team, '--out', archive])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain(`${team}: 13 people named (12 members)`)
    expect(first.stderr).not.toContain('not answered')
    const c1 = (await readContextFile(ctxPath))!
    const t1 = c1.people.get(personKey(team, 'bob'))!.history[0]!.seenAt

    // bob writes after the first pull, then renames himself on the server; a second pull sees it.
    const between = Math.ceil(t1 / 1000) + 1
    await control('append', { groupId: team, from: 'bob', text: 'said before the rename', time: between })
    await control('profile', { account: 'bob', nick: 'Bobby Tables' })
    await sleepUntil((between + 1) * 1000)
    const second = await run(['pull', '--group', team, '--out', archive])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain(`${team}: 13 people named (12 members); 1 context line added`)
    const t2 = (await readContextFile(ctxPath))!.people.get(personKey(team, 'bob'))!.history[1]!.seenAt
    await control('append', { groupId: team, from: 'bob', text: 'said after the rename', time: Math.ceil(t2 / 1000) + 1 })
    expect((await run(['pull', '--group', team, '--out', archive])).code).toBe(0)

    const ctx = (await readContextFile(ctxPath))!
    expect(ctx.skipped).toBe(0)
    expect(ctx.groups.get(team)).toMatchObject({ name: '产品研发 Team 🚀', groupType: 'Public' })
    const bob = ctx.people.get(personKey(team, 'bob'))!
    expect(bob.history.map((h) => h.nick)).toEqual(['Bob Zhang 张博', 'Bobby Tables'])
    expect(ctx.people.get(personKey(team, 'li_lei'))).toMatchObject({ member: false, history: [expect.objectContaining({ nick: '李雷' })] })
    // The archive itself is untouched: one line per message, no context in it.
    for (const line of (await readFile(archive, 'utf8')).split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('MsgSeq')

    const html = join(dir, 'team.html')
    const ex = await run(['export', '--in', archive, '--format', 'html', '--out', html])
    expect(ex.code, ex.stderr).toBe(0)
    const page = await readFile(html, 'utf8')
    expect(page).toContain('<title>产品研发 Team 🚀 (@TGS#1DEMOTEAM)</title>')
    const said = (text: string): string => {
      const at = page.indexOf(text)
      expect(at).toBeGreaterThan(0)
      const head = page.lastIndexOf('<span class="f"', at)
      return page.slice(head, page.indexOf('</span>', head) + 7)
    }
    expect(said('said before the rename')).toBe('<span class="f" title="bob">Bob Zhang 张博</span>')
    expect(said('said after the rename')).toBe('<span class="f" title="bob">Bobby Tables</span>')
    expect(page).toContain('<span class="f" title="li_lei">李雷</span>')

    const csv = join(dir, 'team.csv')
    expect((await run(['export', '--in', archive, '--format', 'csv', '--out', csv])).code).toBe(0)
    const rows = (await readFile(csv, 'utf8')).split('\r\n')
    expect(rows[0]).toBe('\uFEFFgroup,seq,time,sender,type,text,state,server,sender_name')
    expect(rows.find((r) => r.includes('said before the rename'))).toMatch(/,bob,TIMTextElem,said before the rename,.*,Bob Zhang 张博$/)

    const report = await run(['report', '--in', archive])
    expect(report.code).toBe(0)
    expect(report.stdout).toContain('产品研发 Team 🚀 (@TGS#1DEMOTEAM): ')
    expect(report.stdout).toMatch(/people +9 senders, 9 named \(1 no longer a member\)/)
    expect(report.stdout).toContain('李雷 (li_lei)')

    // export --query from:NAME matches any name the person had (as the app's from: does).
    const senders = async (query: string): Promise<string[]> => {
      const out = join(dir, `q-${senderQueries++}.jsonl`)
      const r = await run(['export', '--in', archive, '--format', 'jsonl', `--query=${query}`, '--out', out])
      expect(r.code, r.stderr).toBe(0)
      return (await readFile(out, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { From_Account: string }).From_Account)
    }
    const bobs = (await readFile(archive, 'utf8')).split('\n').filter((l) => l && (JSON.parse(l) as { From_Account: string }).From_Account === 'bob').length
    expect(bobs).toBeGreaterThan(2)
    for (const q of ['from:bob', 'from:Bobby', 'from:tables', 'from:Zhang']) expect(await senders(q), q).toEqual(Array(bobs).fill('bob'))
    expect(new Set(await senders('from:李雷'))).toEqual(new Set(['li_lei']))
    expect(await senders('from:nobody-by-that-name')).toEqual([])
    expect(await senders('-from:Bobby')).not.toContain('bob')
  })

  it('--no-people pulls messages only, as before: no context file, exports show account IDs', async () => {
    const archive = join(dir, 'plain.jsonl')
    const r = await run(['pull', '--group', team, '--out', archive, '--no-people'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('people named')
    expect(existsSync(`${archive}.context.jsonl`)).toBe(false)
    const txt = join(dir, 'plain.txt')
    expect((await run(['export', '--in', archive, '--format', 'txt', '--out', txt])).code).toBe(0)
    const text = await readFile(txt, 'utf8')
    expect(text).toContain('=== @TGS#1DEMOTEAM ===')
    expect(text).toMatch(/\] bob #\d+:/)
  })

  it('a SIGKILL during the pull leaves a context file that reads, and the next pull completes it', async () => {
    const archive = join(dir, 'killed.jsonl')
    const ctxPath = `${archive}.context.jsonl`
    for (const delay of [150, 300, 450, 600]) {
      const child = startCli(['pull', '--group', community, '--group', team, '--out', archive], env())
      // Listened for at once: a later run may finish before the kill.
      const closed = new Promise((r) => child.on('close', r))
      await new Promise((r) => setTimeout(r, delay))
      child.kill('SIGKILL')
      await closed
      if (existsSync(ctxPath)) expect((await readContextFile(ctxPath))!.skipped).toBeLessThanOrEqual(1)
    }
    // As if a kill had landed mid-line.
    await appendFile(ctxPath, '{"type":"person","groupId":"@TGS#1DEMOTEAM","account":"ali')
    const r = await run(['pull', '--group', community, '--group', team, '--out', archive])
    expect(r.code, r.stderr).toBe(0)
    const ctx = (await readContextFile(ctxPath))!
    expect(ctx.skipped).toBeGreaterThanOrEqual(1)
    expect(ctx.skipped).toBeLessThanOrEqual(2)
    expect([...ctx.people.values()].filter((p) => p.groupId === community)).toHaveLength(247)
    expect(ctx.people.get(personKey(team, 'alice'))?.history.at(-1)?.nameCard).toBe('Alice (PM)')
    expect(ctx.topics.get(community)?.size).toBe(3)
  })
})
