import { shell, type BrowserWindow } from 'electron'
import { isOpenableUrl } from '../shared/links'

/**
 * Applied to every window (after Signal Desktop's approach):
 * - navigation away from the app is blocked: a message link must never replace the app's page,
 *   which would give remote content the preload API;
 * - window.open is denied: http(s) links open in the system browser, anything else is dropped
 *   (javascript:, file:, custom schemes never run).
 */
export function harden(win: BrowserWindow): void {
  const contents = win.webContents
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault()
  })
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isHttpUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}

/**
 * Opens a message link the user confirmed (the `link:open` channel) in the system browser or mail
 * client. The page is never trusted: the scheme is checked here again, whatever the schema let
 * through, so javascript:, file: or a custom protocol handler can never be launched from a message.
 */
export async function openExternalLink(url: string): Promise<void> {
  if (!isOpenableUrl(url)) throw new Error('only http, https and mailto links are opened')
  await shell.openExternal(url)
}
