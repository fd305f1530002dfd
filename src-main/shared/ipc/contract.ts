/**
 * The one contract between the renderer and its host. Electron implements it over IPC (preload →
 * ipcMain), browser mode over loopback HTTP + Server-Sent Events (src-main/web). Renderer code goes
 * through src-renderer/src/lib/ipc only and cannot tell the two apart. The calls and events
themselves are listed in channels.ts; this module holds the types they carry, and a few limits.
 *
 * Expected failures (wrong key, unreachable server, dismissed group) come back as
 * `{ ok: false, error }`; only bugs throw.
 */
import type { Coverage } from '../coverage'
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

/** A Community's topic as get_topic lists it (issue 18 §2). */
export interface TopicProfile {
  /** The group ID + `@TOPIC#_…` (Tencent's format), at most 96 bytes. */
  topicId: string
  /** TopicName; '' when the server sent none. */
  name: string
}

export interface SyncTarget {
  groupId: string
  /**
   * A Community topic (get_topic's TopicId: the group ID + `@TOPIC#_…`): pulled with TopicId as
   * its own unit, with its own coverage. Its batches, progress and outcome carry it too.
   */
  topicId?: string
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
  /** The topic of a Community the batch belongs to (SyncTarget.topicId). */
  topicId?: string
  messages: RawMessage[]
  range: [number, number] | null
  floor?: number
  top?: number
}

export interface SyncProgressEvent {
  runId: string
  groupId: string
  topicId?: string
  phase: 'head' | 'pulling' | 'probing' | 'done'
  messages: number
  requestsPerSecond: number
  seqsDone: number
  seqsTotal: number
  etaSeconds: number | null
}

export interface SyncGroupDone {
  groupId: string
  topicId?: string
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

/**
 * What the app exports (see src-main/export): the one list of formats. The export dialog offers
 * these, the host's schema accepts these, and src-main/export/formats.ts holds its writers to them
 * at compile time.
 */
export const exportFormatNames = ['html', 'json', 'jsonl', 'csv', 'txt', 'md'] as const
export type ExportFormatName = (typeof exportFormatNames)[number]

export interface ExportStartInput {
  format: ExportFormatName
  /** `count:N`, `size:MB` or `month`: several files in a folder (desktop only). */
  split?: string
  /** The search query the messages match ('' for all), for the export's metadata. */
  query: string
  /**
   * The exported groups, with a Community's topics (issue 18 §2) when the page knows them: messages
   * whose TopicId names one get their own section headed "<group name> / <topic name>" (the topic
   * ID stands in for a name not given), and a CSV gets topic columns. At most maxExportTopics per group.
   */
  groups: { groupId: string; name?: string; groupType?: string; topics?: ExportTopic[] }[]
  /** The date range asked for (YYYY-MM-DD), for the metadata. */
  after?: string
  before?: string
  /** IANA time zone times are written in (the app uses the system's). */
  timeZone: string
  /** How many messages will be sent, when known. */
  count?: number
  /** The file (or folder) name to suggest. */
  suggestedName: string
  /**
   * Carry the media kept in the app's media folder (issue 17 §4): 'folder' copies it into `media/`
   * beside the export (browser mode: the export and its media/ come as one .zip); 'inline' (HTML
   * only) makes one self-contained page with thumbnails inlined. Absent: URLs only, as before.
   */
  media?: ExportMediaChoice
  /**
   * The names the archive keeps for the exported groups' senders (issue 18 §1), so the readable
   * formats show "name (account)" as it was at each message's time. At most maxExportPeople.
   */
  people?: ExportPerson[]
}

/** A sender's shown names over time, for an export: [seenAt ms, name] oldest first (shared/people.ts). */
export interface ExportPerson {
  groupId: string
  account: string
  names: [number, string][]
}

/** A Community topic of an exported group: its ID (`@TGS#_…@TOPIC#_…`) and name when known. */
export interface ExportTopic {
  topicId: string
  name?: string
}

/** Topics an export.start carries at most per group. */
export const maxExportTopics = 1000

/** People an export.start carries at most (browser mode's requests are at most 1 MiB: the page trims). */
export const maxExportPeople = 5000

export const exportMediaChoices = ['folder', 'inline'] as const
export type ExportMediaChoice = (typeof exportMediaChoices)[number]

/** What an export's write answers: messages and bytes so far, and media files copied so far. */
export interface ExportWritten {
  messages: number
  bytes: number
  mediaFiles?: number
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
  /** With media: files copied (or inlined) and their bytes; saved files missing from the media folder. */
  media?: { files: number; bytes: number; missing: number; missingNames: string[] }
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

/**
 * The renderer's API, derived from the channel table (channels.ts): what the preload exposes as
 * `window.api` and what browser mode's transport implements.
 */
export type { AppApi } from './channels'
export { channels } from './channels'

/** The most messages one `export.write` call may carry (and under 1 MB of JSON in browser mode). */
export const maxExportChunkMessages = 5000

/** The most batch ids one `sync.ack` call may carry; split longer lists over several calls. */
export const maxAckBatchIds = 10_000
/** The longest `error` a `sync.ack` call may carry. */
export const maxAckErrorChars = 2000

/** The most keys one `media.lookup` call may carry; split longer lists over several calls. */
export const maxMediaLookupKeys = 500
/** The longest media key (shared/media/objects.ts identityKey) a `media.lookup` call may carry. */
export const maxMediaKeyChars = 300
/** The longest group ID a `media.lookup` call may carry. */
export const maxMediaGroupIdChars = 128
/** The most messages one `media.enqueue` call may carry; split longer lists over several calls. */
export const maxMediaEnqueueMessages = 200

/**
 * What the host knows of one media object (media/outcome.ts MediaOutcome, trimmed for the page):
 * `pending` when nothing is recorded yet (queued, or not seen by a sync). A saved object is shown
 * by `sha256` only (lib/ipc mediaUrl). Times are epoch milliseconds.
 */
export interface MediaStatus {
  status: 'pending' | 'saved' | 'expired' | 'refused' | 'failed' | 'no-url'
  /** saved: the stored object's name. */
  sha256?: string
  /** saved: the sniffed type. */
  type?: string
  /** When the outcome was recorded (expired: last seen missing). */
  at?: number
  /** expired: 403, 404 or 410. */
  httpStatus?: number
  /** refused: too-big, type-not-allowed, host-not-allowed or private-address. */
  reason?: string
  /** expired: when the server was first seen without the file. */
  firstSeenAt?: number
}

/** What `media.importFolder` adopted from a `pull --media` folder (media/import-folder.ts). */
export interface MediaFolderImported {
  /** The folder the user chose. */
  folder: string
  /** Files copied into the archive's store. */
  copied: number
  /** Files the store already had. */
  present: number
  /** Files whose bytes do not hash to their name: not adopted. */
  rejected: number
  /** Outcomes recorded (new or changed). */
  outcomes: number
}

/** Outcomes of these objects of `groupId` changed: look them up again. */
export interface MediaChangedEvent {
  groupId: string
  keys: string[]
}

/** The largest per-file cap the settings accept, MB (1 TB). */
export const maxMediaFileMB = 1024 * 1024
/** The largest disk budget the settings accept, MB (1 PB: effectively none). */
export const maxMediaBudgetMB = 1024 * 1024 * 1024
/** The most hosts a user may add to the media allow-list. */
export const maxMediaExtraHosts = 50

/**
 * What the app keeps (issue 17 §1 "Limits"), stored by the host (services/media-settings.ts) and
 * applied to every download after the change. By default an archive is complete: every type and
 * every image size, up to 100 MB a file, no disk budget.
 */
export interface MediaSettings {
  /** Which image sizes to keep. */
  images: { original: boolean; large: boolean; thumb: boolean }
  files: boolean
  voice: boolean
  /** 'thumbnail' keeps a video's poster but not the video. */
  video: 'all' | 'thumbnail' | 'off'
  /** Per-file cap, MB. */
  maxFileMB: number
  /** Hosts added to the download allow-list (`files.example.com` or `*.example.com`). */
  extraHosts: string[]
  /** Disk budget for the media folder, MB; null: none. The app warns at 90% and stops fetching when reached. */
  budgetMB: number | null
}

/** The settings and where the media folder stands against its budget. */
export interface MediaSettingsState {
  settings: MediaSettings
  /** Bytes of the kept files (each file once). */
  usedBytes: number
  /** ok; warn: at 90% of the budget or more; full: downloads wait until the budget is raised. */
  budget: 'ok' | 'warn' | 'full'
}

/**
 * One recorded outcome as the health report counts it (shared/report/health.ts MediaHealth reads
 * `status`, and `sha256` + `bytes` of saved ones to count each file once).
 */
export interface MediaOutcomeNote {
  status: 'saved' | 'expired' | 'refused' | 'failed' | 'no-url'
  sha256?: string
  bytes?: number
  firstSeenAt?: number
}

/** What `media.save` asks for: a kept object and the name to suggest. */
export interface MediaSaveInput {
  sha256: string
  /** The file's name as the message gives it (only its last path part is used). */
  name: string
}

// ---------------------------------------------------------------------------------------------
// People (issue 18 §1): services/people.ts

/** Accounts a `people.resolve` call may carry (the profile API takes 100 per request: 20 requests at most). */
export const maxPeopleAccounts = 2000
/** The longest account ID (Tencent: at most 32 bytes; kept generous for imported archives). */
export const maxAccountChars = 128

/** What the server answered for one account, as a shared/people.ts sighting, and whether the member list had it. */
export interface PersonSighting {
  account: string
  nick?: string
  nameCard?: string
  avatar?: string
  /** The member list had the account (false: left the group, resolved through the profile; absent: no member list). */
  member?: boolean
}

export interface PeopleResolved {
  /** When the server answered (ms): the sightings' `seenAt`. */
  seenAt: number
  people: PersonSighting[]
  /** Accounts the profile API could not read (per-item errors); the page keeps what it had. */
  failed: string[]
  /** Why there are no name cards: 'noMemberList' for AVChatRoom/BChatRoom (no member list on the server). */
  note?: 'noMemberList'
}
