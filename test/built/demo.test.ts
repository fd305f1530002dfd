import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, it } from 'vitest'

const demo = resolve(__dirname, '../../out-tools/main/demo.js')
const cli = resolve(__dirname, '../../out/main/cli.js')
let child: ReturnType<typeof spawn> | undefined

afterAll(() => {
  child?.kill('SIGTERM')
})

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => res(p))
    })
  })
}

it('npm run demo -- --web starts the simulator and the app, already connected with the demo app', async () => {
  expect(existsSync(demo), 'run `npm run build` first (npm test does)').toBe(true)
  const [port, simPort] = [await freePort(), await freePort()]
  child = spawn(process.execPath, [demo, '--web', '--port', String(port), '--sim-port', String(simPort), '--latency', '0'], {
    env: { ...process.env, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const url = await new Promise<string>((res, rej) => {
    const started = Date.now()
    const check = () => {
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=(\S+))/.exec(out)
      if (m) return res(m[1]!)
      if (Date.now() - started > 20_000 || child!.exitCode !== null) return rej(new Error(out))
      setTimeout(check, 50)
    }
    check()
  })
  const token = new URL(url).searchParams.get('token')!
  const call = async (channel: string, ...args: unknown[]) => {
    const r = await fetch(`http://127.0.0.1:${port}/api/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args })
    })
    expect(r.status).toBe(200)
    return ((await r.json()) as { result: unknown }).result
  }
  expect(await call('workspace:current')).toMatchObject({
    sdkAppId: 1400000001,
    identifier: 'administrator',
    hasKey: true,
    endpoint: `http://127.0.0.1:${simPort}`
  })
  const groups = (await call('groups:lookup', ['@TGS#1DEMOTEAM'])) as { ok: boolean; value: { groupId: string; archivable: boolean }[] }
  expect(groups.ok).toBe(true)
  expect(groups.value[0]).toMatchObject({ groupId: '@TGS#1DEMOTEAM', archivable: true })

  // The demo prints the shell line for the CLI, and tim-archive pull works with it.
  const line = /^export (TIM_\S+=\S+(?: TIM_\S+=\S+)*)$/m.exec(out)
  expect(line, out).not.toBeNull()
  const env = Object.fromEntries(line![1]!.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
  expect(env.TIM_ENDPOINT).toBe(`http://127.0.0.1:${simPort}`)
  const dir = mkdtempSync(join(tmpdir(), 'tim-demo-cli-'))
  try {
    const r = spawnSync(process.execPath, [cli, 'pull', '--group', '@TGS#1DEMOTEAM', '--out', join(dir, 'team.jsonl')], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8'
    })
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(join(dir, 'team.jsonl'), 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // The hint names the button as the app does.
  expect(out).toContain('"Sync all"')
})
