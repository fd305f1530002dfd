/**
 * The one contract between the renderer and its host. Electron implements it over IPC (preload →
 * ipcMain), browser mode over loopback HTTP + Server-Sent Events (src-main/web). Renderer code goes
 * through src-renderer/src/lib/ipc only and cannot tell the two apart. Types only.
 *
 * Expected failures (wrong key, unreachable server, dismissed group) come back as
 * `{ ok: false, error }`; only bugs throw.
 */
import type { Coverage } from '../coverage'
import type { ArchivedMessage } from '../archive-record'
import type { GroupInfo, RawMessage } from '../tim-types'

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

export interface AppError {
  /**
   * The API ErrorCode when the server answered, else a kind: NETWORK, TIMEOUT, HTTP, BAD_BODY,
   * INVALID, NOT_CONNECTED, BUSY, CANCELLED, INTERNAL, STORE (the renderer acked a batch with an
   * error), SECRET_STORE (the key could not be saved encrypted, e.g. no keyring), UNSUPPORTED (this
   * host does not do that: browser mode's host opens no links), OPEN_FAILED (the system could not
   * open a link).
   */
  code: number | string
  /**
   * The same in English, one sentence naming the code and its cause: for logs, the CLI and old
   * archives. The page words the error itself, in its language, from `code` and `params`
   * (src-renderer/src/lib/i18n/describe-error.ts).
   */
  message: string
  /**
   * What the wording needs besides the code: `command` (the API call), `reason` (which case of a
   * kind, e.g. NOT_CONNECTED's 'keyLost'), `retried` (1 when retries ran out), names and numbers.
   */
  params?: Record<string, string | number>
  /**
   * Untranslated detail: the API's own ErrorInfo, or the system's error text. Shown under
   * "Details", never translated.
   */
  detail?: string
}

export interface AppInfo {
  name: string
  version: string
  /** 'electron' or 'web': shown in About; behaviour must not depend on it. */
  shell: 'electron' | 'web'
  /** The system's preferred language (e.g. 'zh-CN'), to pick the UI language on first run. */
  locale: string
}

/** What the user types on the Connect screen. The secret key only ever travels renderer → main. */
export interface ConnectInput {
  sdkAppId: number
  identifier: string
  secretKey: string
  /** A region id from shared/regions.ts, or 'custom' with `endpoint`. */
  region: string
  endpoint?: string
}

/** A connected workspace as the renderer sees it: never the key, never a UserSig. */
export interface WorkspaceInfo {
  /** Stable id: `${sdkAppId}@${region or endpoint origin}`. */
  id: string
  sdkAppId: number
  identifier: string
  region: string
  endpoint?: string
  /** True when main holds a saved (encrypted) key for it. */
  hasKey: boolean
}

/** A group profile from get_group_info, plus whether its history can be archived at all. */
export interface GroupProfile {
  groupId: string
  name: string
  type: string
  /** False for AVChatRoom/BChatRoom (no roaming messages) or groups that do not exist. */
  archivable: boolean
  /** Why not, when not archivable (English). */
  reason?: string
  /** The same as an error the page words in its language (code NO_HISTORY, NOT_FOUND or the API's). */
  problem?: AppError
  memberNum?: number
  /** Newest seq (NextMsgSeq − 1) when known. */
  newestSeq?: number
  /** The raw get_group_info item, kept verbatim. */
  info?: GroupInfo
}

export interface SyncTarget {
  groupId: string
  /** What the renderer's store already holds for the group. */
  coverage: Coverage
  /**
   * Resuming a paused recheck: the seq ranges it already walked and committed (ascending,
   * disjoint). They are not walked again.
   */
  rechecked?: [number, number][]
}

export interface SyncStartInput {
  workspaceId: string
  groups: SyncTarget[]
  recheck?: boolean
}

/**
 * A batch for the renderer to commit (messages + the coverage they complete), then ack. Batch ids
 * are unique within a run.
 */
export interface SyncBatchEvent {
  runId: string
  batchId: number
  groupId: string
  messages: RawMessage[]
  range: [number, number] | null
  floor?: number
  top?: number
}

export interface SyncProgressEvent {
  runId: string
  groupId: string
  phase: 'head' | 'pulling' | 'probing' | 'done'
  messages: number
  requestsPerSecond: number
  seqsDone: number
  seqsTotal: number
  etaSeconds: number | null
}

export interface SyncGroupDone {
  groupId: string
  complete: boolean
  error?: AppError
}

export interface SyncDoneEvent {
  runId: string
  /**
   * 'done' when the run ended by itself (some groups may still carry an error), 'cancelled' after
   * cancel or pause (or when the page that acks batches went away), 'failed' when every group failed.
   */
  status: 'done' | 'cancelled' | 'failed'
  groups: SyncGroupDone[]
}

/** What the app exports (see src-main/export). */
export type ExportFormatName = 'html' | 'json' | 'jsonl' | 'csv' | 'txt' | 'md'

export interface ExportStartInput {
  format: ExportFormatName
  /** `count:N`, `size:MB` or `month`: several files in a folder (desktop only). */
  split?: string
  /** The search query the messages match ('' for all), for the export's metadata. */
  query: string
  groups: { groupId: string; name?: string }[]
  /** The date range asked for (YYYY-MM-DD), for the metadata. */
  after?: string
  before?: string
  /** IANA time zone times are written in (the app uses the system's). */
  timeZone: string
  /** How many messages will be sent, when known. */
  count?: number
  /** The file (or folder) name to suggest. */
  suggestedName: string
}

export interface ExportStarted {
  exportId: string
  /** Where it is being written: the chosen path (desktop) or the file name (browser). */
  destination: string
}

export interface ExportFinished {
  messages: number
  bytes: number
  /** The files written (desktop: full paths; browser: the name of the download). */
  files: string[]
  /** Browser mode: a same-origin URL that downloads the file once. */
  downloadUrl?: string
}

/**
 * The renderer's sync status for the desktop shell's tray (menu bar) icon, in the UI language.
 * Browser mode has no tray and only keeps the latest one.
 */
export interface AppStatus {
  /** One line for the tray's tooltip and menu: "Syncing… 42%", "Next sync at 14:05". */
  line: string
  syncing: boolean
  /** Scheduled sync is on: closing the window keeps the app running in the tray. */
  keepRunning: boolean
  /** The tray menu's labels. */
  labels: { syncNow: string; open: string; quit: string }
}

/** What the shell asks the renderer to do (the tray's "Sync now"). */
export type AppCommand = 'sync-now'

export interface PreloadApi {
  app: {
    info(): Promise<AppInfo>
    /** Tells the shell the sync status (for the tray); validated in main. */
    setStatus(status: AppStatus): Promise<void>
    /** Commands from the shell (the tray menu). Browser mode sends none. */
    onCommand(listener: (command: AppCommand) => void): () => void
  }
  workspace: {
    /** The saved workspace, if any (the key stays in main). */
    current(): Promise<WorkspaceInfo | null>
    /** Checks the credentials with one real request; saves nothing. */
    test(input: ConnectInput): Promise<Result<{ groupCount: number }>>
    /** Checks, then saves the workspace (key encrypted at rest in main). */
    connect(input: ConnectInput): Promise<Result<WorkspaceInfo>>
    /** Forgets the saved key and workspace. The archive in the renderer's store stays. */
    forget(): Promise<void>
  }
  groups: {
    /** Every group of the app (get_appid_group_list at 1 request/s, then get_group_info). */
    discover(): Promise<Result<GroupProfile[]>>
    /** Profiles for the given IDs (validates hand-typed IDs). */
    lookup(groupIds: string[]): Promise<Result<GroupProfile[]>>
  }
  sync: {
    start(input: SyncStartInput): Promise<Result<{ runId: string }>>
    /** Stops the run; what was committed stays. Pause is a cancel the UI offers to resume. */
    cancel(runId: string): Promise<void>
    /**
     * The renderer committed (or failed to commit) these batches of the run; the engine waits for
     * this. One call acknowledges every batch the renderer wrote in one transaction, so the cost
     * is per transaction rather than per batch: 1..maxAckBatchIds ids, each a non-negative safe
     * integer. Without `error` every listed batch is durable in the store; with it, none of them
     * was kept and `error` (at most maxAckErrorChars) applies to all of them. Ids that are unknown,
     * already acknowledged, or of a run that is no longer current are ignored.
     */
    ack(runId: string, batchIds: number[], error?: string): Promise<void>
    onBatch(listener: (e: SyncBatchEvent) => void): () => void
    onProgress(listener: (e: SyncProgressEvent) => void): () => void
    onDone(listener: (e: SyncDoneEvent) => void): () => void
  }
  export: {
    /**
     * Asks where to save (the native dialog in Electron; CANCELLED when closed) and opens the
     * export. Browser mode writes to a private temp folder and offers a download at the end.
     */
    start(input: ExportStartInput): Promise<Result<ExportStarted>>
    /**
     * Appends messages (records exactly as archived, in export order, at most
     * maxExportChunkMessages). Answers when they are written: send the next chunk only then.
     */
    write(exportId: string, messages: ArchivedMessage[]): Promise<Result<{ messages: number; bytes: number }>>
    /** Ends the export: the file appears under its name only now. */
    finish(exportId: string): Promise<Result<ExportFinished>>
    /** Drops the export: its temporary file is removed. */
    cancel(exportId: string): Promise<void>
  }
  link: {
    /**
     * Opens a link from a message, after the user confirmed its address, in the system browser or
     * mail client (Electron: shell.openExternal). http, https and mailto only (shared/links.ts),
     * checked again in main. Browser mode opens a new tab from the page (noopener, noreferrer) and
     * never calls the host.
     */
    open(url: string): Promise<Result<null>>
  }
}

/** The most messages one `export.write` call may carry (and under 1 MB of JSON in browser mode). */
export const maxExportChunkMessages = 5000

/** The most batch ids one `sync.ack` call may carry; split longer lists over several calls. */
export const maxAckBatchIds = 10_000
/** The longest `error` a `sync.ack` call may carry. */
export const maxAckErrorChars = 2000

/** Channel names, `domain:verb`. Events flow main → renderer. */
export const channels = {
  appInfo: 'app:info',
  appSetStatus: 'app:setStatus',
  appCommand: 'app:command',
  workspaceCurrent: 'workspace:current',
  workspaceTest: 'workspace:test',
  workspaceConnect: 'workspace:connect',
  workspaceForget: 'workspace:forget',
  groupsDiscover: 'groups:discover',
  groupsLookup: 'groups:lookup',
  syncStart: 'sync:start',
  syncCancel: 'sync:cancel',
  syncAck: 'sync:ack',
  syncBatch: 'sync:batch',
  syncProgress: 'sync:progress',
  syncDone: 'sync:done',
  exportStart: 'export:start',
  exportWrite: 'export:write',
  exportFinish: 'export:finish',
  exportCancel: 'export:cancel',
  linkOpen: 'link:open'
} as const
