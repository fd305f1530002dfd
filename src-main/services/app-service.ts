/**
 * The host side of the contract (shared/ipc/channels.ts), free of any transport: Electron IPC
 * (ipc/register.ts) and browser mode (web/) both hand calls to `invokeChannel` (dispatch.ts), which
 * validates them and calls the part that does the job:
 *
 * - `workspace`: workspace storage and the key (workspaces.ts);
 * - `groups`: group discovery (discovery.ts);
 * - `sync`: sync runs (sync-runs.ts);
 * - `export`: exports written from the renderer's chunks (export-host.ts);
 * - `media`: media of committed messages, kept in `<configDir>/media` (media.ts);
 * - `app`, `link`: small enough to live here.
 *
 * Both transports forward its events (host-events.ts) to the renderer. It owns the secrets: the
 * secret key goes in through connect() and is kept only in the SecretStore; results and events
 * carry neither the key nor a UserSig.
 */
import type { AppApi, AppInfo, AppStatus, Result } from '../shared/ipc/contract'
import type { ClientOptions } from '../tim/client'
import { fail } from './app-errors'
import { Discovery } from './discovery'
import { ExportHost, type ExportHostOptions } from './export-host'
import { HostEventBus, type HostEvents, type Listener } from './host-events'
import { mediaDirOf, MediaService, type MediaServiceOptions } from './media'
import { MediaSettingsStore } from './media-settings'
import { PeopleService } from './people'
import type { SecretStore } from './secret-store'
import { SyncRuns, type SyncRunsOptions } from './sync-runs'
import { Workspaces } from './workspaces'

export interface AppServiceOptions extends SyncRunsOptions {
  secretStore: SecretStore
  /** Holds workspace.json (and, for FileSecretStore, the encrypted secrets). */
  configDir: string
  shell: 'electron' | 'web'
  version: string
  locale: string
  clientOptions?: ClientOptions
  /** Electron: the save dialog; browser mode: where downloads wait (see export-host.ts). */
  exports?: Omit<ExportHostOptions, 'version'>
  /**
   * Electron: opens a confirmed message link in the system browser or mail client (windows/harden.ts,
   * which checks the scheme again). Browser mode has none: its page opens links itself.
   */
  openExternal?: (url: string) => Promise<void>
  /**
   * Electron: the save dialog and the file manager for kept files (media.ts save/show), and the
   * folder picker for media.importFolder (windows/media-folder-dialog.ts).
   */
  media?: Pick<MediaServiceOptions, 'chooseSavePath' | 'showInFolder' | 'chooseFolder'>
}

/**
 * The contract's invoke side, as the host implements it: AppApi without the event subscriptions,
 * which each transport wires to `on()` itself. Derived, so the two cannot drift.
 */
export type HostApi = { [D in keyof AppApi]: Omit<AppApi[D], `on${string}`> }

export class AppService implements HostApi {
  readonly app: HostApi['app']
  readonly workspace: Workspaces
  readonly groups: Discovery
  readonly sync: SyncRuns
  /** Exports written by the host from chunks the renderer reads from its store (export-host.ts). */
  readonly export: ExportHost
  /** Media of committed messages and their outcomes (media.ts); its store is what the hosts serve. */
  readonly media: MediaService
  /** Names of a group's senders from the connected workspace (people.ts). */
  readonly people: PeopleService
  readonly link: HostApi['link']
  /** The renderer's latest status (for the tray). */
  status: AppStatus | null = null

  private readonly events = new HostEventBus()

  constructor(opts: AppServiceOptions) {
    const info: AppInfo = { name: 'TIM Archive', version: opts.version, shell: opts.shell, locale: opts.locale }
    this.app = {
      info: async () => info,
      setStatus: async (status) => {
        this.status = status
        this.events.emit('app:setStatus', status)
      }
    }
    this.workspace = new Workspaces({
      secretStore: opts.secretStore,
      configDir: opts.configDir,
      ...(opts.clientOptions ? { clientOptions: opts.clientOptions } : {}),
      beforeForget: () => this.cancelAllRuns()
    })
    this.groups = new Discovery(this.workspace)
    this.people = new PeopleService(this.workspace, (groupId, urls) => void this.media.enqueueAvatars(groupId, urls))
    this.media = new MediaService(this.workspace, this.events.emit, {
      dir: mediaDirOf(opts.configDir),
      settings: new MediaSettingsStore(opts.configDir),
      syncing: () => this.sync.active,
      ...opts.media
    })
    this.sync = new SyncRuns(this.workspace, this.events.emit, opts, (groupId, messages) => this.media.enqueue(groupId, messages))
    this.export = new ExportHost({ version: opts.version, ...opts.exports, media: this.media })
    this.link = {
      // The URL was validated by the channel's schema (http, https, mailto only).
      open: async (url): Promise<Result<null>> => {
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

  /** Subscribes to a host event; returns the unsubscribe function. */
  on<K extends keyof HostEvents>(event: K, listener: Listener<K>): () => void {
    return this.events.on(event, listener)
  }

  /** True while a sync run is active. */
  get syncing(): boolean {
    return this.sync.active
  }

  /**
   * Cancels whatever runs, e.g. when the page that would acknowledge its batches went away
   * (reload, crash, closed tab). Without this the engine would wait for acks forever.
   */
  cancelAllRuns(): void {
    this.sync.cancelAll()
  }

  /** Cancels runs, stops media downloads and releases the media folder. */
  async close(): Promise<void> {
    this.cancelAllRuns()
    await this.media.close()
  }
}
