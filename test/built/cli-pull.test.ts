import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mulberry32, randomHistory } from '../../tools/sim/seed'
import { Simulator, type SimGroup } from '../../tools/sim/server'
import { decodeUserSig, verifyUserSig } from '../../src-main/tim/usersig'
import { expectedPlaces, sortedEntries } from '../helpers/memory-sink'
import { cliEnv, runCli, startCli } from '../helpers/cli'
import { appWith, freshAppId, group } from '../helpers/sim'
import { demoCredentials } from '../../tools/sim/seed'

const cli = resolve(__dirname, '../../out/main/cli.js')
const bin = resolve(__dirname, '../../bin/tim-archive.cjs')

/**
 * The package bin refuses a Node older than package.json's engines. Tests that run it need a Node
 * on each side of that line: the one running the tests, the machine's /usr/bin/node (Debian's is
 * older) and the one .ci/run installs. On a machine without one of them, the tests for that side
 * are skipped (and say so).
 */
function nodeVersion(path: string): string | null {
  const r = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}
const minimumNode = (JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { engines: { node: string } }).engines.node.replace(
  /^>=\s*/,
  ''
)
const olderThanMinimum = (v: string): boolean => {
  const [a, b] = v.split('.').map(Number) as [number, number]
  const [ma, mb] = minimumNode.split('.').map(Number) as [number, number]
  return a < ma || (a === ma && b < mb)
}
const nodes = [process.execPath, '/usr/bin/node', '/usr/local/bin/node', join(homedir(), '.cache/tim-archive-node22/node_modules/.bin/node')]
  .filter((p) => existsSync(p))
  .map((path) => ({ path, version: nodeVersion(path) }))
  .filter((n): n is { path: string; version: string } => n.version !== null)
const oldNode = nodes.find((n) => olderThanMinimum(n.version))
const newNode = nodes.find((n) => !olderThanMinimum(n.version))

let dir: string
let sim: Simulator
let url: string
const appId = freshAppId()
const big = group('big', randomHistory(4242, { messages: 6000, holeRate: 0.15, deleteRate: 0.03, recallRate: 0.03, bigMessageRate: 0.02 }))
const small = group('small', randomHistory(7, { messages: 130 }))
const live = group('live', { messages: new Map(), nextMsgSeq: 1 }, 'AVChatRoom')
const gone = group('gone', { messages: new Map(), nextMsgSeq: 9, dismissed: true })
const editable = group('editable', randomHistory(9, { messages: 80 }))

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-cli-'))
  sim = new Simulator({ apps: [appWith(appId, [big, small, live, gone, editable])], latencyMs: 4, maxResponseBytes: 40_000 })
  url = (await sim.start()).url
})
afterAll(async () => {
  await sim?.stop()
  await rm(dir, { recursive: true, force: true })
})

function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return cliEnv(appId, url, extra)
}

function start(args: string[], e = env()): ChildProcess {
  return startCli(args, e)
}

function run(args: string[], e = env()): ReturnType<typeof runCli> {
  return runCli(args, e)
}

async function readArchive(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8')
  expect(text === '' || text.endsWith('\n')).toBe(true)
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

function placesOf(lines: Record<string, unknown>[], groupId: string): Map<number, number> {
  const m = new Map<number, number>()
  for (const l of lines) if (l.GroupId === groupId) m.set(l.MsgSeq as number, l.IsPlaceMsg as number)
  return m
}

function expectNoDuplicates(lines: Record<string, unknown>[]): void {
  const keys = lines.map((l) => `${l.GroupId}|${l.MsgSeq}`)
  expect(new Set(keys).size).toBe(keys.length)
}

describe('tim-archive pull', () => {
  it('archives several groups into one JSON Lines file, every field as the API returned it', async () => {
    const out = join(dir, 'two.jsonl')
    const r = await run(['pull', '--group', 'small', '--group', 'editable', '--out', out])
    expect(r.stderr).not.toMatch(/FAILED/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/small: complete, 130 messages archived/)
    const lines = await readArchive(out)
    expect(sortedEntries(placesOf(lines, 'small'))).toEqual(sortedEntries(expectedPlaces(small)))
    const first = lines.find((l) => l.GroupId === 'small' && l.MsgSeq === 130)!
    expect(Object.keys(first)[0]).toBe('GroupId')
    expect(Object.keys(first).sort()).toEqual(['From_Account', 'GroupId', 'IsPlaceMsg', 'MsgBody', 'MsgPriority', 'MsgRandom', 'MsgSeq', 'MsgTimeStamp'].sort())
    expect(first.MsgBody).toEqual(small.messages.get(130)!.body)
    expect(existsSync(`${out}.state.json`)).toBe(true)
    expect(existsSync(`${out}.lock`)).toBe(false)

    // A later run adds only what is new.
    sim.appendMessages(appId, 'small', [
      { from: 'zoe', time: 1_800_000_000, random: 1, body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'later' } }], state: 'normal' }
    ])
    const again = await run(['pull', '--group', 'small', '--out', out])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/: 1 new message, \d+ already archived \(\d+ fetched\);/)
    const after = await readArchive(out)
    expect(after.length).toBe(lines.length + 1)
    expectNoDuplicates(after)
  })

  it('resumes exactly after being killed with SIGKILL at random moments', async () => {
    const out = join(dir, 'killed.jsonl')
    const rand = mulberry32(20261125)
    for (let i = 0; i < 6; i++) {
      const child = start(['pull', '--group', 'big', '--out', out, '--concurrency', '8'])
      await new Promise((r) => setTimeout(r, 80 + rand() * 700))
      child.kill('SIGKILL')
      await new Promise((r) => child.on('close', r))
      if (i === 2 && existsSync(out)) {
        // As if the kill had landed mid-write: a torn last line.
        await appendFile(out, '{"GroupId":"big","From_Account":"torn","MsgSeq":')
      }
    }
    const partial = existsSync(out) ? (await readFile(out, 'utf8')).split('\n').filter(Boolean).length : 0
    expect(partial).toBeLessThan(expectedPlaces(big).size)
    const r = await run(['pull', '--group', 'big', '--out', out])
    expect(r.stderr).not.toMatch(/FAILED/)
    expect(r.code).toBe(0)
    const lines = await readArchive(out)
    expectNoDuplicates(lines)
    expect(sortedEntries(placesOf(lines, 'big'))).toEqual(sortedEntries(expectedPlaces(big)))
  }, 120_000)

  it('--recheck records what the server deleted or recalled since, keeping the content', async () => {
    const out = join(dir, 'recheck.jsonl')
    expect((await run(['pull', '--group', 'editable', '--out', out])).code).toBe(0)
    const before = await readArchive(out)
    const original = before.find((l) => l.MsgSeq === 40)!
    sim.setState(appId, 'editable', 40, 'deleted')
    sim.setState(appId, 'editable', 41, 'recalled')
    const plain = await run(['pull', '--group', 'editable', '--out', out])
    expect(plain.code).toBe(0)
    expect(await readArchive(out)).toEqual(before)
    const r = await run(['pull', '--group', 'editable', '--out', out, '--recheck'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/2 updated with server-side changes/)
    // The bar and the summary count the same thing: the bar's "fetched" is the summary's, split
    // into new, updated and already archived.
    const bar = [...r.stderr.matchAll(/^progress: .* ([\d,]+) messages fetched /gm)].map((m) => Number(m[1]!.replace(/,/g, '')))
    const summary = /: ([\d,]+) new messages?, ([\d,]+) updated with server-side changes, ([\d,]+) already archived \(([\d,]+) fetched\);/.exec(r.stdout)
    expect(summary, r.stdout).not.toBeNull()
    const [added, updated, already, fetched] = summary!.slice(1).map((x) => Number(x.replace(/,/g, '')))
    expect(bar.at(-1)).toBe(fetched)
    expect(added! + updated! + already!).toBe(fetched)
    expect(added).toBe(0)
    expect(already).toBeGreaterThanOrEqual(78)
    const after = await readArchive(out)
    expect(after).toHaveLength(before.length)
    const m40 = after.find((l) => l.MsgSeq === 40)! as Record<string, unknown> & { _archive: { server: { IsPlaceMsg: number } } }
    expect(m40.MsgBody).toEqual(original.MsgBody)
    expect(m40.IsPlaceMsg).toBe(0)
    expect(m40._archive.server.IsPlaceMsg).toBe(1)
    expect((after.find((l) => l.MsgSeq === 41) as { _archive: { server: { IsPlaceMsg: number } } })._archive.server.IsPlaceMsg).toBe(2)
    // Same lines otherwise, same order: one line per message for life.
    expect(after.map((l) => l.MsgSeq)).toEqual(before.map((l) => l.MsgSeq))
    const again = await run(['pull', '--group', 'editable', '--out', out, '--recheck'])
    expect(again.stdout).not.toMatch(/updated with server-side changes/)
  })

  it('fails one line per refused group, naming the code and its meaning, while the others finish', async () => {
    const out = join(dir, 'mixed.jsonl')
    const r = await run(['pull', '--group', 'live', '--group', 'small', '--group', 'gone', '--out', out])
    expect(r.code).toBe(1)
    const failures = r.stderr.split('\n').filter((l) => l.startsWith('FAILED'))
    expect(failures).toHaveLength(2)
    expect(failures.find((l) => l.includes('live'))).toMatch(/10007.*AVChatRoom/)
    expect(failures.find((l) => l.includes('gone'))).toMatch(/10010.*dismissed/)
    expect(r.stdout).toMatch(/small: complete/)
  })

  it('names a wrong secret key (70009) and exits non-zero without touching the archive', async () => {
    const out = join(dir, 'two.jsonl')
    const before = await readFile(out, 'utf8')
    const r = await run(['pull', '--group', 'small', '--out', out], env({ TIM_SECRET_KEY: 'f'.repeat(64) }))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/FAILED small: .*70009.*secret key is wrong/)
    expect(await readFile(out, 'utf8')).toBe(before)
  })

  it('refuses secrets on the command line and explains missing credentials', async () => {
    const r = await run(['pull', '--group', 'small', '--out', join(dir, 'x.jsonl'), '--secret-key=abc'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/never taken from the command line.*TIM_SECRET_KEY/)
    const r2 = await run(['pull', '--group', 'small', '--out', join(dir, 'x.jsonl')], env({ TIM_SECRET_KEY: undefined }))
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/TIM_SECRET_KEY.*TIM_USERSIG/)
  })

  it('requires TIM_REGION or TIM_ENDPOINT instead of picking a region, naming both', () => {
    // Should this regress, the child would go for a public host: the preload fails every lookup
    // of a name other than localhost, so nothing leaves the machine.
    const guard = resolve(__dirname, '../helpers/loopback-only.cjs')
    const out = join(dir, 'no-region.jsonl')
    const pull = (e: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--require', guard, cli, 'pull', '--group', 'small', '--out', out], { env: e, encoding: 'utf8' })
    const r = pull(env({ TIM_ENDPOINT: undefined, TIM_REGION: undefined }))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tim-archive: Set TIM_REGION .*\(china, singapore, .*jakarta\) or TIM_ENDPOINT/m)
    expect(existsSync(out)).toBe(false)
    const typo = pull(env({ TIM_ENDPOINT: undefined, TIM_REGION: 'singapur' }))
    expect(typo.status).toBe(2)
    expect(typo.stderr).toMatch(/TIM_REGION "singapur" is not a region/)
  })

  it('refuses to touch a file that is not an archive', async () => {
    const out = join(dir, 'notes.jsonl')
    await writeFile(out, 'my notes\nmore notes\n')
    const r = await run(['pull', '--group', 'small', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/line 1 is not valid JSON.*Nothing was changed/)
    expect(await readFile(out, 'utf8')).toBe('my notes\nmore notes\n')
  })

  it('writes plain progress lines to stderr when piped', async () => {
    const r = await run(['pull', '--group', 'small', '--out', join(dir, 'progress.jsonl')])
    expect(r.stderr).toMatch(/^progress: 100\.0% .*messages fetched .*req\/s .*ETA .*groups 1\/1$/m)
  })
})

describe('tim-archive --version', () => {
  it('prints the package version with --version and -v', async () => {
    const { version } = JSON.parse(await readFile(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }
    for (const flag of ['--version', '-v']) {
      const r = await run([flag])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe(`${version}\n`)
    }
  })

  it.runIf(newNode)(`--version works through the package bin on Node ${minimumNode} or newer`, async () => {
    const { version } = JSON.parse(await readFile(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }
    const r = spawnSync(newNode!.path, [bin, '--version'], { env: env(), encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe(`${version}\n`)
  })

  it.runIf(oldNode)(`the package bin refuses a Node older than ${minimumNode} in one line, exit 2`, () => {
    const r = spawnSync(oldNode!.path, [bin, 'pull', '--group', 'small', '--out', join(dir, 'old-node.jsonl')], { env: env(), encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      `tim-archive: Node ${minimumNode} or newer is needed; this is Node ${oldNode!.version} (${oldNode!.path}). Install a current Node (https://nodejs.org) and run again.\n`
    )
    expect(existsSync(join(dir, 'old-node.jsonl'))).toBe(false)
  })
})

describe('tim-archive usersig', () => {
  it('prints on its last stdout line a UserSig that verifies for the identifier', async () => {
    const r = await run(['usersig', '--identifier', 'ops_bot', '--expire', '3600'])
    expect(r.code).toBe(0)
    const last = r.stdout.trim().split('\n').at(-1)!
    expect(decodeUserSig(last)).toMatchObject({ identifier: 'ops_bot', sdkAppId: appId, expire: 3600 })
    expect(verifyUserSig(last, { sdkAppId: appId, identifier: 'ops_bot', keyFor: () => demoCredentials.secretKey }).ok).toBe(true)
  })

  it.runIf(newNode)('works through the package bin, and rejects a bad --expire', async () => {
    const child = spawn(newNode!.path, [bin, 'usersig', '--identifier', 'x'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    expect(await new Promise((r) => child.on('close', r))).toBe(0)
    expect(out.trim().split('\n').at(-1)).toMatch(/^[A-Za-z0-9*_-]+$/)
    const bad = await run(['usersig', '--identifier', 'x', '--expire', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--expire must be a positive number/)
  })
})

export type { SimGroup }
