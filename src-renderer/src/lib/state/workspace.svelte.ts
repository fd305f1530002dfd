/**
 * The connected workspace (SDKAppID + admin + region) and the host's app info. The secret key is
 * sent to the host on connect and never kept here.
 */
import type { AppInfo, ConnectInput, Result, WorkspaceInfo } from '@shared/ipc/contract'
import { saveWorkspace } from '@renderer/lib/db/groups-repo'
import { api } from '@renderer/lib/ipc/api'

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

class WorkspaceState {
  info = $state<WorkspaceInfo | null>(null)
  appInfo = $state<AppInfo | null>(null)
  /** True until the host has answered (or failed to). */
  loading = $state(true)
  /** The host could not be reached (browser mode without a token, server stopped). */
  hostError = $state<string | null>(null)

  get id(): string | null {
    return this.info?.id ?? null
  }

  async init(): Promise<void> {
    this.loading = true
    try {
      const [appInfo, current] = await Promise.all([api.app.info(), api.workspace.current()])
      this.appInfo = appInfo
      this.info = current
      this.hostError = null
      if (current) await saveWorkspace(current)
    } catch (e) {
      this.hostError = errorMessage(e)
    } finally {
      this.loading = false
    }
  }

  async test(input: ConnectInput): Promise<Result<{ groupCount: number }>> {
    return api.workspace.test(input)
  }

  async connect(input: ConnectInput): Promise<Result<WorkspaceInfo>> {
    const res = await api.workspace.connect(input)
    if (res.ok) {
      this.info = res.value
      this.hostError = null
      await saveWorkspace(res.value)
    }
    return res
  }

  async forget(): Promise<void> {
    await api.workspace.forget()
    this.info = null
  }
}

export const workspace = new WorkspaceState()
