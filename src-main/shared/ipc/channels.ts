/**
 * The channel table: every call and event of the contract, in one place. Everything else is
 * derived from it:
 *
 * - `AppApi`, the renderer's API type (`window.api`, and browser mode's transport);
 * - `channels`, the channel names (`domain:verb`, from the table's keys: `sync.ack` is 'sync:ack',
 *   the event `sync.onBatch` is 'sync:batch');
 * - `buildApi(invoke, subscribe)`, the API over any transport (the preload and browser mode);
 * - `invokeChannels` / `eventChannels` / `resultChannels`, which the host's handler registry
 *   (services/dispatch.ts), both transports (ipc/register.ts, web/) and the payload schemas
 *   (schemas.ts, checked against this table by the compiler) walk.
 *
 * Adding a channel: add its line here, its argument schema in schemas.ts and its handler in
 * services/dispatch.ts (the compiler names both when they are missing).
 *
 * Pure module: no node:*, electron, dexie or svelte imports, and no valibot (the preload bundles it).
 */
import type {
  AppCommand,
  AppInfo,
  AppStatus,
  ConnectInput,
  ExportFinished,
  ExportWritten,
  ExportStarted,
  ExportStartInput,
  GroupProfile,
  MediaChangedEvent,
  MediaFolderImported,
  MediaOutcomeNote,
  MediaSaveInput,
  MediaSettings,
  MediaSettingsState,
  MediaStatus,
  PeopleResolved,
  Result,
  SyncBatchEvent,
  SyncDoneEvent,
  SyncProgressEvent,
  SyncStartInput,
  TopicProfile,
  WorkspaceInfo
} from './contract'
import type { ArchivedMessage } from '../archive-record'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter list: the table's entries say which.
type Fn = (...args: any[]) => Promise<unknown>

/** Whether a call answers a Result (then invalid input answers `{ ok: false, error: INVALID }`). */
type AnswersResult<F extends Fn> = Awaited<ReturnType<F>> extends Result<unknown> ? true : false

/** A renderer → host call with the signature F. */
export interface CallSpec<F extends Fn = Fn> {
  readonly kind: 'call'
  /** True when F answers a Result (checked against F by the compiler). */
  readonly result: AnswersResult<F>
  /** Type only. */
  readonly fn?: F
}

/**
 * A host → renderer event with the payload E. `from: 'host'` events come from AppService (both
 * transports forward them); `from: 'shell'` ones from the desktop shell (browser mode has none).
 * `keep`: emitted while no page listens, browser mode keeps it for the next page (a batch waits for
 * its ack; a run's end must be heard), instead of dropping it (progress).
 */
export interface EventSpec<E = unknown, From extends 'host' | 'shell' = 'host' | 'shell'> {
  readonly kind: 'event'
  readonly from: From
  readonly keep: boolean
  /** Type only. */
  readonly payload?: E
}

function call<F extends Fn>(result: AnswersResult<F>): CallSpec<F> {
  return { kind: 'call', result }
}

function event<E, From extends 'host' | 'shell' = 'host' | 'shell'>(from: From, keep = false): EventSpec<E, From> {
  return { kind: 'event', from, keep }
}

/**
 * The contract. Expected failures (wrong key, unreachable server, dismissed group) come back as
 * `{ ok: false, error }`; only bugs throw.
 */
export const channelTable = {
  app: {
    info: call<() => Promise<AppInfo>>(false),
    /** Tells the shell the sync status (for the tray); validated in main. */
    setStatus: call<(status: AppStatus) => Promise<void>>(false),
    /** Commands from the shell (the tray menu). Browser mode sends none. */
    onCommand: event<AppCommand, 'shell'>('shell')
  },
  workspace: {
    /** The saved workspace, if any (the key stays in main). */
    current: call<() => Promise<WorkspaceInfo | null>>(false),
    /** Checks the credentials with one real request; saves nothing. */
    test: call<(input: ConnectInput) => Promise<Result<{ groupCount: number }>>>(true),
    /** Checks, then saves the workspace (key encrypted at rest in main). */
    connect: call<(input: ConnectInput) => Promise<Result<WorkspaceInfo>>>(true),
    /** Forgets the saved key and workspace. The archive in the renderer's store stays. */
    forget: call<() => Promise<void>>(false)
  },
  groups: {
    /** Every group of the app (get_appid_group_list at 1 request/s, then get_group_info). */
    discover: call<() => Promise<Result<GroupProfile[]>>>(true),
    /** Profiles for the given IDs (validates hand-typed IDs). */
    lookup: call<(groupIds: string[]) => Promise<Result<GroupProfile[]>>>(true),
    /**
     * A topic-enabled Community's topics (get_topic without TopicIdList: all of them). A group
     * without topics answers its API error (e.g. 10007 or 10015 for a group that is not a Community).
     */
    topics: call<(groupId: string) => Promise<Result<TopicProfile[]>>>(true)
  },
  sync: {
    start: call<(input: SyncStartInput) => Promise<Result<{ runId: string }>>>(true),
    /** Stops the run; what was committed stays. Pause is a cancel the UI offers to resume. */
    cancel: call<(runId: string) => Promise<void>>(false),
    /**
     * The renderer committed (or failed to commit) these batches of the run; the engine waits for
     * this. One call acknowledges every batch the renderer wrote in one transaction, so the cost
     * is per transaction rather than per batch: 1..maxAckBatchIds ids, each a non-negative safe
     * integer. Without `error` every listed batch is durable in the store; with it, none of them
     * was kept and `error` (at most maxAckErrorChars) applies to all of them. Ids that are unknown,
     * already acknowledged, or of a run that is no longer current are ignored.
     */
    ack: call<(runId: string, batchIds: number[], error?: string) => Promise<void>>(false),
    onBatch: event<SyncBatchEvent, 'host'>('host', true),
    onProgress: event<SyncProgressEvent, 'host'>('host'),
    onDone: event<SyncDoneEvent, 'host'>('host', true)
  },
  export: {
    /**
     * Asks where to save (the native dialog in Electron; CANCELLED when closed) and opens the
     * export. Browser mode writes to a private temp folder and offers a download at the end.
     */
    start: call<(input: ExportStartInput) => Promise<Result<ExportStarted>>>(true),
    /**
     * Appends messages (records exactly as archived, in export order, at most
     * maxExportChunkMessages). Answers when they are written: send the next chunk only then.
     */
    write: call<(exportId: string, messages: ArchivedMessage[]) => Promise<Result<ExportWritten>>>(true),
    /** Ends the export: the file appears under its name only now. */
    finish: call<(exportId: string) => Promise<Result<ExportFinished>>>(true),
    /** Drops the export: its temporary file is removed. */
    cancel: call<(exportId: string) => Promise<void>>(false)
  },
  media: {
    /**
     * What the host recorded for these media objects of a group (keys: shared/media/objects.ts
     * identityKey, at most maxMediaLookupKeys). A key with no outcome yet answers `pending`.
     */
    lookup: call<(groupId: string, keys: string[]) => Promise<Record<string, MediaStatus>>>(false),
    /**
     * Electron: asks for a media folder written by `tim-archive pull --media DIR` (the native
     * folder picker; CANCELLED when closed) and adopts it: its files, each checked against its
     * SHA-256 name, and its outcomes, so an imported archive shows its media. Browser mode answers
     * UNSUPPORTED (`tim-archive serve --import-media DIR` does it there).
     */
    importFolder: call<() => Promise<Result<MediaFolderImported>>>(true),
    /** Every outcome the host recorded for a group's media, by key (the health report counts them). */
    outcomes: call<(groupId: string) => Promise<Record<string, MediaOutcomeNote>>>(false),
    /** The media settings (services/media-settings.ts) and the disk used against the budget. */
    settings: call<() => Promise<MediaSettingsState>>(false),
    /** Checks and stores the media settings (INVALID names a host that cannot be added). */
    setSettings: call<(settings: MediaSettings) => Promise<Result<MediaSettingsState>>>(true),
    /**
     * Electron: saves a kept file where the user chooses in the native save dialog (copied
     * atomically); CANCELLED when closed. Browser mode answers UNSUPPORTED: the page downloads
     * /media/<sha256>?download=<name> instead.
     */
    save: call<(input: MediaSaveInput) => Promise<Result<{ path: string }>>>(true),
    /** Electron: shows a kept file in the system's file manager. Browser mode: UNSUPPORTED. */
    show: call<(sha256: string) => Promise<Result<null>>>(true),
    /**
     * Queues again the objects of archived messages of a group (at most maxMediaEnqueueMessages,
     * records as archived) whose download failed or never ran (the app quit mid-way): the page
     * sends them after start and after each sync (lib/media/resume.ts). Objects already settled
     * are skipped by the host. Answers at once; outcomes arrive as media.onChanged.
     */
    enqueue: call<(groupId: string, messages: ArchivedMessage[]) => Promise<void>>(false),
    /** Outcomes changed (at most one event per group every 250 ms): look the keys up again. */
    onChanged: event<MediaChangedEvent, 'host'>('host')
  },
  people: {
    /**
     * Names of these accounts of a group (at most maxPeopleAccounts), from the connected
     * workspace: the member list's NameCard (get_group_member_info, paged; none for AVChatRoom or
     * BChatRoom) and the profile's nickname and avatar (portrait_get, 100 per request). Members who
     * left are resolved through their profile. The page stores them (lib/people) after each sync.
     * `groupType` (the group's Type from get_group_info, when the page knows it) skips the member
     * list of a group that has none and picks a Community's paging.
     */
    resolve: call<(groupId: string, accounts: string[], groupType?: string) => Promise<Result<PeopleResolved>>>(true)
  },
  link: {
    /**
     * Opens a link from a message, after the user confirmed its address, in the system browser or
     * mail client (Electron: shell.openExternal). http, https and mailto only (shared/links.ts),
     * checked again in main. Browser mode opens a new tab from the page (noopener, noreferrer) and
     * never calls the host.
     */
    open: call<(url: string) => Promise<Result<null>>>(true)
  }
} as const

type Table = typeof channelTable
type Domain = keyof Table
type Spec = CallSpec | EventSpec

/** 'onBatch' → 'batch', 'setStatus' → 'setStatus'. */
type Verb<M extends string> = M extends `on${infer E}` ? Uncapitalize<E> : M
/** 'sync' + 'ack' → 'syncAck' (the key in `channels`). */
type KeyOf<D extends string, M extends string> = `${D}${Capitalize<Verb<M>>}`

type Entries = { [D in Domain]: { [M in keyof Table[D] & string]: { domain: D; method: M; spec: Table[D][M] } }[keyof Table[D] & string] }[Domain]

type ChannelOf<E> = E extends { domain: infer D extends string; method: infer M extends string } ? `${D}:${Verb<M>}` : never
type NamesOf<E> = E extends { domain: infer D extends string; method: infer M extends string } ? { [K in KeyOf<D, M>]: ChannelOf<E> } : never
/** A union of objects as one object type. */
type Merged<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never
type CallChannelOf<E> = E extends { spec: CallSpec } ? ChannelOf<E> : never
type EventChannelOf<E> = E extends { spec: EventSpec } ? ChannelOf<E> : never
type HostEventChannelOf<E> = E extends { spec: EventSpec<unknown, 'host'> } ? ChannelOf<E> : never
type PayloadOf<E, C> = E extends { spec: EventSpec<infer P> } ? (ChannelOf<E> extends C ? P : never) : never

/** Channel names by key: `channels.syncAck` is 'sync:ack', `channels.syncBatch` is 'sync:batch'. */
export type Channels = { [K in keyof Merged<NamesOf<Entries>>]: Merged<NamesOf<Entries>>[K] }

/** The renderer's API: what `window.api` (the preload) and browser mode's transport implement. */
export type AppApi = {
  [D in Domain]: {
    [M in keyof Table[D]]: Table[D][M] extends CallSpec<infer F> ? F : Table[D][M] extends EventSpec<infer E> ? (listener: (e: E) => void) => () => void : never
  }
}

export type InvokeChannel = CallChannelOf<Entries>
export type EventChannel = EventChannelOf<Entries>
/** The events AppService emits (the others come from the desktop shell). */
export type HostEventChannel = HostEventChannelOf<Entries>

/** The payload of an event channel. */
export type EventPayload<C extends EventChannel> = PayloadOf<Entries, C>

interface Row {
  domain: string
  method: string
  key: string
  channel: string
  spec: Spec
}

const rows: Row[] = Object.entries(channelTable).flatMap(([domain, methods]) =>
  Object.entries(methods as Record<string, Spec>).map(([method, spec]) => {
    const verb = method.startsWith('on') ? method[2]!.toLowerCase() + method.slice(3) : method
    return { domain, method, key: domain + verb[0]!.toUpperCase() + verb.slice(1), channel: `${domain}:${verb}`, spec }
  })
)

/** Channel names, `domain:verb`. Events flow host → renderer. */
export const channels = Object.freeze(Object.fromEntries(rows.map((r) => [r.key, r.channel]))) as Readonly<Channels>

/** Renderer → host channels. */
export const invokeChannels = rows.filter((r) => r.spec.kind === 'call').map((r) => r.channel as InvokeChannel)
/** Host (or shell) → renderer channels. */
export const eventChannels = rows.filter((r) => r.spec.kind === 'event').map((r) => r.channel as EventChannel)
/** The events AppService emits; both transports forward them. */
export const hostEventChannels = rows.filter((r) => r.spec.kind === 'event' && r.spec.from === 'host').map((r) => r.channel as HostEventChannel)
/** Events browser mode keeps while no page listens, for the next one (see EventSpec.keep). */
export const keptEventChannels: ReadonlySet<string> = new Set(rows.filter((r) => r.spec.kind === 'event' && r.spec.keep).map((r) => r.channel))
/** Channels whose answer is a Result: invalid input comes back as `{ ok: false, code: 'INVALID' }`. */
export const resultChannels: ReadonlySet<InvokeChannel> = new Set(
  rows.filter((r) => r.spec.kind === 'call' && r.spec.result).map((r) => r.channel as InvokeChannel)
)

const invokeSet: ReadonlySet<string> = new Set(invokeChannels)
export function isInvokeChannel(name: string): name is InvokeChannel {
  return invokeSet.has(name)
}

/** Sends one call to the host and answers its result. */
export type Invoke = (channel: InvokeChannel, args: unknown[]) => Promise<unknown>
/** Listens to one event channel; answers the unsubscribe function. */
export type Subscribe = (channel: EventChannel, listener: (payload: unknown) => void) => () => void

/**
 * The API over a transport: one method per table entry. A trailing `undefined` argument is left
 * out (an optional argument not given), so both transports send the same tuple.
 */
export function buildApi(invoke: Invoke, subscribe: Subscribe): AppApi {
  const api: Record<string, Record<string, unknown>> = {}
  for (const r of rows) {
    const domain = (api[r.domain] ??= {})
    if (r.spec.kind === 'event') {
      const channel = r.channel as EventChannel
      domain[r.method] = (listener: (payload: unknown) => void) => subscribe(channel, listener)
    } else {
      const channel = r.channel as InvokeChannel
      domain[r.method] = (...args: unknown[]) => {
        while (args.length > 0 && args[args.length - 1] === undefined) args.pop()
        return invoke(channel, args)
      }
    }
  }
  return api as unknown as AppApi
}
