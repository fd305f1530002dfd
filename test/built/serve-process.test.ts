// tim-archive serve as a real child process: what it leaves behind, what it puts on a command line.
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, test } from 'vitest'

const cli = resolve(__dirname, '../../out/main/cli.js')
const work = mkdtempSync(join(tmpdir(), 'tim-serve-proc-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A stand-in browser ($BROWSER): records the arguments it was started with, one per line. */
function fakeBrowser(name: string): { command: string; argsFile: string } {
  const argsFile = join(work, `${name}.args`)
  const command = join(work, `${name}.sh`)
  writeFileSync(command, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}.tmp' && mv '${argsFile}.tmp' '${argsFile}'\n`)
  chmodSync(command, 0o755)
  return { command, argsFile }
}

async function until<T>(what: string, f: () => T | undefined, out: () => string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = f()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`gave up waiting for ${what}:\n${out()}`)
}

function startServe(name: string, env: NodeJS.ProcessEnv) {
  expect(existsSync(cli), 'run `npm run build` first').toBe(true)
  const tmp = mkdtempSync(join(work, `tmp-${name}-`))
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--config-dir', join(work, `cfg-${name}`)], {
    env: { ...process.env, TMPDIR: tmp, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)))
  const address = until(
    'the address',
    () => /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+))/.exec(out) ?? undefined,
    () => out
  )
  return { child, tmp, exited, address, output: () => out }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`serve leaves nothing in the temp folder when stopped with ${signal}`, async () => {
    const s = startServe(signal, { BROWSER: 'none' })
    try {
      await s.address
      s.child.kill(signal)
      expect(await s.exited).toBe(0)
      expect(readdirSync(s.tmp)).toEqual([])
      // Another port than the default: the archive there starts empty, and serve says so.
      expect(s.output()).toMatch(/not the default 5180/)
    } finally {
      s.child.kill('SIGKILL')
    }
  })
}

test('serve opens the browser with a file only the user can read, never with the token on a command line', async () => {
  const browser = fakeBrowser('opener')
  const s = startServe('opener', { BROWSER: browser.command })
  try {
    const url = await s.address
    const token = url[2]!
    // The opener got a path, never the token (its argv is in the process list for every local user).
    const args = await until('the browser', () => (existsSync(browser.argsFile) ? readFileSync(browser.argsFile, 'utf8') : undefined), s.output)
    expect(args).not.toContain(token)
    const page = args.trim()
    expect(page.startsWith(s.tmp + '/')).toBe(true)
    expect(statSync(page).mode & 0o777).toBe(0o600)
    // The page carries the token and forwards to the address, with nothing else in it.
    const html = readFileSync(page, 'utf8')
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${url[1]}">`)
    expect(html).not.toMatch(/<script/i)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    expect(existsSync(page)).toBe(false)
  } finally {
    s.child.kill('SIGKILL')
  }
})
