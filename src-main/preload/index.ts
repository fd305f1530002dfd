/**
 * The only bridge between the sandboxed renderer and main. It exposes named functions, never
 * ipcRenderer itself, so a compromised page cannot reach arbitrary channels or listen to events it
 * was not meant to see. Main validates every payload again (shared/ipc/schemas.ts): this file is a
 * convenience, not the security boundary.
 *
 * Built as one self-contained CJS bundle (externalizeDeps: false): a sandboxed preload gets only a
 * polyfilled require(), so it imports nothing but electron and the contract's plain constants.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { channels, type PreloadApi } from '@shared/ipc/contract'

function subscribe<T>(channel: string, listener: (e: T) => void): () => void {
  // The IPC event (with its sender and ports) stays here; the page gets the payload only.
  const handler = (_event: IpcRendererEvent, payload: T) => listener(payload)
  ipcRenderer.on(channel, handler)
  return () => {
    ipcRenderer.removeListener(channel, handler)
  }
}

const api: PreloadApi = {
  app: {
    info: () => ipcRenderer.invoke(channels.appInfo),
    setStatus: (status) => ipcRenderer.invoke(channels.appSetStatus, status),
    onCommand: (listener) => subscribe(channels.appCommand, listener)
  },
  workspace: {
    current: () => ipcRenderer.invoke(channels.workspaceCurrent),
    test: (input) => ipcRenderer.invoke(channels.workspaceTest, input),
    connect: (input) => ipcRenderer.invoke(channels.workspaceConnect, input),
    forget: () => ipcRenderer.invoke(channels.workspaceForget)
  },
  groups: {
    discover: () => ipcRenderer.invoke(channels.groupsDiscover),
    lookup: (groupIds) => ipcRenderer.invoke(channels.groupsLookup, groupIds)
  },
  sync: {
    start: (input) => ipcRenderer.invoke(channels.syncStart, input),
    cancel: (runId) => ipcRenderer.invoke(channels.syncCancel, runId),
    ack: (runId, batchIds, error) =>
      error === undefined ? ipcRenderer.invoke(channels.syncAck, runId, batchIds) : ipcRenderer.invoke(channels.syncAck, runId, batchIds, error),
    onBatch: (listener) => subscribe(channels.syncBatch, listener),
    onProgress: (listener) => subscribe(channels.syncProgress, listener),
    onDone: (listener) => subscribe(channels.syncDone, listener)
  },
  export: {
    start: (input) => ipcRenderer.invoke(channels.exportStart, input),
    write: (exportId, messages) => ipcRenderer.invoke(channels.exportWrite, exportId, messages),
    finish: (exportId) => ipcRenderer.invoke(channels.exportFinish, exportId),
    cancel: (exportId) => ipcRenderer.invoke(channels.exportCancel, exportId)
  },
  link: {
    open: (url) => ipcRenderer.invoke(channels.linkOpen, url)
  }
}

contextBridge.exposeInMainWorld('api', api)
