import { app, dialog, type BrowserWindow } from 'electron'
import { join } from 'node:path'

/**
 * Where an export goes: the native save dialog (a folder picker for a split export), over the app
 * window when there is one. Null when the user closes it.
 */
export async function chooseExportDestination(win: BrowserWindow | undefined, suggestedName: string, folder: boolean): Promise<string | null> {
  const defaultPath = join(app.getPath('documents'), suggestedName)
  if (folder) {
    const options = {
      title: 'Export to a new or empty folder',
      defaultPath,
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'] as ('openDirectory' | 'createDirectory' | 'promptToCreate')[]
    }
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return r.canceled ? null : (r.filePaths[0] ?? null)
  }
  const options = { title: 'Export messages', defaultPath }
  const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
  return r.canceled || !r.filePath ? null : r.filePath
}
