import { app, dialog, type BrowserWindow } from 'electron'

/**
 * media.importFolder: the native folder picker, over the app window when there is one, for the
 * folder a `tim-archive pull --media DIR` wrote. Null when the user closes it.
 */
export async function chooseMediaFolder(win: BrowserWindow | undefined): Promise<string | null> {
  const options = {
    title: 'Import a media folder written by tim-archive pull --media',
    defaultPath: app.getPath('documents'),
    properties: ['openDirectory'] as 'openDirectory'[]
  }
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return r.canceled ? null : (r.filePaths[0] ?? null)
}
