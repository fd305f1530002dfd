/**
 * The tray (menu bar) icon: the renderer's sync status as tooltip and first menu line, and
 * "Sync now" / "Open" / "Quit". While scheduled sync is on, closing the window hides it instead
 * (the app keeps running here so the schedule keeps working); Quit really quits.
 *
 * The status comes from the renderer over the contract (`app:setStatus`, validated in main): the
 * renderer owns the store, the schedule and the UI language, so main only shows what it is told.
 */
import { app, Menu, nativeImage, Tray, type BrowserWindow } from 'electron'
import { join } from 'node:path'
import { channels, type AppCommand, type AppStatus } from '../shared/ipc/contract'

const initial: AppStatus = {
  line: 'TIM Archive',
  syncing: false,
  keepRunning: false,
  labels: { syncNow: 'Sync now', open: 'Open TIM Archive', quit: 'Quit' }
}

/**
 * The icon: build/icons' 16 px PNG (32 px as @2x for HiDPI), shipped as extraResources `tray/` in
 * the package (package.json "build"), read from the repository in development.
 */
function trayIconPath(): string {
  return app.isPackaged ? join(process.resourcesPath, 'tray', 'tray.png') : join(app.getAppPath(), 'build', 'icons', '16x16.png')
}

export interface AppTray {
  setStatus(status: AppStatus): void
  /** Whether closing the window should hide it instead (scheduled sync is on). */
  keepRunning(): boolean
  destroy(): void
}

export function createTray(opts: {
  /** The window, shown and focused (created again if it was closed). */
  openWindow: () => BrowserWindow
  currentWindow: () => BrowserWindow | null
  quit: () => void
}): AppTray {
  const image = nativeImage.createFromPath(trayIconPath())
  const tray = new Tray(image)
  let status = initial

  const send = (command: AppCommand) => {
    const win = opts.currentWindow() ?? opts.openWindow()
    const go = () => win.webContents.send(channels.appCommand, command)
    if (win.webContents.isLoading()) win.webContents.once('did-finish-load', go)
    else go()
  }

  const render = () => {
    tray.setToolTip(status.line)
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status.line, enabled: false },
        { type: 'separator' },
        { label: status.labels.syncNow, enabled: !status.syncing, click: () => send('sync-now') },
        { label: status.labels.open, click: () => void opts.openWindow() },
        { type: 'separator' },
        { label: status.labels.quit, click: () => opts.quit() }
      ])
    )
  }
  render()
  // Windows and Linux: a click on the icon opens the window (macOS shows the menu).
  tray.on('click', () => {
    if (process.platform !== 'darwin') void opts.openWindow()
  })

  return {
    setStatus(next) {
      status = next
      render()
    },
    keepRunning: () => status.keepRunning,
    destroy: () => tray.destroy()
  }
}
