/**
 * The only bridge between the sandboxed renderer and main. It exposes named functions, never
 * ipcRenderer itself, so a compromised page cannot reach arbitrary channels or listen to events it
 * was not meant to see. Main validates every payload again (shared/ipc/schemas.ts): this file is a
 * convenience, not the security boundary.
 *
 * Built as one self-contained CJS bundle (externalizeDeps: false): a sandboxed preload gets only a
 * polyfilled require(), so it imports nothing but electron and the channel table (plain constants).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { buildApi } from '@shared/ipc/channels'

// One method per entry of the channel table (shared/ipc/channels.ts): calls go to ipcMain.handle,
// events come from webContents.send.
const api = buildApi(
  (channel, args) => ipcRenderer.invoke(channel, ...args),
  (channel, listener) => {
    // The IPC event (with its sender and ports) stays here; the page gets the payload only.
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  }
)

contextBridge.exposeInMainWorld('api', api)
