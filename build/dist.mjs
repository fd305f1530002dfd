// `npm run dist [-- electron-builder args]`: `npm run build`, then electron-builder for this platform.
//
// electron-builder packs the real Electron binary, which it downloads from github.com (or
// ELECTRON_MIRROR) into its cache. Where that cannot work (an offline machine), this says so in one
// paragraph instead of a stack trace from deep inside the download. A binary can be given instead:
//   ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron/dist   an unpacked Electron (the folder holding the
//                                                        executable), passed on as -c.electronDist
//   npm run dist -- -c.electronDist=/path/to/zips        a folder holding electron-v<V>-<os>-<arch>.zip
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
const zip = `electron-v${version}-${process.platform}-${process.arch}.zip`

function cacheDirs() {
  if (process.env.ELECTRON_CACHE) return [process.env.ELECTRON_CACHE]
  if (process.platform === 'darwin') return [join(homedir(), 'Library/Caches/electron')]
  if (process.platform === 'win32') return [join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData/Local'), 'electron/Cache')]
  return [join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron')]
}

/** @electron/get keeps each zip in a hashed subfolder of its cache. */
function cached() {
  for (const dir of cacheDirs()) {
    if (!existsSync(dir)) continue
    if (existsSync(join(dir, zip))) return true
    for (const sub of readdirSync(dir)) if (existsSync(join(dir, sub, zip))) return true
  }
  return false
}

async function downloadable() {
  const base = process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/'
  const url = `${base.endsWith('/') ? base : base + '/'}v${version}/${zip}`
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10_000) })
    return res.status < 400
  } catch {
    return false
  }
}

if (process.env.ELECTRON_OVERRIDE_DIST_PATH && !args.some((a) => a.includes('electronDist'))) {
  args.push(`-c.electronDist=${process.env.ELECTRON_OVERRIDE_DIST_PATH}`)
}
if (!args.some((a) => a.includes('electronDist')) && !cached() && !(await downloadable())) {
  process.stderr.write(
    `dist: electron-builder needs the Electron ${version} binary for ${process.platform}-${process.arch} (${zip}),\n` +
      `and it is neither in the Electron cache (${cacheDirs().join(', ')}) nor downloadable from\n` +
      `${process.env.ELECTRON_MIRROR ?? 'github.com'} from this machine. Nothing was built. Either:\n` +
      `  - set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${version} (the folder with its executable);\n` +
      `  - or put ${zip} in a folder and run: npm run dist -- -c.electronDist=/that/folder;\n` +
      `  - or set ELECTRON_MIRROR to a mirror this machine can reach;\n` +
      `  - or push a tag v* and let .github/workflows/release.yml build every installer.\n`
  )
  process.exit(1)
}

const win = process.platform === 'win32'
// npm is a .cmd on Windows, which only a shell runs; node itself is spawned without one, so a path
// with spaces (C:\Program Files\nodejs) stays one argument.
const run = (cmd, argv, shell) => spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell }).status ?? 1
let status = run('npm', ['run', 'build'], win)
if (status === 0) status = run(process.execPath, [join(root, 'node_modules/electron-builder/cli.js'), ...args], false)
process.exit(status)
