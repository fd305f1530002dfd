/**
 * A stand-in for the `electron` module, so the real main-process bundle (out/main/index.js) and
 * the real preload (out/preload/index.js) run on plain Node, where there is no Electron binary.
 *
 * It implements the part of Electron's API the app uses, as Electron documents it, and records
 * what the app asks for: windows and their webPreferences, the session's permission handlers and
 * header listener, protocol handlers, IPC handlers, the tray and its menu, dialogs, links opened.
 * Every class `implements Pick<…>` of Electron's own types (node_modules/electron/electron.d.ts),
 * so a signature that drifts from Electron's fails the typecheck.
 *
 * Behaviour follows Electron's docs where the app depends on it:
 * - `app.whenReady()` resolves when the test calls `ready()`; `app.quit()` emits 'before-quit',
 *   then closes every window ('close' can be prevented, which stops the quit), then 'will-quit';
 * - closing the last window emits the app's 'window-all-closed';
 * - `ipcMain.handle` refuses a second handler for a channel; `ipcRenderer.invoke` structured-clones
 *   its arguments and the answer, and rejects when no handler is registered or the handler throws;
 * - a sandboxed preload gets a `require` that knows only electron, events, timers and url.
 */
import { EventEmitter } from 'node:events'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import vm from 'node:vm'
import type {
  App,
  BrowserWindow,
  BrowserWindowConstructorOptions,
  ContextBridge,
  Dialog,
  Display,
  Event,
  HandlerDetails,
  HeadersReceivedResponse,
  IpcMain,
  IpcMainInvokeEvent,
  IpcRenderer,
  IpcRendererEvent,
  MenuItemConstructorOptions,
  NativeImage,
  OnHeadersReceivedListenerDetails,
  OpenDialogOptions,
  OpenDialogReturnValue,
  Protocol,
  Rectangle,
  SafeStorage,
  SaveDialogOptions,
  SaveDialogReturnValue,
  Screen,
  Session,
  Shell,
  WebContents,
  WebContentsDidStartNavigationEventParams,
  WebContentsWillNavigateEventParams,
  WebPreferences,
  WindowOpenHandlerResponse
} from 'electron'

type Handler = Parameters<IpcMain['handle']>[1]
type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>
type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>
type HeadersListener = (details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void
type ProtocolHandler = Parameters<Protocol['handle']>[1]

/** An Electron `Event`: preventDefault() sets defaultPrevented. */
function electronEvent<P extends object>(params: P): Event<P> {
  let prevented = false
  return Object.defineProperties(params, {
    preventDefault: {
      value: () => {
        prevented = true
      }
    },
    defaultPrevented: { get: () => prevented, enumerable: true }
  }) as Event<P>
}

export interface StandInOptions {
  /** app.getPath('userData'), 'temp', 'documents' live under it. */
  dir: string
  /** app.getAppPath(): the folder with package.json (the repository when not packaged). */
  appPath: string
  version: string
  /** app.getPreferredSystemLanguages(). */
  languages?: string[]
  /** What app.requestSingleInstanceLock() answers (false: another instance runs). */
  singleInstance?: boolean
}

export class StandIn {
  readonly windows: FakeBrowserWindow[] = []
  readonly handlers = new Map<string, Handler>()
  readonly trays: FakeTray[] = []
  readonly protocols = new Map<string, ProtocolHandler>()
  readonly privilegedSchemes: string[] = []
  /** Each privileged scheme with the privileges asked for. */
  readonly privileges = new Map<string, unknown>()
  readonly openedExternally: string[] = []
  /** Paths shell.showItemInFolder was asked to show. */
  readonly shownInFolder: string[] = []
  /** What the next save dialog answers: a path, or null for a closed dialog (the default). */
  saveDialogAnswer: string | null = null
  readonly dialogs: { kind: 'save' | 'open'; window: FakeBrowserWindow | null; options: SaveDialogOptions | OpenDialogOptions }[] = []
  /** What the next open dialog answers (then back to closed): the paths the user picked. */
  nextOpenPaths: string[] | null = null
  readonly session = new FakeSession()
  readonly app: FakeApp
  readonly ipcMain: FakeIpcMain
  private nextId = 1

  constructor(readonly options: StandInOptions) {
    this.app = new FakeApp(this)
    this.ipcMain = new FakeIpcMain(this)
  }

  /** Electron is ready: app.whenReady() resolves and 'ready' is emitted. */
  ready(): void {
    this.app.becomeReady()
  }

  id(): number {
    return this.nextId++
  }

  /** The main process's `require('electron')`. */
  mainModule(): Record<string, unknown> {
    // The classes below are Electron's constructors: inside them `this` is the new window or tray.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const standIn = this
    class BrowserWindowClass extends FakeBrowserWindow {
      constructor(options: BrowserWindowConstructorOptions = {}) {
        super(standIn, options)
      }
      static getAllWindows(): FakeBrowserWindow[] {
        return standIn.windows.filter((w) => !w.isDestroyed())
      }
    }
    class TrayClass extends FakeTray {
      constructor(image: FakeNativeImage) {
        super(image)
        standIn.trays.push(this)
      }
    }
    const shell: Pick<Shell, 'openExternal' | 'showItemInFolder'> = {
      openExternal: async (url) => {
        standIn.openedExternally.push(url)
      },
      showItemInFolder: (path) => {
        standIn.shownInFolder.push(path)
      }
    }
    const dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'> = {
      showSaveDialog: (async (a: unknown, b?: SaveDialogOptions): Promise<SaveDialogReturnValue> => {
        const [window, options] = b ? [a as FakeBrowserWindow, b] : [null, a as SaveDialogOptions]
        standIn.dialogs.push({ kind: 'save', window, options })
        const answer = standIn.saveDialogAnswer
        standIn.saveDialogAnswer = null
        return answer === null ? { canceled: true, filePath: '' } : { canceled: false, filePath: answer }
      }) as Dialog['showSaveDialog'],
      showOpenDialog: (async (a: unknown, b?: OpenDialogOptions): Promise<OpenDialogReturnValue> => {
        const [window, options] = b ? [a as FakeBrowserWindow, b] : [null, a as OpenDialogOptions]
        standIn.dialogs.push({ kind: 'open', window, options })
        const picked = standIn.nextOpenPaths
        standIn.nextOpenPaths = null
        return picked ? { canceled: false, filePaths: picked } : { canceled: true, filePaths: [] }
      }) as Dialog['showOpenDialog']
    }
    const display = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1050 }, scaleFactor: 1 } as Display
    const screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'> = { getAllDisplays: () => [display], getPrimaryDisplay: () => display }
    const protocol: Pick<Protocol, 'handle' | 'unhandle' | 'isProtocolHandled' | 'registerSchemesAsPrivileged'> = {
      handle: (scheme, handler) => {
        standIn.protocols.set(scheme, handler)
      },
      unhandle: (scheme) => {
        standIn.protocols.delete(scheme)
      },
      isProtocolHandled: (scheme) => standIn.protocols.has(scheme),
      registerSchemesAsPrivileged: (schemes) => {
        standIn.privilegedSchemes.push(...schemes.map((s) => s.scheme))
        for (const s of schemes) standIn.privileges.set(s.scheme, s.privileges)
      }
    }
    const safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'> = {
      isEncryptionAvailable: () => true,
      // Not encryption: enough for the app to store and read back a key in a test profile.
      encryptString: (plain) => Buffer.from('stand-in:' + plain, 'utf8'),
      decryptString: (blob) => blob.toString('utf8').replace(/^stand-in:/, ''),
      getSelectedStorageBackend: () => 'gnome_libsecret'
    }
    return {
      app: this.app,
      BrowserWindow: BrowserWindowClass,
      ipcMain: this.ipcMain,
      session: { defaultSession: this.session },
      protocol,
      safeStorage,
      screen,
      shell,
      dialog,
      Tray: TrayClass,
      Menu: FakeMenu,
      nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path) }
    }
  }

  /**
   * Loads a preload into `win` the way Electron runs a sandboxed one: in its own context, with a
   * `require` that knows only electron (the renderer modules), events, timers and url. Returns
   * what it exposed with contextBridge (the page's `window.<key>`).
   */
  loadPreload(win: FakeBrowserWindow, preloadPath: string): Record<string, unknown> {
    const exposed: Record<string, unknown> = {}
    const renderer = new FakeIpcRenderer(this, win)
    win.webContents.renderer = renderer
    const contextBridge: Pick<ContextBridge, 'exposeInMainWorld'> = {
      exposeInMainWorld: (apiKey, api: unknown) => {
        if (apiKey in exposed) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${apiKey}`)
        exposed[apiKey] = api
      }
    }
    const electron = { contextBridge, ipcRenderer: renderer }
    const allowed: Record<string, unknown> = {
      electron,
      events: { EventEmitter },
      timers: { setTimeout, clearTimeout, setInterval, clearInterval },
      url: { URL, URLSearchParams }
    }
    const sandboxRequire = (name: string): unknown => {
      const key = name.replace(/^node:/, '')
      if (!(key in allowed)) throw new Error(`module not found: ${name} (a sandboxed preload can require only electron, events, timers and url)`)
      return allowed[key]
    }
    const code = readFileSync(preloadPath, 'utf8')
    const context = vm.createContext({
      Buffer,
      process: { platform: process.platform, versions: process.versions, env: {} },
      setImmediate,
      clearImmediate,
      setTimeout,
      clearTimeout,
      console,
      URL
    })
    const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, context, { filename: preloadPath }) as (
      ...args: unknown[]
    ) => void
    const module = { exports: {} }
    wrapper(module.exports, sandboxRequire, module, preloadPath, join(preloadPath, '..'))
    return exposed
  }
}

class FakeApp
  extends EventEmitter
  implements
    Pick<
      App,
      | 'whenReady'
      | 'isReady'
      | 'quit'
      | 'exit'
      | 'requestSingleInstanceLock'
      | 'getPath'
      | 'setPath'
      | 'getVersion'
      | 'getName'
      | 'getLocale'
      | 'getPreferredSystemLanguages'
      | 'getAppPath'
      | 'isPackaged'
    >
{
  readonly isPackaged = false
  private readyNow = false
  private resolveReady!: () => void
  private readonly readyPromise = new Promise<void>((r) => (this.resolveReady = r))
  private readonly paths = new Map<string, string>()
  /** How often quit() was asked for, and whether it went through. */
  quitRequests = 0
  quitted = false
  /** Between app.quit() and 'will-quit': closing windows then emits no 'window-all-closed'. */
  closingForQuit = false

  constructor(private readonly standIn: StandIn) {
    super()
    const dir = standIn.options.dir
    this.paths.set('userData', join(dir, 'userData'))
    this.paths.set('temp', join(dir, 'temp'))
    this.paths.set('documents', join(dir, 'documents'))
    this.paths.set('downloads', join(dir, 'downloads'))
    this.paths.set('home', dir)
    // Electron (Chromium) creates the profile folder at startup; the others exist on any system.
    for (const p of this.paths.values()) mkdirSync(p, { recursive: true })
  }

  becomeReady(): void {
    this.readyNow = true
    this.emit('ready', electronEvent({}), {})
    this.resolveReady()
  }

  whenReady(): Promise<void> {
    return this.readyPromise
  }
  isReady(): boolean {
    return this.readyNow
  }
  quit(): void {
    this.quitRequests++
    const before = electronEvent({})
    this.emit('before-quit', before)
    if (before.defaultPrevented) return
    // Electron docs (app 'window-all-closed'): when quitting, windows close without that event.
    this.closingForQuit = true
    try {
      for (const win of this.standIn.windows.filter((w) => !w.isDestroyed())) {
        win.close()
        if (!win.isDestroyed()) return // its 'close' was prevented: the quit stops
      }
    } finally {
      this.closingForQuit = false
    }
    const will = electronEvent({})
    this.emit('will-quit', will)
    if (will.defaultPrevented) return
    this.quitted = true
    this.emit('quit', electronEvent({}), 0)
  }
  exit(): void {
    this.quitted = true
  }
  requestSingleInstanceLock(): boolean {
    return this.standIn.options.singleInstance ?? true
  }
  getPath(name: Parameters<App['getPath']>[0]): string {
    const p = this.paths.get(name)
    if (!p) throw new Error(`Failed to get '${name}' path`)
    return p
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path)
  }
  getVersion(): string {
    return this.standIn.options.version
  }
  getName(): string {
    return 'tim-archive'
  }
  getLocale(): string {
    return 'en-US'
  }
  getPreferredSystemLanguages(): string[] {
    return this.standIn.options.languages ?? ['en-US']
  }
  getAppPath(): string {
    return this.standIn.options.appPath
  }
}

class FakeIpcMain extends EventEmitter implements Pick<IpcMain, 'handle' | 'handleOnce' | 'removeHandler'> {
  constructor(private readonly standIn: StandIn) {
    super()
  }
  handle(channel: string, listener: Handler): void {
    if (this.standIn.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.standIn.handlers.set(channel, listener)
  }
  handleOnce(channel: string, listener: Handler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel)
      return listener(event, ...args)
    })
  }
  removeHandler(channel: string): void {
    this.standIn.handlers.delete(channel)
  }
}

/** The renderer side of one window: what `require('electron').ipcRenderer` is in its preload. */
class FakeIpcRenderer extends EventEmitter implements Pick<IpcRenderer, 'invoke'> {
  constructor(
    private readonly standIn: StandIn,
    private readonly win: FakeBrowserWindow
  ) {
    super()
  }
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.standIn.handlers.get(channel)
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`)
    const contents = this.win.webContents
    // The main frame of the window, at the URL it loaded (senderFrame is a WebFrameMain).
    const senderFrame = { url: contents.getURL(), parent: null, top: null, routingId: 1, processId: 1 }
    const event = electronEvent({ sender: contents, senderFrame, frameId: 1, processId: 1, type: 'frame' }) as unknown as IpcMainInvokeEvent
    try {
      return structuredClone(await handler(event, ...structuredClone(args)))
    } catch (e) {
      throw new Error(`Error invoking remote method '${channel}': ${String(e)}`)
    }
  }
  /** webContents.send(channel, ...args) arrives here as (event, ...args). */
  deliver(channel: string, args: unknown[]): void {
    const event = { sender: this, senderId: 0, ports: [] } as unknown as IpcRendererEvent
    this.emit(channel, event, ...structuredClone(args))
  }
}

class FakeWebContents
  extends EventEmitter
  implements Pick<WebContents, 'id' | 'getURL' | 'send' | 'isLoading' | 'isDestroyed' | 'setWindowOpenHandler' | 'loadURL' | 'loadFile'>
{
  readonly id: number
  url = ''
  destroyed = false
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null
  renderer: FakeIpcRenderer | null = null
  /** What was sent to the page, in order. */
  readonly sent: [string, unknown[]][] = []

  constructor(standIn: StandIn) {
    super()
    this.id = standIn.id()
  }
  getURL(): string {
    return this.url
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.sent.push([channel, args])
    this.renderer?.deliver(channel, args)
  }
  isLoading(): boolean {
    return false
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler
  }
  async loadURL(url: string): Promise<void> {
    this.url = url
    this.emit('did-finish-load', electronEvent({}))
  }
  async loadFile(filePath: string): Promise<void> {
    return this.loadURL(pathToFileURL(filePath).href)
  }

  /**
   * The page asks to go to `url` (a link, location.href): 'will-navigate', and unless prevented,
   * 'did-start-navigation' and the new URL. Returns whether the navigation went ahead.
   */
  navigate(url: string): boolean {
    const details = electronEvent<WebContentsWillNavigateEventParams>({ url, isSameDocument: false, isMainFrame: true, frame: null, initiator: null })
    this.emit('will-navigate', details, url, false, true, 1, 1)
    if (details.defaultPrevented) return false
    const start = electronEvent<WebContentsDidStartNavigationEventParams>({ url, isSameDocument: false, isMainFrame: true, frame: null, initiator: null })
    this.emit('did-start-navigation', start, url, false, true, 1, 1)
    this.url = url
    return true
  }

  /** The page calls window.open(url): what the app's window-open handler decides. */
  windowOpen(url: string): WindowOpenHandlerResponse {
    const details = {
      url,
      frameName: '',
      features: '',
      disposition: 'foreground-tab',
      referrer: { url: this.url, policy: 'strict-origin-when-cross-origin' }
    } as HandlerDetails
    // Without a handler Electron opens the window.
    return this.windowOpenHandler ? this.windowOpenHandler(details) : { action: 'allow' }
  }

  /** The page adds a <webview>: whether 'will-attach-webview' was prevented. */
  attachWebview(): boolean {
    const event = electronEvent({})
    this.emit('will-attach-webview', event, {} as WebPreferences, {})
    return event.defaultPrevented
  }
}

export class FakeBrowserWindow
  extends EventEmitter
  implements
    Pick<
      BrowserWindow,
      | 'id'
      | 'loadURL'
      | 'loadFile'
      | 'show'
      | 'hide'
      | 'focus'
      | 'close'
      | 'isDestroyed'
      | 'isMinimized'
      | 'isMaximized'
      | 'isFullScreen'
      | 'isVisible'
      | 'maximize'
      | 'restore'
      | 'getNormalBounds'
    >
{
  readonly id: number
  readonly webContents: FakeWebContents
  /** The options exactly as the app passed them. */
  readonly options: BrowserWindowConstructorOptions
  private destroyed = false
  private visible: boolean
  private maximized = false
  private readonly bounds: Rectangle

  constructor(
    private readonly standIn: StandIn,
    options: BrowserWindowConstructorOptions
  ) {
    super()
    this.options = options
    this.id = standIn.id()
    this.webContents = new FakeWebContents(standIn)
    this.visible = options.show !== false
    this.bounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width ?? 800, height: options.height ?? 600 }
    standIn.windows.push(this)
  }
  get webPreferences(): WebPreferences {
    return this.options.webPreferences ?? {}
  }
  async loadURL(url: string): Promise<void> {
    await this.webContents.loadURL(url)
    this.emit('ready-to-show', electronEvent({}))
  }
  async loadFile(filePath: string): Promise<void> {
    await this.webContents.loadFile(filePath)
    this.emit('ready-to-show', electronEvent({}))
  }
  show(): void {
    this.visible = true
  }
  hide(): void {
    this.visible = false
  }
  focus(): void {}
  isVisible(): boolean {
    return this.visible
  }
  /** Emits 'close' (preventable); then the window and its webContents are destroyed. */
  close(): void {
    if (this.destroyed) return
    const event = electronEvent({})
    this.emit('close', event)
    if (event.defaultPrevented) return
    this.destroyed = true
    this.visible = false
    this.webContents.destroyed = true
    this.webContents.emit('destroyed')
    this.emit('closed')
    const app = this.standIn.app
    if (!app.closingForQuit && this.standIn.windows.every((w) => w.isDestroyed())) app.emit('window-all-closed')
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isMinimized(): boolean {
    return false
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isFullScreen(): boolean {
    return false
  }
  maximize(): void {
    this.maximized = true
  }
  restore(): void {}
  getNormalBounds(): Rectangle {
    return { ...this.bounds }
  }
}

class FakeSession implements Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> {
  permissionRequestHandler: PermissionRequestHandler | null = null
  permissionCheckHandler: PermissionCheckHandler | null = null
  headersListeners: HeadersListener[] = []
  readonly webRequest: Pick<Session['webRequest'], 'onHeadersReceived'> = {
    onHeadersReceived: ((a: unknown, b?: unknown) => {
      // (listener) or (filter, listener); null removes it.
      const listener = (b === undefined ? a : b) as HeadersListener | null
      this.headersListeners = listener ? [listener] : []
    }) as Session['webRequest']['onHeadersReceived']
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler
  }
  /** A response passes through the header listener: the headers the page gets. */
  async receive(url: string, responseHeaders: Record<string, string[]>): Promise<Record<string, string | string[]>> {
    const listener = this.headersListeners[0]
    if (!listener) return responseHeaders
    const details = {
      id: 1,
      url,
      method: 'GET',
      resourceType: 'mainFrame',
      referrer: '',
      timestamp: 0,
      statusLine: 'HTTP/1.1 200 OK',
      statusCode: 200,
      responseHeaders
    } as OnHeadersReceivedListenerDetails
    const response = await new Promise<HeadersReceivedResponse>((resolve) => listener(details, resolve))
    if (response.cancel) throw new Error('cancelled')
    return response.responseHeaders ?? responseHeaders
  }
}

export class FakeTray extends EventEmitter {
  toolTip = ''
  menu: FakeMenu | null = null
  destroyed = false
  constructor(readonly image: FakeNativeImage) {
    super()
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu
  }
  destroy(): void {
    this.destroyed = true
  }
  /** Clicks the menu item with this label. */
  click(label: string): void {
    const item = this.menu?.items.find((i) => i.label === label)
    if (!item) throw new Error(`no tray menu item ${JSON.stringify(label)}`)
    if (item.enabled === false) throw new Error(`tray menu item ${JSON.stringify(label)} is disabled`)
    ;(item.click as (() => void) | undefined)?.()
  }
}

class FakeMenu {
  constructor(readonly items: MenuItemConstructorOptions[]) {}
  static buildFromTemplate(template: MenuItemConstructorOptions[]): FakeMenu {
    return new FakeMenu(template)
  }
}

class FakeNativeImage implements Pick<NativeImage, 'isEmpty'> {
  constructor(readonly path: string) {}
  /** Electron gives an empty image for a file it cannot read. */
  isEmpty(): boolean {
    try {
      readFileSync(this.path)
      return false
    } catch {
      return true
    }
  }
}
