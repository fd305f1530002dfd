// npm run dev:web [-- demo options]: the app in your browser against the simulator (npm run demo -- --web),
// rebuilt whenever a file changes; reload the page to see a renderer change. No Electron needed.
// (`npm run dev` is electron-vite's dev server with hot module reload, which needs an Electron binary.
// electron-vite 6 turns `build --watch` off, so this runs Vite's own watch builds of its main and
// renderer configs, and of the tooling's main config, which holds the demo.) A main-process change is
// rebuilt too, but takes effect when you restart this.
import { spawn } from 'node:child_process'
import { resolveConfig } from 'electron-vite'
import { build } from 'vite'

process.env.NODE_ENV_ELECTRON_VITE = 'production'
const { config } = await resolveConfig({}, 'build', 'production')
if (!config?.main || !config.renderer) throw new Error('electron.vite.config.ts must define main and renderer')
const { config: tools } = await resolveConfig({ configFile: 'tools/electron.vite.config.ts', ignoreConfigWarning: true }, 'build', 'production')
if (!tools?.main) throw new Error('tools/electron.vite.config.ts must define main')

/** Starts a watch build and resolves once its first build is written. */
async function watch(name, viteConfig) {
  const watcher = await build({ ...viteConfig, build: { ...viteConfig.build, watch: {} } })
  await new Promise((resolve, reject) => {
    watcher.on('event', (e) => {
      if (e.code === 'BUNDLE_END') e.result?.close()
      if (e.code === 'END') {
        process.stdout.write(`dev:web: ${name} built\n`)
        resolve()
      }
      if (e.code === 'ERROR') {
        process.stderr.write(`dev:web: ${name} failed to build: ${e.error.message}\n`)
        reject(e.error)
      }
    })
  }).catch(() => {}) // a broken first build still watches: fix the file and it rebuilds
  return watcher
}

const watchers = [await watch('main', config.main), await watch('renderer', config.renderer), await watch('demo', tools.main)]
const host = spawn(process.execPath, ['out-tools/main/demo.js', '--web', ...process.argv.slice(2)], { stdio: 'inherit' })
const stop = () => {
  host.kill('SIGTERM')
  for (const w of watchers) void w.close()
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
host.on('exit', (code) => {
  for (const w of watchers) void w.close()
  process.exitCode = code ?? 0
})
