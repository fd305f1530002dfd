// tim-archive serve: prints the address, serves the app, stops cleanly.
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { defaultConfigDir, redirectPage, runServe } from '../../../src-main/cli/serve'
import { tempDir } from './helpers'

let dir: { path: string; remove: () => Promise<void> }
let rendererDir: string
beforeAll(async () => {
  dir = await tempDir('tim-serve-')
  rendererDir = join(dir.path, 'renderer')
  await mkdir(rendererDir)
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>TIM Archive</title>')
})
afterAll(() => dir.remove())

test('serve prints the address with its token, serves the page, and stops', async () => {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(((_s: unknown, cb?: unknown) => {
    if (typeof cb === 'function') (cb as () => void)()
    return true
  }) as typeof process.stdout.write)
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    const stop = new AbortController()
    let url = ''
    const running = runServe(
      ['--port', '0', '--config-dir', join(dir.path, 'cfg')],
      { BROWSER: 'none' },
      { signal: stop.signal, rendererDir, onListening: (u) => (url = u) }
    )
    await vi.waitFor(() => expect(url).not.toBe(''))
    const line = out.mock.calls.map((c) => String(c[0])).find((s) => s.startsWith('TIM Archive is running at '))
    expect(line).toMatch(/^TIM Archive is running at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n$/)
    expect((await fetch(url)).status).toBe(200)
    expect((await fetch(url.split('?')[0]!)).status).toBe(403)
    stop.abort()
    expect(await running).toBe(0)
    await expect(fetch(url)).rejects.toThrow()
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
})

test('a busy port says to pass --port', async () => {
  const blocker = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
  const port = (blocker.address() as { port: number }).port
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    expect(await runServe(['--port', String(port), '--config-dir', join(dir.path, 'cfg')], { BROWSER: 'none' }, { rendererDir })).toBe(1)
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/already in use.*--port/)
  } finally {
    err.mockRestore()
    blocker.close()
  }
})

test('--import-media with a folder that is not there says so and stops, before any address is printed', async () => {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    const missing = join(dir.path, 'no-such-media')
    expect(await runServe(['--port', '0', '--config-dir', join(dir.path, 'cfg-im'), '--import-media', missing], { BROWSER: 'none' }, { rendererDir })).toBe(1)
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain(`could not import media from ${missing}: ${missing} does not exist.`)
    expect(out.mock.calls.map((c) => String(c[0])).join('')).not.toMatch(/running at/)
  } finally {
    err.mockRestore()
    out.mockRestore()
  }
})

test('an unbuilt app is reported, not crashed on', async () => {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    expect(await runServe(['--port', '0'], { BROWSER: 'none', TIM_ARCHIVE_CONFIG_DIR: dir.path }, { rendererDir: join(dir.path, 'nope') })).toBe(1)
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/npm run build/)
  } finally {
    err.mockRestore()
  }
})

test('the config directory follows TIM_ARCHIVE_CONFIG_DIR, then XDG_CONFIG_HOME', () => {
  expect(defaultConfigDir({ TIM_ARCHIVE_CONFIG_DIR: '/x/y' })).toBe('/x/y')
  expect(defaultConfigDir({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/tim-archive')
  expect(defaultConfigDir({})).toMatch(/\.config\/tim-archive$/)
})

test('the redirect page the browser is opened with holds the address as escaped text only', () => {
  const html = redirectPage('http://127.0.0.1:5180/?token=a&b="><script>x</script>\'')
  expect(html).toContain('content="0;url=http://127.0.0.1:5180/?token=a&amp;b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;&#39;"')
  expect(html).not.toMatch(/<script/i)
  expect(html).toContain('<meta name="referrer" content="no-referrer">')
})
