/**
 * The host side of the IPC contract (shared/ipc/contract.ts), free of any transport: Electron IPC
 * (ipc/register.ts) and browser mode (web/server.ts) both validate a call with shared/ipc/schemas
 * and hand it to `invokeChannel`, and both forward this service's events to the renderer.
 *
 * It owns the secrets: the secret key goes in through connect() and is kept only in the
 * SecretStore; results and events carry neither the key nor a UserSig.
 */
import { randomUUID } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as v from 'valibot'
import { syncGroup, type ArchiveSink, type SyncBatch, type SyncProgress } from '../archive/engine'
import { Semaphore } from '../archive/semaphore'
import { describeCode } from '../shared/error-codes'
import {
  channels,
  type AppError,
  type AppInfo,
  type AppStatus,
  type ConnectInput,
  type GroupProfile,
  type PreloadApi,
  type Result,
  type SyncBatchEvent,
  type SyncDoneEvent,
  type SyncGroupDone,
  type SyncProgressEvent,
  type SyncStartInput,
  type WorkspaceInfo
} from '../shared/ipc/contract'
import { GroupIdSchema, parseInvokeArgs, resultChannels, type InvokeChannel, type ParsedArgs } from '../shared/ipc/schemas'
import type { ArchivedMessage } from '../shared/archive-record'
import type { GroupInfo } from '../shared/tim-types'
import { TimClient, type ClientOptions, type TimCredentials } from '../tim/client'
import { TimApiError, timErrorParts } from '../tim/errors'
import { ensurePrivateDir, type SecretStore } from './secret-store'
import { writeFileAtomic } from '../fs/atomic-write'
import { ExportHost, type ExportHostOptions } from './export-host'

export interface AppServiceOptions {
  secretStore: SecretStore
  /** Holds workspace.json (and, for FileSecretStore, the encrypted secrets). */
  configDir: string
  shell: 'electron' | 'web'
  version: string
  locale: string
  clientOptions?: ClientOptions
  /** Requests in flight across all groups of a sync run. Default 16. */
  concurrency?: number
  /** Batches sent to the renderer and not yet acknowledged, across the run. Default 64. */
  maxUnackedBatches?: number
  /** Minimum interval between progress events of one group, ms. Default 100 (≤ 10/s). */
  progressIntervalMs?: number
  /** Electron: the save dialog; browser mode: where downloads wait (see export-host.ts). */
  exports?: Omit<ExportHostOptions, 'version'>
  /**
   * Electron: opens a confirmed message link in the system browser or mail client (windows/harden.ts,
   * which checks the scheme again). Browser mode has none: its page opens links itself.
   */
  openExternal?: (url: string) => Promise<void>
}

/** Events the service emits, keyed by the contract's channel names. */
export interface HostEvents {
  'sync:batch': SyncBatchEvent
  'sync:progress': SyncProgressEvent
  'sync:done': SyncDoneEvent
  /** The renderer's status for the tray (Electron shell only listens). */
  'app:setStatus': AppStatus
}

/**
 * The contract's invoke side, as the service implements it: PreloadApi without the event
 * subscriptions, which each transport wires to `on()` itself. Derived, so the two cannot drift.
 */
export type HostApi = Pick<PreloadApi, 'workspace' | 'groups' | 'export' | 'link'> & {
  app: Omit<PreloadApi['app'], 'onCommand'>
  sync: Omit<PreloadApi['sync'], 'onBatch' | 'onProgress' | 'onDone'>
}

interface StoredWorkspace {
  version: 1
  sdkAppId: number
  identifier: string
  region: string
  endpoint?: string
}

/** The renderer could not commit a batch (IndexedDB quota, a Dexie error). */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor(
    message: string,
    /** The store's own error text, as the renderer reported it. */
    readonly detail?: string
  ) {
    super(message)
  }
}

/** The run was cancelled; used as the abort reason so it can be told apart from real failures. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  constructor() {
    super('The sync was cancelled')
  }
}

/** A void call (cancel, ack, forget) got a malformed payload. Transports turn it into an error reply. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError'
  readonly code = 'INVALID'
}

const noHistory: Record<string, string> = {
  AVChatRoom: 'Live-stream groups (AVChatRoom) keep no message history: Tencent IM does not store roaming messages for them',
  BChatRoom: 'Broadcast groups (BChatRoom) keep no message history: Tencent IM does not store roaming messages for them'
}

/**
 * get_group_info without a filter also returns every group's full member list
 * (docs/reference/tencent-im-api.md §6.2), which for 50 large groups is megabytes nobody here
 * reads. Naming the base fields leaves the list out.
 */
const groupInfoFilter = {
  GroupBaseInfoFilter: [
    'Type',
    'Name',
    'Introduction',
    'Notification',
    'FaceUrl',
    'Owner_Account',
    'CreateTime',
    'InfoSeq',
    'LastInfoTime',
    'LastMsgTime',
    'NextMsgSeq',
    'MemberNum',
    'MaxMemberNum',
    'ApplyJoinOption',
    'ShutUpAllMember'
  ]
}

function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}
/** What the page needs to word an error itself: see AppError. */
type ErrorParts = { params?: AppError['params']; detail?: string | undefined }

function appError(code: AppError['code'], message: string, parts: ErrorParts = {}): AppError {
  const error: AppError = { code, message }
  if (parts.params) error.params = parts.params
  if (parts.detail) error.detail = parts.detail
  return error
}

function fail<T>(code: AppError['code'], message: string, parts?: ErrorParts): Result<T> {
  return { ok: false, error: appError(code, message, parts) }
}

/** An API failure as an AppError; the UserSig and the key are redacted from every text. */
function apiError(e: TimApiError, message: string, secret?: string): AppError {
  const parts = timErrorParts(e)
  return appError(e.code, redact(message, secret), { params: parts.params, detail: parts.detail && redact(parts.detail, secret) })
}

/** A UserSig travels in query strings; make sure none ever reaches a message the renderer sees. */
function redact(message: string, secret?: string): string {
  let m = message.replace(/usersig=[^&\s"']*/gi, 'usersig=[redacted]')
  if (secret && secret.length >= 8) m = m.split(secret).join('[redacted]')
  return m
}

export function workspaceIdOf(w: { sdkAppId: number; region: string; endpoint?: string }): string {
  const where = w.region === 'custom' && w.endpoint ? new URL(w.endpoint).origin : w.region
  return `${w.sdkAppId}@${where}`
}

function errorOf(e: unknown, secret?: string): AppError {
  if (e instanceof TimApiError) return apiError(e, e.message, secret)
  if (e instanceof StoreError) return appError('STORE', redact(e.message, secret), { detail: e.detail && redact(e.detail, secret) })
  if (e instanceof CancelledError) return appError('CANCELLED', e.message, { params: { reason: 'sync' } })
  const msg = e instanceof Error ? e.message : String(e)
  return appError('INTERNAL', redact(`Unexpected error: ${msg}`, secret), { detail: redact(msg, secret) })
}

type Listener<K extends keyof HostEvents> = (e: HostEvents[K]) => void

export class AppService implements HostApi {
  readonly app: HostApi['app']
  readonly workspace: HostApi['workspace']
  readonly groups: HostApi['groups']
  readonly sync: HostApi['sync']
  /** Exports written by the host from chunks the renderer reads from its store (export-host.ts). */
  readonly export: ExportHost
  readonly link: HostApi['link']

  private readonly listeners: { [K in keyof HostEvents]: Set<Listener<K>> } = {
    'sync:batch': new Set(),
    'sync:progress': new Set(),
    'sync:done': new Set(),
    'app:setStatus': new Set()
  }
  private readonly workspacePath: string
  private cached: { key: string; client: TimClient } | undefined
  private run: Run | undefined
  /** The renderer's latest status (for the tray). */
  status: AppStatus | null = null

  constructor(private readonly opts: AppServiceOptions) {
    this.workspacePath = join(opts.configDir, 'workspace.json')
    this.app = {
      info: async () => this.info(),
      setStatus: async (status) => {
        this.status = status
        this.emit(channels.appSetStatus, status)
      }
    }
    this.workspace = {
      current: () => this.current(),
      test: (input) => this.test(input),
      connect: (input) => this.connect(input),
      forget: () => this.forget()
    }
    this.groups = {
      discover: () => this.discover(),
      lookup: (ids) => this.lookup(ids)
    }
    this.sync = {
      start: (input) => this.start(input),
      cancel: async (runId) => this.cancel(runId),
      ack: async (runId, batchIds, error) => this.ack(runId, batchIds, error)
    }
    this.export = new ExportHost({ version: opts.version, ...opts.exports })
    this.link = {
      // The URL was validated by the channel's schema (http, https, mailto only).
      open: async (url) => {
        if (!opts.openExternal) return fail('UNSUPPORTED', 'This host opens no links: the page opens them in a new tab')
        try {
          await opts.openExternal(url)
          return { ok: true, value: null }
        } catch (e) {
          return fail('OPEN_FAILED', `The link could not be opened: ${(e as Error).message}`)
        }
      }
    }
  }

  info(): AppInfo {
    return { name: 'TIM Archive', version: this.opts.version, shell: this.opts.shell, locale: this.opts.locale }
  }

  /** Subscribes to a host event; returns the unsubscribe function. */
  on<K extends keyof HostEvents>(event: K, listener: Listener<K>): () => void {
    const set = this.listeners[event] as Set<Listener<K>>
    set.add(listener)
    return () => set.delete(listener)
  }

  /** True while a sync run is active. */
  get syncing(): boolean {
    return this.run !== undefined
  }

  /**
   * Cancels whatever runs, e.g. when the page that would acknowledge its batches went away
   * (reload, crash, closed tab). Without this the engine would wait for acks forever.
   */
  cancelAllRuns(): void {
    this.run?.cancel()
  }

  private emit<K extends keyof HostEvents>(event: K, payload: HostEvents[K]): void {
    for (const l of [...(this.listeners[event] as Set<Listener<K>>)]) {
      try {
        l(payload)
      } catch (e) {
        // A transport's bug must not break the run for the others.
        console.error(`tim-archive: a ${event} listener threw`, e)
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Workspace

  private async readWorkspace(): Promise<StoredWorkspace | null> {
    let text: string
    try {
      text = await readFile(this.workspacePath, 'utf8')
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

  private toInfo(w: StoredWorkspace, hasKey: boolean): WorkspaceInfo {
    const info: WorkspaceInfo = { id: workspaceIdOf(w), sdkAppId: w.sdkAppId, identifier: w.identifier, region: w.region, hasKey }
    if (w.endpoint !== undefined) info.endpoint = w.endpoint
    return info
  }

  private credsOf(input: { sdkAppId: number; identifier: string; region: string; endpoint?: string }, secretKey: string): TimCredentials {
    const creds: TimCredentials = { sdkAppId: input.sdkAppId, identifier: input.identifier, secretKey }
    if (input.region === 'custom') creds.endpoint = input.endpoint
    else creds.region = input.region
    return creds
  }

  private async current(): Promise<WorkspaceInfo | null> {
    const w = await this.readWorkspace()
    if (!w) return null
    const key = await this.opts.secretStore.load(workspaceIdOf(w))
    return this.toInfo(w, key !== null)
  }

  private async test(input: ConnectInput): Promise<Result<{ groupCount: number }>> {
    let client: TimClient
    try {
      // Few retries: the admin is waiting on the Connect screen, and a wrong host will not heal.
      const retries = Math.min(this.opts.clientOptions?.retries ?? 2, 2)
      client = new TimClient(this.credsOf(input, input.secretKey), { ...this.opts.clientOptions, retries })
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

  private async connect(input: ConnectInput): Promise<Result<WorkspaceInfo>> {
    const checked = await this.test(input)
    if (!checked.ok) return checked
    const stored: StoredWorkspace = { version: 1, sdkAppId: input.sdkAppId, identifier: input.identifier, region: input.region }
    if (input.region === 'custom' && input.endpoint) stored.endpoint = input.endpoint
    const id = workspaceIdOf(stored)
    const previous = await this.readWorkspace()
    await ensurePrivateDir(this.opts.configDir)
    try {
      await this.opts.secretStore.save(id, input.secretKey)
    } catch (e) {
      // Expected on Linux without an unlocked keyring: say so rather than store the key in clear.
      return fail('SECRET_STORE', `The secret key could not be saved: ${(e as Error).message}`, { detail: (e as Error).message })
    }
    await writeFileAtomic(this.workspacePath, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 })
    if (previous && workspaceIdOf(previous) !== id) await this.opts.secretStore.remove(workspaceIdOf(previous))
    this.cached = undefined
    return ok(this.toInfo(stored, true))
  }

  private async forget(): Promise<void> {
    this.cancelAllRuns()
    const w = await this.readWorkspace()
    if (w) await this.opts.secretStore.remove(workspaceIdOf(w))
    await rm(this.workspacePath, { force: true })
    this.cached = undefined
  }

  /** The client of the saved workspace, or why there is none. */
  private async connected(): Promise<{ ok: true; id: string; client: TimClient; secret: string } | { ok: false; error: AppError }> {
    const w = await this.readWorkspace()
    if (!w)
      return {
        ok: false,
        error: appError('NOT_CONNECTED', 'No workspace is connected: enter the SDKAppID, admin identifier and secret key first.', {
          params: { reason: 'none' }
        })
      }
    const id = workspaceIdOf(w)
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
    if (this.cached?.key !== key) this.cached = { key, client: new TimClient(this.credsOf(w, secret), this.opts.clientOptions) }
    return { ok: true, id, client: this.cached.client, secret }
  }

  // ------------------------------------------------------------------------------------------
  // Groups

  private async discover(): Promise<Result<GroupProfile[]>> {
    const c = await this.connected()
    if (!c.ok) return c
    try {
      const ids = await c.client.listAllGroupIds()
      return ok(await this.profiles(c.client, ids))
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, e.message, c.secret) }
      throw e
    }
  }

  private async lookup(groupIds: string[]): Promise<Result<GroupProfile[]>> {
    const ids = [...new Set(groupIds.map((id) => id.trim()))]
    const bad = ids.find((id) => !v.is(GroupIdSchema, id))
    if (bad !== undefined || ids.length === 0) {
      return fail('INVALID', 'A group ID must be 1 to 48 characters without control characters.', { params: { reason: 'groupId' } })
    }
    const c = await this.connected()
    if (!c.ok) return c
    try {
      return ok(await this.profiles(c.client, ids))
    } catch (e) {
      if (e instanceof TimApiError) return { ok: false, error: apiError(e, e.message, c.secret) }
      throw e
    }
  }

  /** get_group_info, 50 IDs per request, a few requests at a time; one profile per ID, in order. */
  private async profiles(client: TimClient, ids: string[]): Promise<GroupProfile[]> {
    const chunks: string[][] = []
    for (let i = 0; i < ids.length; i += 50) chunks.push(ids.slice(i, i + 50))
    const byId = new Map<string, GroupInfo>()
    let next = 0
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!
        const res = await client.getGroupInfo({ GroupIdList: chunk, ResponseFilter: groupInfoFilter })
        for (const item of res.GroupInfo ?? []) if (typeof item?.GroupId === 'string') byId.set(item.GroupId, item)
      }
    }
    await Promise.all(Array.from({ length: Math.min(4, chunks.length) }, worker))
    return ids.map((id) => toProfile(id, byId.get(id)))
  }

  // ------------------------------------------------------------------------------------------
  // Sync

  private async start(input: SyncStartInput): Promise<Result<{ runId: string }>> {
    const busy = () => fail<{ runId: string }>('BUSY', 'A sync is already running: wait for it to finish or cancel it first.', { params: { reason: 'sync' } })
    if (this.run) return busy()
    const c = await this.connected()
    if (!c.ok) return c
    if (c.id !== input.workspaceId) {
      return fail(
        'NOT_CONNECTED',
        `This archive belongs to workspace ${input.workspaceId}, but ${c.id} is connected. Connect to ${input.workspaceId} to sync it.`,
        {
          params: { reason: 'otherWorkspace', wanted: input.workspaceId, connected: c.id }
        }
      )
    }
    // Checked again: another start may have won the race while this one awaited.
    if (this.run) return busy()
    const run = new Run(randomUUID(), this.opts, (k, e) => this.emit(k, e))
    this.run = run
    this.execute(run, input, c.client, c.secret).catch((e: unknown) => {
      // A bug, not an API failure (those end up per group): still free the slot and say so.
      console.error('tim-archive: sync run failed', e)
      run.cancel()
      run.finish()
      if (this.run === run) this.run = undefined
      const error = errorOf(e, c.secret)
      this.emit('sync:done', { runId: run.id, status: 'failed', groups: input.groups.map((g) => ({ groupId: g.groupId, complete: false, error })) })
    })
    return ok({ runId: run.id })
  }

  private async execute(run: Run, input: SyncStartInput, client: TimClient, secret: string): Promise<void> {
    const slots = new Semaphore(this.opts.concurrency ?? 16)
    const sink: ArchiveSink = { commit: (batch) => run.commit(batch) }
    const groups = await Promise.all(
      input.groups.map(async ({ groupId, coverage, rechecked }): Promise<SyncGroupDone> => {
        try {
          const res = await syncGroup({
            source: client,
            groupId,
            sink,
            coverage,
            recheck: input.recheck ?? false,
            ...(rechecked ? { rechecked } : {}),
            slots,
            signal: run.signal,
            onProgress: (p) => run.progress(p)
          })
          return { groupId, complete: res.complete }
        } catch (e) {
          run.dropProgress(groupId)
          const error = errorOf(e, secret)
          // After a cancel, aborted groups simply stopped; only real failures are reported.
          if (run.cancelled && (error.code === 'CANCELLED' || !(e instanceof TimApiError || e instanceof StoreError))) {
            return { groupId, complete: false }
          }
          return { groupId, complete: false, error }
        }
      })
    )
    run.finish()
    const status: SyncDoneEvent['status'] = run.cancelled ? 'cancelled' : groups.every((g) => g.error) ? 'failed' : 'done'
    if (this.run === run) this.run = undefined
    this.emit('sync:done', { runId: run.id, status, groups })
  }

  private cancel(runId: string): void {
    if (this.run?.id === runId) this.run.cancel()
  }

  private ack(runId: string, batchIds: readonly number[], error?: string | null): void {
    const run = this.run
    if (run?.id !== runId) return
    for (const batchId of batchIds) run.ack(batchId, error ?? undefined)
  }
}

function toProfile(groupId: string, info: GroupInfo | undefined): GroupProfile {
  if (!info) {
    const reason = 'get_group_info returned nothing for this group ID'
    return {
      groupId,
      name: '',
      type: '',
      archivable: false,
      reason,
      problem: appError('NOT_FOUND', reason, { params: { command: 'get_group_info', groupId } })
    }
  }
  if (info.ErrorCode !== 0) {
    const server = info.ErrorInfo ? `; server said: ${info.ErrorInfo}` : ''
    const reason = `get_group_info: error ${describeCode(info.ErrorCode)}${server}`
    const problem = appError(info.ErrorCode, reason, {
      params: { command: 'get_group_info', groupId },
      detail: info.ErrorInfo ? String(info.ErrorInfo) : undefined
    })
    return { groupId, name: '', type: '', archivable: false, reason, problem, info }
  }
  const type = typeof info.Type === 'string' ? info.Type : ''
  const profile: GroupProfile = { groupId, name: typeof info.Name === 'string' ? info.Name : '', type, archivable: true, info }
  const reason = noHistory[type]
  if (reason) {
    profile.archivable = false
    profile.reason = reason
    profile.problem = appError('NO_HISTORY', reason, { params: { type } })
  }
  if (typeof info.MemberNum === 'number') profile.memberNum = info.MemberNum
  if (typeof info.NextMsgSeq === 'number' && Number.isSafeInteger(info.NextMsgSeq)) profile.newestSeq = Math.max(0, info.NextMsgSeq - 1)
  return profile
}

interface Pending {
  resolve: () => void
  reject: (e: Error) => void
}

/** One sync run: its abort signal, the batches awaiting acks, and per-group progress throttling. */
class Run {
  readonly signal: AbortSignal
  cancelled = false
  private readonly abort = new AbortController()
  private nextBatchId = 1
  private readonly pending = new Map<number, Pending>()
  /** Bounds the batches sent and not yet acknowledged, so a slow renderer slows the engine down. */
  private unacked = 0
  private readonly windowWaiters: Pending[] = []
  private readonly maxUnacked: number
  private readonly interval: number
  private readonly throttle = new Map<string, { last: number; timer?: NodeJS.Timeout; queued?: SyncProgressEvent; done?: boolean }>()

  constructor(
    readonly id: string,
    opts: AppServiceOptions,
    private readonly emit: <K extends keyof HostEvents>(k: K, e: HostEvents[K]) => void
  ) {
    this.signal = this.abort.signal
    this.maxUnacked = Math.max(1, opts.maxUnackedBatches ?? 64)
    this.interval = opts.progressIntervalMs ?? 100
  }

  async commit(batch: SyncBatch): Promise<void> {
    this.signal.throwIfAborted()
    if (this.unacked >= this.maxUnacked) {
      // The slot is handed over by the batch that frees it (see finally).
      await new Promise<void>((resolve, reject) => this.windowWaiters.push({ resolve, reject }))
    } else {
      this.unacked++
    }
    try {
      const batchId = this.nextBatchId++
      const event: SyncBatchEvent = {
        runId: this.id,
        batchId,
        groupId: batch.groupId,
        messages: batch.messages,
        range: batch.range ? [batch.range[0], batch.range[1]] : null
      }
      if (batch.floor !== undefined) event.floor = batch.floor
      if (batch.top !== undefined) event.top = batch.top
      // Registered before the event goes out: a transport may ack synchronously.
      const acked = new Promise<void>((resolve, reject) => this.pending.set(batchId, { resolve, reject }))
      this.emit('sync:batch', event)
      await acked
    } finally {
      const next = this.windowWaiters.shift()
      if (next) next.resolve()
      else this.unacked--
    }
  }

  ack(batchId: number, error?: string): void {
    const p = this.pending.get(batchId)
    if (!p) return
    this.pending.delete(batchId)
    if (error === undefined) p.resolve()
    else p.reject(new StoreError(`Could not save to the local archive: ${error || 'unknown error'}`, error || undefined))
  }

  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    const reason = new CancelledError()
    this.abort.abort(reason)
    for (const p of this.pending.values()) p.reject(reason)
    this.pending.clear()
    for (const w of this.windowWaiters.splice(0)) w.reject(reason)
  }

  progress(p: SyncProgress): void {
    let st = this.throttle.get(p.groupId)
    if (!st) {
      st = { last: -Infinity }
      this.throttle.set(p.groupId, st)
    }
    if (st.done) return
    const event: SyncProgressEvent = {
      runId: this.id,
      groupId: p.groupId,
      phase: p.phase,
      messages: p.messages,
      requestsPerSecond: p.requestsPerSecond,
      seqsDone: p.seqsDone,
      seqsTotal: p.seqsTotal,
      etaSeconds: p.etaSeconds
    }
    const now = performance.now()
    if (p.phase === 'done' || now - st.last >= this.interval) {
      if (st.timer) clearTimeout(st.timer)
      st.timer = undefined
      st.queued = undefined
      st.last = now
      if (p.phase === 'done') st.done = true
      this.emit('sync:progress', event)
      return
    }
    // Within the interval: keep the latest and send it when the interval is up.
    st.queued = event
    if (!st.timer) {
      const s = st
      s.timer = setTimeout(
        () => {
          s.timer = undefined
          if (!s.queued || s.done) return
          const q = s.queued
          s.queued = undefined
          s.last = performance.now()
          this.emit('sync:progress', q)
        },
        this.interval - (now - st.last)
      )
      s.timer.unref?.()
    }
  }

  dropProgress(groupId: string): void {
    const st = this.throttle.get(groupId)
    if (!st) return
    if (st.timer) clearTimeout(st.timer)
    st.timer = undefined
    st.queued = undefined
    st.done = true
  }

  finish(): void {
    for (const id of this.throttle.keys()) this.dropProgress(id)
  }
}

/**
 * What both transports call: validates a call's arguments with the shared schemas, then runs it.
 * Invalid input to a Result call answers `{ ok: false, error: { code: 'INVALID' } }`; to a void
 * call it throws InvalidRequestError.
 */
export async function invokeChannel(service: AppService, channel: InvokeChannel, args: unknown): Promise<unknown> {
  const parsed = parseInvokeArgs(channel, args)
  if (!parsed.ok) {
    if (resultChannels.has(channel)) return fail('INVALID', parsed.message, { params: { reason: 'request' }, detail: parsed.message })
    throw new InvalidRequestError(parsed.message)
  }
  const handler = handlers[channel] as (s: AppService, args: unknown) => unknown
  return handler(service, parsed.args)
}

const handlers: { [C in InvokeChannel]: (s: AppService, args: ParsedArgs<C>) => unknown } = {
  [channels.appInfo]: (s) => s.app.info(),
  [channels.appSetStatus]: (s, [status]) => s.app.setStatus(status),
  [channels.workspaceCurrent]: (s) => s.workspace.current(),
  [channels.workspaceTest]: (s, [input]) => s.workspace.test(input),
  [channels.workspaceConnect]: (s, [input]) => s.workspace.connect(input),
  [channels.workspaceForget]: (s) => s.workspace.forget(),
  [channels.groupsDiscover]: (s) => s.groups.discover(),
  [channels.groupsLookup]: (s, [ids]) => s.groups.lookup(ids),
  [channels.syncStart]: (s, [input]) => s.sync.start(input),
  [channels.syncCancel]: (s, [runId]) => s.sync.cancel(runId),
  [channels.syncAck]: (s, [runId, batchIds, error]) => s.sync.ack(runId, batchIds, error ?? undefined),
  [channels.exportStart]: (s, [input]) => s.export.start(input),
  [channels.exportWrite]: (s, [id, messages]) => s.export.write(id, messages as ArchivedMessage[]),
  [channels.exportFinish]: (s, [id]) => s.export.finish(id),
  [channels.exportCancel]: (s, [id]) => s.export.cancel(id),
  [channels.linkOpen]: (s, [url]) => s.link.open(url)
}
