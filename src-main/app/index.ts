/**
 * Electron main process: a thin shell around the engine. Everything it does is also reachable
 * without Electron (the CLI and browser mode share the same code). This file is the lifecycle
 * only: single instance, ready, window, tray, quit. The window is in windows/main-window.ts, the
 * CSP, session and keychain policy in security/.
 */
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session } from 'electron'
import { join } from 'node:path'
import { registerIpc } from '../ipc/register'
import { channels } from '../shared/ipc/contract'
import { AppService } from '../services/app-service'
import { secretStoreFor } from '../security/secret-store'
import { installSessionPolicy } from '../security/session'
import { registerMediaScheme, serveMediaScheme } from '../security/media-protocol'
import { chooseExportDestination } from '../windows/export-dialog'
import { chooseMediaFolder } from '../windows/media-folder-dialog'
import { chooseMediaSavePath, showMediaInFolder } from '../windows/media-files'
import { openExternalLink } from '../windows/harden'
import { createMainWindow } from '../windows/main-window'
import { createTray, type AppTray } from './tray'

/** Set when the user really quits (tray Quit, Cmd+Q, the OS), so 'close' stops hiding the window. */
let quitting = false
let appTray: AppTray | null = null

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerMediaScheme(protocol)
  let mainWindow: BrowserWindow | null = null
  app.on('second-instance', () => {
    const win = mainWindow ?? BrowserWindow.getAllWindows()[0]
    if (win) {
      if (win.isMinimized()) win.restore()
      win.show()
      win.focus()
    }
  })
  void app.whenReady().then(async () => {
    installSessionPolicy(session.defaultSession)
    // `npm run demo` starts the window connected to the local simulator, with its own profile so
    // the demo never touches a real workspace. The demo key is public test data.
    const demo = process.env.TIM_ARCHIVE_DEMO_CONNECT
    if (demo) app.setPath('userData', join(app.getPath('temp'), 'tim-archive-demo-electron'))
    const configDir = app.getPath('userData')
    const service = new AppService({
      secretStore: secretStoreFor(safeStorage, configDir),
      configDir,
      shell: 'electron',
      version: app.getVersion(),
      locale: app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
      // A confirmed message link opens in the system browser or mail client, never in the app.
      openExternal: openExternalLink,
      exports: {
        // The native save dialog (a folder picker for a split export), over the app window.
        chooseDestination: (suggestedName, folder) =>
          chooseExportDestination(mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined, suggestedName, folder)
      },
      media: {
        // Save… and Show in folder for kept files (services/media.ts save/show).
        chooseSavePath: (suggestedName) => chooseMediaSavePath(mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined, suggestedName),
        showInFolder: showMediaInFolder,
        // media.importFolder: the native folder picker for a `pull --media` folder.
        chooseFolder: () => chooseMediaFolder(mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined)
      }
    })
    // Kept media lives under userData (issue 17), in the service's store (services/media.ts),
    // served to the page only through tim-media:.
    serveMediaScheme(protocol, await service.media.store())
    if (demo) {
      const connected = await service.workspace.connect(JSON.parse(demo) as Parameters<typeof service.workspace.connect>[0])
      if (!connected.ok) console.error(`demo: could not connect to the simulator: ${connected.error.message}`)
    }
    registerIpc(ipcMain, service, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null))
    const open = () => {
      mainWindow = createMainWindow(service, { keepRunning: () => !quitting && appTray?.keepRunning() === true })
      mainWindow.on('closed', () => {
        mainWindow = null
      })
      return mainWindow
    }
    open()
    const current = () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null)
    try {
      appTray = createTray({
        openWindow: () => {
          const win = current() ?? open()
          if (win.isMinimized()) win.restore()
          win.show()
          win.focus()
          return win
        },
        currentWindow: current,
        quit: () => app.quit()
      })
      service.on(channels.appSetStatus, (status) => appTray?.setStatus(status))
    } catch (e) {
      // Some Linux desktops have no tray: the app works without it (closing the window quits).
      console.error('tim-archive: no tray icon', e)
    }
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open()
      else current()?.show()
    })
  })
  app.on('before-quit', () => {
    quitting = true
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
