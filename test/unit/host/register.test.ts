// The Electron transport's checks, with stand-ins for ipcMain and the window (no Electron here).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BrowserWindow, IpcMain } from 'electron'
import { afterAll, describe, expect, test } from 'vitest'
import { registerIpc, trustedRendererUrl } from '../../../src-main/ipc/register'
import { AppService } from '../../../src-main/services/app-service'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import { channels, type SyncDoneEvent } from '../../../src-main/shared/ipc/contract'
import { tempDir } from './helpers'

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanups) await c()
})

describe('trustedRendererUrl', () => {
  const indexFile = join('/opt/tim-archive/resources/app/out/renderer', 'index.html')
  test('the built page is trusted, with any hash or query; nothing else', () => {
    const trusted = trustedRendererUrl({ indexFile })
    const url = pathToFileURL(indexFile).href
    expect(trusted(url)).toBe(true)
    expect(trusted(url + '#/groups')).toBe(true)
    expect(trusted(url + '?x=1')).toBe(true)
    expect(trusted(pathToFileURL('/tmp/evil/index.html').href)).toBe(false)
    expect(trusted(pathToFileURL('/opt/tim-archive/resources/app/out/renderer/other.html').href)).toBe(false)
    expect(trusted('https://evil.example/index.html')).toBe(false)
    expect(trusted('about:blank')).toBe(false)
    expect(trusted('not a url')).toBe(false)
  })
  test('in development only the dev server origin is trusted', () => {
    const trusted = trustedRendererUrl({ devUrl: 'http://localhost:5173', indexFile })
    expect(trusted('http://localhost:5173/')).toBe(true)
    expect(trusted('http://localhost:5174/')).toBe(false)
    expect(trusted(pathToFileURL(indexFile).href)).toBe(false)
  })
})

describe('registerIpc', () => {
  async function setup() {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const service = new AppService({ secretStore: new FileSecretStore(dir.path), configDir: dir.path, shell: 'electron', version: '1', locale: 'en' })
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>()
    const ipcMain = {
      handle: (ch: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => handlers.set(ch, fn),
      removeHandler: (ch: string) => handlers.delete(ch)
    } as unknown as IpcMain
    const sent: [string, unknown][] = []
    const win = {
      isDestroyed: () => false,
      webContents: { isDestroyed: () => false, send: (ch: string, p: unknown) => sent.push([ch, p]) }
    } as unknown as BrowserWindow
    let current: BrowserWindow | null = win
    const dispose = registerIpc(ipcMain, service, () => current, { isTrustedUrl: (u) => u === 'file:///app/index.html' })
    const call = (ch: string, frame: unknown, ...args: unknown[]) => handlers.get(ch)!({ senderFrame: frame }, ...args)
    const top = { url: 'file:///app/index.html', parent: null }
    return { service, handlers, sent, dispose, call, top, closeWindow: () => (current = null) }
  }

  test('every invoke channel gets a handler; dispose removes them', async () => {
    const s = await setup()
    expect([...s.handlers.keys()].sort()).toEqual(
      Object.values(channels)
        .filter((c) => !['sync:batch', 'sync:progress', 'sync:done', 'app:command', 'media:changed'].includes(c))
        .sort()
    )
    s.dispose()
    expect(s.handlers.size).toBe(0)
  })

  test('calls from our page are validated and answered', async () => {
    const s = await setup()
    expect(await s.call(channels.appInfo, s.top)).toMatchObject({ shell: 'electron' })
    expect(await s.call(channels.workspaceTest, s.top, { sdkAppId: 'nope' })).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    await expect(s.call(channels.syncCancel, s.top, 42)).rejects.toThrow(/Invalid sync:cancel/)
    s.dispose()
  })

  test('calls from another page, a subframe or a gone frame are refused', async () => {
    const s = await setup()
    await expect(s.call(channels.appInfo, { url: 'https://evil.example/', parent: null })).rejects.toThrow(/not the TIM Archive window/)
    await expect(s.call(channels.appInfo, { url: 'file:///app/index.html', parent: {} })).rejects.toThrow(/not the TIM Archive window/)
    await expect(s.call(channels.appInfo, null)).rejects.toThrow(/not the TIM Archive window/)
    s.dispose()
  })

  test('service events reach the window on their channels', async () => {
    const s = await setup()
    const done: SyncDoneEvent = { runId: 'r', status: 'done', groups: [] }
    ;(s.service as unknown as { events: { emit: (k: string, e: unknown) => void } }).events.emit('sync:done', done)
    expect(s.sent).toEqual([[channels.syncDone, done]])
    s.closeWindow()
    ;(s.service as unknown as { events: { emit: (k: string, e: unknown) => void } }).events.emit('sync:done', done)
    expect(s.sent).toHaveLength(1)
    s.dispose()
  })
})
