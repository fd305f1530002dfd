/**
 * Workspace storage: the connected workspace (workspace.json in the config folder) and its key
 * (in the SecretStore), and the TimClient of the saved workspace. The secret key goes in through
 * connect() and is kept only in the SecretStore; results carry neither the key nor a UserSig.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { AppError, ConnectInput, Result, WorkspaceInfo } from '../shared/ipc/contract'
import { TimClient, type ClientOptions, type TimCredentials } from '../tim/client'
import { TimApiError } from '../tim/errors'
import { writeFileAtomic } from '../fs/atomic-write'
import { ensurePrivateDir, type SecretStore } from './secret-store'
import { apiError, appError, fail, ok } from './app-errors'

export interface WorkspacesOptions {
  secretStore: SecretStore
  /** Holds workspace.json (and, for FileSecretStore, the encrypted secrets). */
  configDir: string
  clientOptions?: ClientOptions
  /** Called first by forget(): whatever runs for the workspace stops. */
  beforeForget?: () => void
}

interface StoredWorkspace {
  version: 1
  sdkAppId: number
  identifier: string
  region: string
  endpoint?: string
}

/** The saved workspace's client, or why there is none. */
export type Connection = { ok: true; id: string; client: TimClient; secret: string } | { ok: false; error: AppError }

/** The id of the workspace a connection names: `${sdkAppId}@${region or endpoint origin}`. */
export function workspaceIdOfConnection(w: { sdkAppId: number; region: string; endpoint?: string }): string {
  const where = w.region === 'custom' && w.endpoint ? new URL(w.endpoint).origin : w.region
  return `${w.sdkAppId}@${where}`
}

function credsOf(input: { sdkAppId: number; identifier: string; region: string; endpoint?: string }, secretKey: string): TimCredentials {
  const creds: TimCredentials = { sdkAppId: input.sdkAppId, identifier: input.identifier, secretKey }
  if (input.region === 'custom') creds.endpoint = input.endpoint
  else creds.region = input.region
  return creds
}

function toInfo(w: StoredWorkspace, hasKey: boolean): WorkspaceInfo {
  const info: WorkspaceInfo = { id: workspaceIdOfConnection(w), sdkAppId: w.sdkAppId, identifier: w.identifier, region: w.region, hasKey }
  if (w.endpoint !== undefined) info.endpoint = w.endpoint
  return info
}

export class Workspaces {
  private readonly path: string
  private cached: { key: string; client: TimClient } | undefined

  constructor(private readonly opts: WorkspacesOptions) {
    this.path = join(opts.configDir, 'workspace.json')
  }

  /** The saved workspace, if any (the key stays here). */
  async current(): Promise<WorkspaceInfo | null> {
    const w = await this.read()
    if (!w) return null
    const key = await this.opts.secretStore.load(workspaceIdOfConnection(w))
    return toInfo(w, key !== null)
  }

  /** Checks the credentials with one real request; saves nothing. */
  async test(input: ConnectInput): Promise<Result<{ groupCount: number }>> {
    let client: TimClient
    try {
      // Few retries: the admin is waiting on the Connect screen, and a wrong host will not heal.
      const retries = Math.min(this.opts.clientOptions?.retries ?? 2, 2)
      client = new TimClient(credsOf(input, input.secretKey), { ...this.opts.clientOptions, retries })
    } catch (e) {
      // The client refuses the connection details themselves (e.g. an endpoint it may not call).
      return fail('INVALID', (e as Error).message, { params: { reason: 'connection' }, detail: (e as Error).message })
    }
    try {
      // One real, cheap, signed request (1/s): proves SDKAppID, region, key and admin rights.
      const res = await client.getAppidGroupList({ Limit: 1 })
      return ok({ groupCount: typeof res.TotalCount === 'number' ? res.TotalCount : 0 })
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, `Could not connect: ${e.message}`, input.secretKey) }
      throw e
    }
  }

  /** Checks, then saves the workspace (key encrypted at rest). */
  async connect(input: ConnectInput): Promise<Result<WorkspaceInfo>> {
    const checked = await this.test(input)
    if (!checked.ok) return checked
    const stored: StoredWorkspace = { version: 1, sdkAppId: input.sdkAppId, identifier: input.identifier, region: input.region }
    if (input.region === 'custom' && input.endpoint) stored.endpoint = input.endpoint
    const id = workspaceIdOfConnection(stored)
    const previous = await this.read()
    await ensurePrivateDir(this.opts.configDir)
    try {
      await this.opts.secretStore.save(id, input.secretKey)
    } catch (e) {
      // Expected on Linux without an unlocked keyring: say so rather than store the key in clear.
      return fail('SECRET_STORE', `The secret key could not be saved: ${(e as Error).message}`, { detail: (e as Error).message })
    }
    await writeFileAtomic(this.path, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 })
    if (previous && workspaceIdOfConnection(previous) !== id) await this.opts.secretStore.remove(workspaceIdOfConnection(previous))
    this.cached = undefined
    return ok(toInfo(stored, true))
  }

  /** Forgets the saved key and workspace. */
  async forget(): Promise<void> {
    this.opts.beforeForget?.()
    const w = await this.read()
    if (w) await this.opts.secretStore.remove(workspaceIdOfConnection(w))
    await rm(this.path, { force: true })
    this.cached = undefined
  }

  /** The client of the saved workspace, or why there is none. */
  async connected(): Promise<Connection> {
    const w = await this.read()
    if (!w)
      return {
        ok: false,
        error: appError('NOT_CONNECTED', 'No workspace is connected: enter the SDKAppID, admin identifier and secret key first.', {
          params: { reason: 'none' }
        })
      }
    const id = workspaceIdOfConnection(w)
    const secret = await this.opts.secretStore.load(id)
    if (secret === null) {
      return {
        ok: false,
        error: appError('NOT_CONNECTED', `The secret key for ${id} is not saved on this machine any more: enter it again to reconnect.`, {
          params: { reason: 'keyLost', workspace: id }
        })
      }
    }
    const key = `${id}\u0000${w.identifier}\u0000${w.endpoint ?? ''}\u0000${secret}`
    if (this.cached?.key !== key) this.cached = { key, client: new TimClient(credsOf(w, secret), this.opts.clientOptions) }
    return { ok: true, id, client: this.cached.client, secret }
  }

  private async read(): Promise<StoredWorkspace | null> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
    try {
      const w = JSON.parse(text) as Partial<StoredWorkspace>
      if (
        w.version !== 1 ||
        typeof w.sdkAppId !== 'number' ||
        typeof w.identifier !== 'string' ||
        typeof w.region !== 'string' ||
        (w.endpoint !== undefined && typeof w.endpoint !== 'string')
      ) {
        return null
      }
      return w as StoredWorkspace
    } catch {
      // A damaged file is treated as no workspace: connecting again rewrites it.
      return null
    }
  }
}
