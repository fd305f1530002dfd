import { app, dialog, shell, type BrowserWindow } from 'electron'
import { join } from 'node:path'

/**
 * Where a kept file is saved (media.save): the native save dialog over the app window, suggesting
 * the message's file name (already made safe by the host) in the Downloads folder. Null when the
 * user closes it.
 */
export async function chooseMediaSavePath(win: BrowserWindow | undefined, suggestedName: string): Promise<string | null> {
  const options = { title: 'Save file', defaultPath: join(app.getPath('downloads'), suggestedName) }
  const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
  return r.canceled || !r.filePath ? null : r.filePath
}

/** Shows a kept file (its content-addressed copy in the media store) in the system's file manager. */
export function showMediaInFolder(path: string): void {
  shell.showItemInFolder(path)
}
