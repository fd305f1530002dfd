/**
 * Electron main process: a thin shell around the engine. Everything it does is also reachable
 * without Electron (the CLI and browser mode share the same code).
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage, screen, session, type Rectangle } from 'electron'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cancelSyncWhenPageGoes, registerIpc } from '../ipc/register'
import { channels } from '../shared/ipc/contract'
import { AppService } from '../services/app-service'
import { writeFileAtomicSync } from '../fs/atomic-write'
import { FileSecretStore, SafeStorageSecretStore, type SecretStore } from '../services/secret-store'
import { contentSecurityPolicy } from '../web/server'
import { harden, openExternalLink } from '../windows/harden'
import { createTray, type AppTray } from './tray'

interface WindowState {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

const defaults = { width: 1200, height: 800, minWidth: 720, minHeight: 480 }

function windowStatePath(): string {
  return join(app.getPath('userData'), 'window-state.json')
}

/** The saved bounds, if they still land on a connected display (a monitor may have been unplugged). */
function loadWindowState(): WindowState | null {
  try {
    const s = JSON.parse(readFileSync(windowStatePath(), 'utf8')) as Partial<WindowState>
    const nums = [s.x, s.y, s.width, s.height]
    if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) return null
    const state: WindowState = {
      x: Math.round(s.x!),
      y: Math.round(s.y!),
      width: Math.max(defaults.minWidth, Math.round(s.width!)),
      height: Math.max(defaults.minHeight, Math.round(s.height!)),
      maximized: s.maximized === true
    }
    const visible = screen.getAllDisplays().some((d) => overlap(d.workArea, state) >= 100 * 60)
    return visible ? state : null
  } catch {
    return null
  }
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

/** Synchronous on purpose: it also runs from 'close', when the app may be quitting. Atomic. */
function saveWindowState(win: BrowserWindow): void {
  if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return
  const b = win.getNormalBounds()
  const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() }
  const path = windowStatePath()
  try {
    writeFileAtomicSync(path, JSON.stringify(state) + '\n', { mode: 0o600 })
  } catch {
    // Best effort: the next start falls back to the default size and place.
  }
}

/** Set when the user really quits (tray Quit, Cmd+Q, the OS), so 'close' stops hiding the window. */
let quitting = false
let appTray: AppTray | null = null

function createWindow(service: AppService): BrowserWindow {
  const saved = loadWindowState()
  const win = new BrowserWindow({
    ...defaults,
    ...(saved ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : {}),
    show: false,
    title: 'TIM Archive',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      // The renderer shows untrusted message content: it gets no Node, runs in Chromium's
      // sandbox, and sees main only through the preload's narrow contextBridge API. Turning any
      // of these off would let a rendering bug become code execution on the admin's machine.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  harden(win)
  cancelSyncWhenPageGoes(win.webContents, service)
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize()
    win.show()
  })
  let timer: NodeJS.Timeout | undefined
  const saveSoon = () => {
    clearTimeout(timer)
    timer = setTimeout(() => saveWindowState(win), 500)
  }
  win.on('resize', saveSoon)
  win.on('move', saveSoon)
  win.on('close', (e) => {
    clearTimeout(timer)
    saveWindowState(win)
    // Scheduled sync is on: keep running in the tray instead of closing (the schedule lives in
    // the page, so the page must stay loaded).
    if (!quitting && appTray?.keepRunning()) {
      e.preventDefault()
      win.hide()
    }
  })
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
  return win
}

/**
 * The OS keychain through safeStorage. On Linux without GNOME Keyring or KWallet, Chromium falls
 * back to "basic_text", a hard-coded password: a random key file readable only by the user
 * (FileSecretStore) protects better than that.
 */
function secretStoreFor(dir: string): SecretStore {
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return new FileSecretStore(dir)
  }
  return new SafeStorageSecretStore(safeStorage, dir)
}

/** Every response gets our CSP as a header too; unlike the <meta> tag it enforces frame-ancestors. */
function installSessionPolicy(): void {
  const ses = session.defaultSession
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[] | string> = {}
    for (const [k, val] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = val
    }
    headers['Content-Security-Policy'] = [contentSecurityPolicy]
    callback({ responseHeaders: headers })
  })
  // The app needs no camera, notifications, clipboard-read, geolocation…: a message cannot ask.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
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
    installSessionPolicy()
    // `npm run demo` starts the window connected to the local simulator, with its own profile so
    // the demo never touches a real workspace. The demo key is public test data.
    const demo = process.env.TIM_ARCHIVE_DEMO_CONNECT
    if (demo) app.setPath('userData', join(app.getPath('temp'), 'tim-archive-demo-electron'))
    const configDir = app.getPath('userData')
    const service = new AppService({
      secretStore: secretStoreFor(configDir),
      configDir,
      shell: 'electron',
      version: app.getVersion(),
      locale: app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
      // A confirmed message link opens in the system browser or mail client, never in the app.
      openExternal: openExternalLink,
      exports: {
        // The native save dialog (a folder picker for a split export), over the app window.
        chooseDestination: async (suggestedName, folder) => {
          const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined
          const defaultPath = join(app.getPath('documents'), suggestedName)
          if (folder) {
            const options = { title: 'Export to a new or empty folder', defaultPath, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] as ('openDirectory' | 'createDirectory' | 'promptToCreate')[] }
            const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
            return r.canceled ? null : (r.filePaths[0] ?? null)
          }
          const options = { title: 'Export messages', defaultPath }
          const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
          return r.canceled || !r.filePath ? null : r.filePath
        }
      }
    })
    if (demo) {
      const connected = await service.workspace.connect(JSON.parse(demo) as Parameters<typeof service.workspace.connect>[0])
      if (!connected.ok) console.error(`demo: could not connect to the simulator: ${connected.error.message}`)
    }
    registerIpc(ipcMain, service, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null))
    const open = () => {
      mainWindow = createWindow(service)
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
