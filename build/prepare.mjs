// `npm install` and `npm ci` run this (package.json "prepare"): build main, preload, renderer and
// the CLI, then the tooling (simulator, demo, benchmarks: tools/electron.vite.config.ts) quietly,
// then say what to do next. A newcomer's install ends with something to act on,
// not a page of bundle sizes and plugin timings (`npm run build` still shows those).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'node_modules/electron-vite/bin/electron-vite.js')
// --logLevel error: errors still print in full; warnings (rolldown's PLUGIN_TIMINGS) do not.
const build = (...args) => spawnSync(process.execPath, [bin, 'build', '--logLevel', 'error', ...args], { cwd: root, stdio: 'inherit' })
let r = build()
if (r.status === 0) r = build('-c', 'tools/electron.vite.config.ts', '--ignoreConfigWarning')
if (r.status !== 0) {
  process.stderr.write('\ntim-archive: the build failed (see above). `npm run build` shows the whole build.\n')
  process.exit(r.status ?? 1)
}
process.stdout.write(
  '\ntim-archive is built. Next: `npm run demo -- --web` to try it against a simulated server, or `npm test`.\n' +
    'The command line: `npx tim-archive --help`.\n'
)
