/**
 * The main window: its webPreferences (the renderer's sandbox), hardening, and remembered bounds.
 */
import { app, BrowserWindow, screen, type Rectangle } from 'electron'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomicSync } from '../fs/atomic-write'
import { cancelSyncWhenPageGoes } from '../ipc/register'
import type { AppService } from '../services/app-service'
import { harden } from './harden'

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

/**
 * The app's one window, hardened (windows/harden.ts), its size and place remembered across runs.
 * `keepRunning` says whether closing it should only hide it (scheduled sync is on and the user is
 * not quitting).
 */
export function createMainWindow(service: AppService, opts: { keepRunning: () => boolean }): BrowserWindow {
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
    if (opts.keepRunning()) {
      e.preventDefault()
      win.hide()
    }
  })
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
  return win
}
