/**
 * npm run demo [-- --web]: the simulator plus the app, already connected with the demo
 * credentials, so a newcomer can discover and sync the demo groups without a Tencent account.
 *
 *   --web        browser mode (tim-archive serve) instead of an Electron window
 *   --port N     browser-mode port (default 5180; the archive lives in the browser under this origin)
 *   --sim-port N simulator port (default 5080)
 *   --latency MS simulated network latency (default 30)
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultPort, startBrowserHost, untilStopped } from '../../src-main/cli/serve'
import { Simulator } from '../sim/server'
import { cliEnvLine, demoApp, demoCredentials } from '../sim/seed'

/** The product build (out/, npm run build) that the demo runs: this file is out-tools/main/demo.js. */
const productOut = join(__dirname, '../../out')

/**
 * The Electron binary, or null where none is installed (its download comes from GitHub). Looked
 * up without require('electron'), which would try that download and print a stack trace.
 */
function electronBinary(): string | null {
  const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) return existsSync(join(override, exe)) ? join(override, exe) : null
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'))
    const rel = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim()
    const bin = join(pkgDir, 'dist', rel)
    return existsSync(bin) ? bin : null
  } catch {
    return null
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      web: { type: 'boolean' },
      port: { type: 'string', default: '5180' },
      'sim-port': { type: 'string', default: '5080' },
      latency: { type: 'string', default: '30' }
    }
  })
  const electron = values.web ? null : electronBinary()
  if (!values.web && !electron) {
    process.stderr.write(
      'No Electron binary is installed (its download comes from GitHub; set ELECTRON_OVERRIDE_DIST_PATH to an Electron folder if you have one).\n' +
        'Run the same demo in your browser instead:  npm run demo -- --web\n'
    )
    return 1
  }

  // From here on, Ctrl+C and SIGTERM stop the demo cleanly (the host removes its temp folder).
  const stopped = untilStopped()
  const sim = new Simulator({ apps: [demoApp()], port: Number(values['sim-port']), latencyMs: Number(values.latency) })
  const { url: simUrl } = await sim.start()
  process.stdout.write(`Simulator of the Tencent IM REST API: ${simUrl} (SDKAppID ${demoCredentials.sdkAppId}, admin ${demoCredentials.identifier})\n`)
  process.stdout.write(`To try the tim-archive CLI against it (e.g. tim-archive pull), paste into another shell:\n${cliEnvLine(simUrl)}\n`)
  const demoConnect = {
    sdkAppId: demoCredentials.sdkAppId,
    identifier: demoCredentials.identifier,
    secretKey: demoCredentials.secretKey,
    region: 'custom',
    endpoint: simUrl
  }

  if (electron) {
    const child = spawn(electron, [join(productOut, 'main/index.js')], {
      stdio: 'inherit',
      // Demo only: the public demo key, so the window starts connected to the simulator.
      env: { ...process.env, TIM_ARCHIVE_DEMO_CONNECT: JSON.stringify(demoConnect) }
    })
    await Promise.race([stopped, new Promise((r) => child.once('exit', r))])
    child.kill()
  } else {
    // The same host as tim-archive serve (exports, downloads, cleanup), with its own config folder.
    const host = await startBrowserHost({
      configDir: join(tmpdir(), 'tim-archive-demo'),
      port: Number(values.port),
      rendererDir: join(productOut, 'renderer'),
      connect: demoConnect
    }).catch(async (e: unknown) => {
      stopped.cancel()
      await sim.stop()
      throw e
    })
    process.stdout.write(`TIM Archive is running at ${host.server.url}\n`)
    process.stdout.write('Open it, pick "Discover groups", add the demo groups and press "Sync all". Ctrl+C stops the demo.\n')
    if (host.server.port !== defaultPort) process.stdout.write(`The browser keeps the archive per address: this port (${host.server.port}) has its own.\n`)
    host.open(process.env)
    await stopped
    await host.close()
  }
  stopped.cancel()
  await sim.stop()
  return 0
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  }
)
