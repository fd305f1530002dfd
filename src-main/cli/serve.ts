/**
 * tim-archive serve: the app in the default browser, for machines without the desktop build.
 * The host side runs here (secret key, REST client, sync engine); the page keeps the archive in
 * the browser's IndexedDB, exactly as the Electron renderer does.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { ConnectInput } from '../shared/ipc/contract'
import { AppService } from '../services/app-service'
import { FileSecretStore } from '../services/secret-store'
import { startWebServer, type WebServer } from '../web/server'
import { UsageError } from './env-creds'
import { packageVersion } from './version'
import { escapeHtml } from '../shared/escape-html'
import { describeImportSummary } from '../media/import-folder'

export const serveHelp = `tim-archive serve [--port N] [--config-dir DIR] [--import-media DIR]

Runs TIM Archive in your browser. Prints an address with a one-time access token and opens it
(BROWSER=none only prints it; BROWSER=command opens it with that command). Runs until Ctrl+C.
  --port N          port on 127.0.0.1 (default 5180; 0 picks a free one). The browser keeps the
                    archive per address: another port starts with an empty archive.
  --config-dir DIR  where the workspace and the encrypted secret key are kept
                    (default $TIM_ARCHIVE_CONFIG_DIR, else $XDG_CONFIG_HOME/tim-archive,
                    else ~/.config/tim-archive)
  --import-media DIR
                    before the page opens, adopt the media folder a \`pull --media DIR\` wrote:
                    its files (each checked against its SHA-256 name) and its outcomes, so an
                    archive imported in the page (Import…) shows its images, voice, video and files`

export const defaultPort = 5180

export interface ServeHooks {
  /** Stops the server instead of SIGINT/SIGTERM (tests). */
  signal?: AbortSignal
  /** Default: out/renderer next to the built CLI. */
  rendererDir?: string
  /** Called with the address once listening (tests). */
  onListening?: (url: string) => void
}

export function defaultConfigDir(env: NodeJS.ProcessEnv): string {
  if (env.TIM_ARCHIVE_CONFIG_DIR?.trim()) return resolve(env.TIM_ARCHIVE_CONFIG_DIR.trim())
  const base = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME.trim() : join(homedir(), '.config')
  return join(base, 'tim-archive')
}

/**
 * The page the browser is opened with: it forwards to the token URL. Opening the URL itself would
 * put the token on the opener's command line (xdg-open's argv), which every local user can read in
 * the process list; a file only we can read (0600, in a 0700 folder) keeps it there, as Jupyter
 * does. A file:// page gets none of the server's CSP headers: it holds nothing but the escaped URL,
 * a meta refresh and a link.
 */
export function redirectPage(url: string): string {
  const u = escapeHtml(url)
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${u}"><title>TIM Archive</title></head>
<body><p><a href="${u}">Open TIM Archive</a></p></body></html>
`
}

/**
 * Opens `target` (a file path or URL) with $BROWSER when it names a command, else the system's
 * opener. BROWSER=none opens nothing.
 */
function openWith(target: string, env: NodeJS.ProcessEnv): void {
  const browser = env.BROWSER?.trim()
  if (browser === 'none') return
  const [cmd, args] = browser
    ? [browser, [target]]
    : process.platform === 'darwin'
      ? ['open', [target]]
      : process.platform === 'win32'
        ? // Not "cmd /c start": cmd would parse the URL's & and quotes.
          ['rundll32', ['url.dll,FileProtocolHandler', target]]
        : ['xdg-open', [target]]
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore', windowsHide: true })
    child.on('error', () => undefined) // No opener installed: the printed address is enough.
    child.unref()
  } catch {
    // Same: opening the browser is a convenience.
  }
}

export interface BrowserHostOptions {
  configDir: string
  port: number
  rendererDir: string
  /** Connects this workspace before the page opens (the demo). */
  connect?: ConnectInput
}

/** The browser-mode host: `tim-archive serve` and `npm run demo -- --web` both run this one. */
export interface BrowserHost {
  server: WebServer
  service: AppService
  /** This launch's private folder (0700): the exports waiting for download, the redirect page. */
  runtimeDir: string
  /** Opens the page in the browser through a 0600 redirect file (never the token on a command line). */
  open(env: NodeJS.ProcessEnv): void
  /** Stops the server and removes the private folder. */
  close(): Promise<void>
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  // mkdtemp makes the folder 0700. Removed on close, and on any exit of the process.
  const runtimeDir = mkdtempSync(join(tmpdir(), 'tim-archive-'))
  const removeRuntimeDir = () => rmSync(runtimeDir, { recursive: true, force: true })
  process.on('exit', removeRuntimeDir)
  const downloadDir = join(runtimeDir, 'exports')
  mkdirSync(downloadDir, { mode: 0o700 })
  try {
    // ICU's default locale follows LANG / LC_ALL; the page may prefer navigator.language.
    const service = new AppService({
      secretStore: new FileSecretStore(opts.configDir),
      configDir: opts.configDir,
      shell: 'web',
      version: packageVersion(),
      locale: Intl.DateTimeFormat().resolvedOptions().locale,
      // Finished exports wait here for their download (one each, removed once sent).
      exports: { downloadDir }
    })
    if (opts.connect) {
      const connected = await service.workspace.connect(opts.connect)
      if (!connected.ok) throw new Error(`Could not connect to ${opts.connect.endpoint ?? opts.connect.region}: ${connected.error.message}`)
    }
    // Kept media lives under the config folder (issue 17), served to the page only by /media/<sha256>.
    // The service's own store (services/media.ts), which its downloads fill.
    const mediaStore = await service.media.store()
    const server = await startWebServer({ service, port: opts.port, rendererDir: opts.rendererDir, mediaStore })
    return {
      server,
      service,
      runtimeDir,
      open(env) {
        if (env.BROWSER?.trim() === 'none') return
        const page = join(runtimeDir, 'open.html')
        writeFileSync(page, redirectPage(server.url), { mode: 0o600 })
        openWith(page, env)
      },
      async close() {
        try {
          await server.close()
        } finally {
          await service.close().catch((e: unknown) => console.error('tim-archive: closing the media folder failed', e))
          removeRuntimeDir()
          process.off('exit', removeRuntimeDir)
        }
      }
    }
  } catch (e) {
    removeRuntimeDir()
    process.off('exit', removeRuntimeDir)
    throw e
  }
}

/**
 * Resolves on SIGINT, SIGTERM or the abort of `signal`, whichever comes first. Call it before
 * anything needs cleaning up: a signal with no listener kills the process without its exit handlers.
 */
export function untilStopped(signal?: AbortSignal): Promise<void> & { cancel(): void } {
  let cancel = () => {}
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      cancel()
      done()
    }
    cancel = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      signal?.removeEventListener('abort', stop)
    }
    if (signal) {
      if (signal.aborted) return stop()
      signal.addEventListener('abort', stop, { once: true })
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return Object.assign(stopped, { cancel: () => cancel() })
}

export async function runServe(argv: string[], env: NodeJS.ProcessEnv, hooks: ServeHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'config-dir': { type: 'string' },
      'import-media': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(serveHelp + '\n')
    return 0
  }
  let port = defaultPort
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be 0 to 65535, got "${values.port}".`)
    port = Number(values.port)
  }
  const configDir = values['config-dir'] ? resolve(values['config-dir']) : defaultConfigDir(env)
  const rendererDir = hooks.rendererDir ?? join(__dirname, '../renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write(`tim-archive: the app is not built (${join(rendererDir, 'index.html')} is missing). Run \`npm run build\` in the project folder.\n`)
    return 1
  }

  const stopped = untilStopped(hooks.signal)
  let host: BrowserHost
  try {
    host = await startBrowserHost({ configDir, port, rendererDir })
  } catch (e) {
    stopped.cancel()
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`tim-archive: port ${port} on 127.0.0.1 is already in use. Pass --port N to use another one (--port 0 picks a free port).\n`)
      return 1
    }
    throw e
  }

  if (values['import-media'] !== undefined) {
    const src = resolve(values['import-media'])
    try {
      const summary = await host.service.media.importFrom(src)
      process.stderr.write(`Imported media from ${src}: ${describeImportSummary(summary)}.\n`)
    } catch (e) {
      stopped.cancel()
      await host.close()
      process.stderr.write(`tim-archive: could not import media from ${src}: ${(e as Error).message}\n`)
      return 1
    }
  }

  await new Promise<void>((done) => process.stdout.write(`TIM Archive is running at ${host.server.url}\n`, () => done()))
  if (port !== defaultPort) process.stderr.write(portWarning(host.server.port))
  process.stderr.write('Keep this terminal open while you use the app; press Ctrl+C to stop.\n')
  hooks.onListening?.(host.server.url)
  host.open(env)

  await stopped
  await host.close()
  return 0
}

/**
 * The archive lives in the browser, per address: the page at another port is another site to the
 * browser, with its own (empty) storage.
 */
export function portWarning(port: number): string {
  return (
    `Note: this is port ${port}, not the default ${defaultPort}. The browser keeps the archive per address, so ` +
    `http://127.0.0.1:${port} starts with an empty archive; the one you built at port ${defaultPort} is still there ` +
    `(run tim-archive serve without --port to see it).\n`
  )
}
