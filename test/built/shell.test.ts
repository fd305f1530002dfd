/**
 * The desktop shell, executed: the built main process (out/main/index.js) runs on Node with a
 * stand-in `electron` module (test/helpers/electron-stand-in.ts), and the built preload
 * (out/preload/index.js) runs as a sandboxed preload would, wired to the handlers main registered.
 * There is no Electron binary here, so this is what checks the shell's glue: what the app asks of
 * Electron, and that a call from the page's `window.api` reaches the real handler.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { ContentStore } from '../../src-main/media/content-store'
import { contentSecurityPolicy } from '../../src-main/security/csp'
import { channels, type AppStatus, type ExportStartInput, type AppApi } from '../../src-main/shared/ipc/contract'
import { eventChannels } from '../../src-main/shared/ipc/schemas'
import { runMain } from '../helpers/electron-main'
import { MediaLedger } from '../../src-main/media/ledger'
import { StandIn, type FakeBrowserWindow } from '../helpers/electron-stand-in'

const root = resolve(__dirname, '../..')
const out = join(root, 'out')

/** Every request/response channel of the contract (the rest are main → renderer events). */
const invokeChannels = Object.values(channels).filter((c) => !(eventChannels as readonly string[]).includes(c))
/** The API's domains are the channels' `domain:` prefixes. */
const apiDomains = [...new Set(Object.values(channels).map((c) => c.split(':')[0]!))].sort()

let dir: string
let standIn: StandIn
let stopMain: () => void
let win: FakeBrowserWindow
let api: AppApi

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shell-'))
  // The demo variable would connect to a simulator and use another profile.
  vi.stubEnv('TIM_ARCHIVE_DEMO_CONNECT', undefined)
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined)
  standIn = new StandIn({ dir, appPath: root, version: '9.8.7', languages: ['zh-CN', 'en-US'] })
  stopMain = runMain(standIn, join(out, 'main', 'index.js'))
  // Nothing happens before Electron is ready.
  expect(standIn.windows).toHaveLength(0)
  standIn.ready()
  await vi.waitFor(() => expect(standIn.trays).toHaveLength(1))
  win = standIn.windows[0]!
  api = standIn.loadPreload(win, win.webPreferences.preload!).api as AppApi
})

afterAll(async () => {
  stopMain?.()
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

describe('the main process on a stand-in Electron', () => {
  test('opens one window, showing the built page', () => {
    expect(standIn.windows).toHaveLength(1)
    expect(win.webContents.getURL()).toBe(pathToFileURL(join(out, 'renderer', 'index.html')).href)
    expect(existsSync(join(out, 'renderer', 'index.html'))).toBe(true)
    expect(win.isVisible()).toBe(true)
  })

  test('every contract channel has a handler, and nothing else is handled', () => {
    expect([...standIn.handlers.keys()].sort()).toEqual([...invokeChannels].sort())
  })

  test('every window is hardened: isolated, sandboxed, no Node, web security on, our preload', () => {
    for (const w of standIn.windows) {
      const prefs = w.webPreferences
      expect(prefs.contextIsolation).toBe(true)
      expect(prefs.sandbox).toBe(true)
      expect(prefs.nodeIntegration).toBe(false)
      expect(prefs.nodeIntegrationInWorker ?? false).toBe(false)
      expect(prefs.nodeIntegrationInSubFrames ?? false).toBe(false)
      expect(prefs.webSecurity).not.toBe(false)
      expect(prefs.allowRunningInsecureContent ?? false).toBe(false)
      expect(prefs.webviewTag ?? false).toBe(false)
      expect(prefs.preload).toBe(join(out, 'preload', 'index.js'))
      expect(existsSync(prefs.preload!)).toBe(true)
    }
  })

  test('navigation away from the page is blocked; window.open is denied, http(s) goes to the browser', () => {
    const contents = win.webContents
    const page = contents.getURL()
    try {
      expect(contents.navigate('https://evil.example/')).toBe(false)
      expect(contents.navigate(pathToFileURL(join(dir, 'other.html')).href)).toBe(false)
      expect(contents.getURL()).toBe(page)
    } finally {
      // Had it gone through, the page is not ours any more: put it back for the tests that follow.
      contents.url = page
    }
    expect(contents.attachWebview()).toBe(true)

    expect(contents.windowOpen('https://example.com/a')).toEqual({ action: 'deny' })
    expect(standIn.openedExternally).toEqual(['https://example.com/a'])
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'tim-archive://x', 'about:blank']) {
      expect(contents.windowOpen(url)).toEqual({ action: 'deny' })
    }
    expect(standIn.openedExternally).toEqual(['https://example.com/a'])
    expect(standIn.windows).toHaveLength(1)
  })

  test('permission requests are refused and permission checks answer no', async () => {
    const session = standIn.session
    expect(session.permissionRequestHandler).not.toBeNull()
    expect(session.permissionCheckHandler).not.toBeNull()
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal'] as const) {
      const granted = await new Promise<boolean>((done) =>
        session.permissionRequestHandler!(win.webContents as never, permission, done, { isMainFrame: true, requestingUrl: win.webContents.getURL() } as never)
      )
      expect(granted, permission).toBe(false)
      expect(session.permissionCheckHandler!(win.webContents as never, permission, 'file://', { isMainFrame: true } as never), permission).toBe(false)
    }
  })

  test("every response carries the renderer's CSP as a header, replacing any other", async () => {
    const headers = await standIn.session.receive(win.webContents.getURL(), {
      'content-security-policy': ['default-src *'],
      'Content-Type': ['text/html']
    })
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] })
  })

  test('registers one custom protocol, tim-media:, with the reviewed privileges and no CSP bypass; it serves only stored objects', async () => {
    expect([...standIn.protocols.keys()]).toEqual(['tim-media'])
    expect(standIn.privilegedSchemes).toEqual(['tim-media'])
    expect(standIn.privileges.get('tim-media')).toEqual({ standard: true, secure: true, supportFetchAPI: true, stream: true })
    const handle = standIn.protocols.get('tim-media')!
    // The store lives under userData; an object it does not hold, or any path, is 404.
    expect((await stat(join(dir, 'userData', 'media'))).isDirectory()).toBe(true)
    for (const url of [`tim-media://object/${'0'.repeat(64)}`, 'tim-media://object/../window-state.json', 'tim-media://object/%2e%2e%2fwindow-state.json'])
      expect((await handle(new Request(url) as Parameters<typeof handle>[0])).status, url).toBe(404)
  })

  test('the tray shows its icon and menu', () => {
    const tray = standIn.trays[0]!
    expect(tray.image.isEmpty()).toBe(false)
    expect(tray.toolTip).toBe('TIM Archive')
    expect(tray.menu!.items.filter((i) => i.label).map((i) => i.label)).toEqual(['TIM Archive', 'Sync now', 'Open TIM Archive', 'Quit'])
  })
})

describe('the page calls main through the real preload', () => {
  test('the preload exposes exactly one api object, one group per channel domain', () => {
    expect(Object.keys(api).sort()).toEqual(apiDomains)
  })

  test('api.app.info() reaches the real handler and answers', async () => {
    await expect(api.app.info()).resolves.toEqual({ name: 'TIM Archive', version: '9.8.7', shell: 'electron', locale: 'zh-CN' })
    await expect(api.workspace.current()).resolves.toBeNull()
  })

  test('an invalid payload is refused by the handler, not by the preload', async () => {
    await expect(api.groups.lookup('not a list' as never)).resolves.toMatchObject({ ok: false, error: { code: 'INVALID' } })
  })

  test('a page that is not ours gets nothing, even through the preload', async () => {
    const other = standIn.loadPreload(standIn.windows[0]!, join(out, 'preload', 'index.js'))
    const foreign = other.api as AppApi
    const url = win.webContents.url
    win.webContents.url = 'https://evil.example/'
    try {
      await expect(foreign.app.info()).rejects.toThrow(/Refused app:info/)
    } finally {
      win.webContents.url = url
      // Back to the first page's preload.
      api = standIn.loadPreload(win, win.webPreferences.preload!).api as AppApi
    }
  })

  test('an export asks where to save with the native dialog over the window; closing it cancels', async () => {
    const input: ExportStartInput = { format: 'jsonl', query: '', groups: [{ groupId: 'g1' }], timeZone: 'UTC', suggestedName: 'chats.jsonl' }
    await expect(api.export.start(input)).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    await expect(api.export.start({ ...input, split: 'month', suggestedName: 'chats' })).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(standIn.dialogs.map((d) => ({ kind: d.kind, window: d.window, defaultPath: d.options.defaultPath }))).toEqual([
      { kind: 'save', window: win, defaultPath: join(dir, 'documents', 'chats.jsonl') },
      { kind: 'open', window: win, defaultPath: join(dir, 'documents', 'chats') }
    ])
    expect((standIn.dialogs[1]!.options as { properties?: string[] }).properties).toContain('openDirectory')
  })

  test('media.importFolder opens the native folder picker over the window and adopts the pulled folder; closing it cancels', async () => {
    // A folder as `tim-archive pull --media` leaves it: a content file and its ledger.
    const pulled = join(dir, 'pulled-media')
    const bytes = Buffer.from('\x89PNG\r\n\x1a\n kept by pull', 'binary')
    const store = await ContentStore.open(pulled)
    const { sha256 } = await store.put(
      (async function* () {
        yield bytes
      })()
    )
    const ledger = await MediaLedger.open(pulled)
    await ledger.record('@TGS#pulled', 'image:thumb:u1', { status: 'saved', bytes: bytes.length, sha256, type: 'image/png', at: 1 })
    await ledger.close()

    const before = standIn.dialogs.length
    await expect(api.media.importFolder()).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    standIn.nextOpenPaths = [pulled]
    await expect(api.media.importFolder()).resolves.toEqual({ ok: true, value: { folder: pulled, copied: 1, present: 0, rejected: 0, outcomes: 1 } })
    const asked = standIn.dialogs.slice(before)
    expect(asked.map((d) => ({ kind: d.kind, window: d.window }))).toEqual([
      { kind: 'open', window: win },
      { kind: 'open', window: win }
    ])
    expect((asked[0]!.options as { properties?: string[] }).properties).toEqual(['openDirectory'])
    // The page now finds the object saved, and the file is in userData's media store.
    await expect(api.media.lookup('@TGS#pulled', ['image:thumb:u1'])).resolves.toEqual({
      'image:thumb:u1': { status: 'saved', sha256, type: 'image/png', at: 1 }
    })
    expect(await readFile(join(dir, 'userData', 'media', sha256.slice(0, 2), sha256))).toEqual(bytes)
  })

  test('a confirmed link goes to the system browser or mail client; other schemes never', async () => {
    const before = standIn.openedExternally.length
    await expect(api.link.open('mailto:someone@example.com')).resolves.toEqual({ ok: true, value: null })
    await expect(api.link.open('javascript:alert(1)')).resolves.toMatchObject({ ok: false })
    await expect(api.link.open('file:///etc/passwd')).resolves.toMatchObject({ ok: false })
    expect(standIn.openedExternally.slice(before)).toEqual(['mailto:someone@example.com'])
  })

  test('Save… copies a kept file where the native dialog says; Show in folder shows the stored file', async () => {
    const store = await ContentStore.open(join(dir, 'userData', 'media'))
    const put = await store.put(
      (async function* () {
        yield new TextEncoder().encode('%PDF-1.4 a kept file')
      })()
    )
    const before = standIn.dialogs.length
    const dest = join(dir, 'saved-report.pdf')
    standIn.saveDialogAnswer = dest
    await expect(api.media.save({ sha256: put.sha256, name: '../季度 report.pdf' })).resolves.toEqual({ ok: true, value: { path: dest } })
    expect(await readFile(dest, 'utf8')).toBe('%PDF-1.4 a kept file')
    // The dialog suggested the message's file name, made safe, in Downloads, over the window.
    expect(standIn.dialogs.slice(before).map((d) => ({ kind: d.kind, window: d.window, defaultPath: d.options.defaultPath }))).toEqual([
      { kind: 'save', window: win, defaultPath: join(dir, 'downloads', '季度 report.pdf') }
    ])
    // Closing the dialog saves nothing.
    await expect(api.media.save({ sha256: put.sha256, name: 'x.pdf' })).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    await expect(api.media.show(put.sha256)).resolves.toEqual({ ok: true, value: null })
    expect(standIn.shownInFolder).toEqual([store.pathFor(put.sha256)])
    // Never a path in place of a SHA-256.
    await expect(api.media.show('../window-state.json')).resolves.toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(standIn.shownInFolder).toHaveLength(1)
  })

  test("the tray's Sync now reaches the page's onCommand listener", () => {
    const commands: string[] = []
    const off = api.app.onCommand((c) => commands.push(c))
    standIn.trays[0]!.click('Sync now')
    off()
    standIn.trays[0]!.click('Sync now')
    expect(commands).toEqual(['sync-now'])
  })

  test('with scheduled sync on, closing the window hides it; Quit really quits', async () => {
    const status: AppStatus = { line: '下次同步 14:05', syncing: false, keepRunning: true, labels: { syncNow: '立即同步', open: '打开', quit: '退出' } }
    await api.app.setStatus(status)
    const tray = standIn.trays[0]!
    expect(tray.toolTip).toBe('下次同步 14:05')
    expect(tray.menu!.items.map((i) => i.label).filter(Boolean)).toEqual(['下次同步 14:05', '立即同步', '打开', '退出'])

    win.close()
    expect(win.isDestroyed()).toBe(false)
    expect(win.isVisible()).toBe(false)
    // The window's place was saved on close.
    const saved = JSON.parse(await readFile(join(dir, 'userData', 'window-state.json'), 'utf8')) as Record<string, unknown>
    expect(saved).toMatchObject({ width: 1200, height: 800, maximized: false })

    tray.click('退出')
    expect(win.isDestroyed()).toBe(true)
    expect(standIn.app.quitted).toBe(true)
  })
})

describe('the lifecycle, in runs of their own', () => {
  async function start(options: { singleInstance?: boolean } = {}) {
    const profile = await mkdtemp(join(dir, 'run-'))
    const run = new StandIn({ dir: profile, appPath: root, version: '1.0.0', ...options })
    const stop = runMain(run, join(out, 'main', 'index.js'))
    return { run, stop }
  }

  test('a second instance quits at once and opens no window', async () => {
    const { run, stop } = await start({ singleInstance: false })
    try {
      expect(run.app.quitRequests).toBe(1)
      run.ready()
      await new Promise((r) => setImmediate(r))
      expect(run.windows).toHaveLength(0)
      expect(run.handlers.size).toBe(0)
    } finally {
      stop()
    }
  })

  test('with scheduled sync off, closing the window quits the app (Linux and Windows)', async () => {
    const { run, stop } = await start()
    try {
      run.ready()
      await vi.waitFor(() => expect(run.trays).toHaveLength(1))
      const only = run.windows[0]!
      only.close()
      expect(only.isDestroyed()).toBe(true)
      expect(run.app.quitRequests).toBe(process.platform === 'darwin' ? 0 : 1)
    } finally {
      stop()
    }
  })
})
