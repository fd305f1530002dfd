/**
 * tim-archive serve: the app in the default browser, for machines without the desktop build.
 * The host side runs here (secret key, REST client, sync engine); the page keeps the archive in
 * the browser's IndexedDB, exactly as the Electron renderer does.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppService } from '../services/app-service'
import { FileSecretStore } from '../services/secret-store'
import { startWebServer } from '../web/server'
import { UsageError } from './env-creds'

export const serveHelp = `tim-archive serve [--port N] [--config-dir DIR]

Runs TIM Archive in your browser. Prints an address with a one-time access token and opens it
(set BROWSER=none to only print it). Runs until Ctrl+C.
  --port N          port on 127.0.0.1 (default 5180; 0 picks a free one)
  --config-dir DIR  where the workspace and the encrypted secret key are kept
                    (default $TIM_ARCHIVE_CONFIG_DIR, else $XDG_CONFIG_HOME/tim-archive,
                    else ~/.config/tim-archive)`

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

function packageVersion(): string {
  // out/main/cli.js → ../../package.json
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}

function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const browser = env.BROWSER?.trim()
  if (browser === 'none') return
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // Not "cmd /c start": cmd would parse the URL's & and quotes.
          ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore', windowsHide: true })
    child.on('error', () => undefined) // No opener installed: the printed address is enough.
    child.unref()
  } catch {
    // Same: opening the browser is a convenience.
  }
}

export async function runServe(argv: string[], env: NodeJS.ProcessEnv, hooks: ServeHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'config-dir': { type: 'string' },
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

  // ICU's default locale follows LANG / LC_ALL; the page may prefer navigator.language.
  const locale = Intl.DateTimeFormat().resolvedOptions().locale
  const service = new AppService({
    secretStore: new FileSecretStore(configDir),
    configDir,
    shell: 'web',
    version: packageVersion(),
    locale,
    // Finished exports wait here for their download (one each, removed once sent).
    exports: { downloadDir: mkdtempSync(join(tmpdir(), 'tim-archive-exports-')) }
  })

  let server: Awaited<ReturnType<typeof startWebServer>>
  try {
    server = await startWebServer({ service, port, rendererDir })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`tim-archive: port ${port} on 127.0.0.1 is already in use. Pass --port N to use another one (--port 0 picks a free port).\n`)
      return 1
    }
    throw e
  }

  await new Promise<void>((done) => process.stdout.write(`TIM Archive is running at ${server.url}\n`, () => done()))
  process.stderr.write('Keep this terminal open while you use the app; press Ctrl+C to stop.\n')
  hooks.onListening?.(server.url)
  openBrowser(server.url, env)

  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      hooks.signal?.removeEventListener('abort', stop)
      done()
    }
    if (hooks.signal) {
      if (hooks.signal.aborted) return stop()
      hooks.signal.addEventListener('abort', stop, { once: true })
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await server.close()
  return 0
}
