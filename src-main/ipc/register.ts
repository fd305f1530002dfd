/**
 * Electron transport of the contract: ipcMain handlers that check who is calling, validate the
 * payload (shared/ipc/schemas.ts, via services/dispatch.ts) and hand it to AppService; the host's
 * events go to the window on their channels. Both lists come from the channel table
 * (shared/ipc/channels.ts).
 *
 * Only type imports from electron: this module loads (and is tested) on plain Node.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { channels, hostEventChannels, invokeChannels, type InvokeChannel } from '../shared/ipc/channels'
import type { AppService } from '../services/app-service'
import { invokeChannel } from '../services/dispatch'

export interface RegisterIpcOptions {
  /** Whether a sender frame URL is our app. Default: `trustedRendererUrl()` for this build. */
  isTrustedUrl?: (url: string) => boolean
}

/**
 * Our renderer is either the built page (file:// of out/renderer/index.html) or, in development,
 * the electron-vite dev server (ELECTRON_RENDERER_URL). Any other page, such as one a link managed
 * to load, or a frame inside ours, must not reach main: it would get the secret-holding API.
 */
export function trustedRendererUrl(opts: { devUrl?: string; indexFile: string }): (url: string) => boolean {
  const devOrigin = opts.devUrl ? new URL(opts.devUrl).origin : undefined
  const indexFile = resolve(opts.indexFile)
  return (url) => {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return false
    }
    if (devOrigin !== undefined) return u.origin === devOrigin
    if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false
    try {
      return resolve(fileURLToPath(u)) === indexFile
    } catch {
      return false
    }
  }
}

function defaultTrust(): (url: string) => boolean {
  // Built into out/main/index.js, next to out/renderer.
  return trustedRendererUrl({ devUrl: process.env.ELECTRON_RENDERER_URL, indexFile: join(__dirname, '../renderer/index.html') })
}

/**
 * Registers one handler per invoke channel and forwards service events to the window.
 * Returns a function that removes both.
 */
export function registerIpc(
  ipcMain: IpcMain,
  service: AppService,
  getWindow: () => BrowserWindow | null | undefined,
  options: RegisterIpcOptions = {}
): () => void {
  const isTrustedUrl = options.isTrustedUrl ?? defaultTrust()

  const isTrusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame
    // A destroyed or navigated-away frame has no say; subframes never do.
    if (!frame || frame.parent !== null) return false
    return isTrustedUrl(frame.url)
  }

  const handle = (channel: InvokeChannel) => {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrusted(event)) {
        throw new Error(`Refused ${channel}: the caller is not the TIM Archive window`)
      }
      // Invalid payloads: Result channels answer { ok: false, code: 'INVALID' }, void ones throw.
      return invokeChannel(service, channel, args)
    })
  }
  for (const channel of invokeChannels) handle(channel)

  const send = (channel: string, payload: unknown): boolean => {
    const win = getWindow()
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return false
    win.webContents.send(channel, payload)
    return true
  }
  const offs = hostEventChannels.map((channel) =>
    service.on(channel, (e) => {
      // Nobody could ever acknowledge this batch: stop instead of waiting forever.
      if (!send(channel, e) && channel === channels.syncBatch) service.cancelAllRuns()
    })
  )

  return () => {
    for (const c of invokeChannels) ipcMain.removeHandler(c)
    for (const off of offs) off()
  }
}

/**
 * Cancels the running sync when the page that would acknowledge its batches goes away: a reload
 * (the new page knows nothing of the run), a renderer crash, or the window closing.
 */
export function cancelSyncWhenPageGoes(contents: WebContents, service: AppService): void {
  // Exports in progress are fed by the page too: without it they would only wait for their idle
  // timeout, holding a temporary file.
  const stop = () => {
    service.cancelAllRuns()
    void service.export.close()
  }
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) stop()
  })
  contents.on('render-process-gone', stop)
  contents.on('destroyed', stop)
}
