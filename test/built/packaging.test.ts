/**
 * The installer configuration (package.json "build", electron-builder 26.17), checked without
 * building: there is no Electron binary here. The file patterns are evaluated by electron-builder's
 * own matcher code against the real repository files, and the configuration by its own schema
 * validator. Those are internal modules of app-builder-lib (pinned through electron-builder 26.17),
 * loaded with require; js-yaml is the YAML parser electron-builder itself depends on.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Resvg } from '@resvg/resvg-js'

const root = resolve(__dirname, '../..')
const require = createRequire(import.meta.url)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string
  bin: Record<string, string>
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  build: Record<string, unknown> & {
    files: string[]
    asar: unknown
    directories: { buildResources: string; output: string }
    extraMetadata: { main: string }
    linux: { target: string[]; icon: string; category: string; maintainer: string }
    mac: { target: string[]; icon: string; category: string }
    win: { target: string[]; icon: string }
  }
}
const cfg = pkg.build

type Stat = { isDirectory(): boolean }
type Filter = (file: string, stat: Stat) => boolean
const { getMainFileMatchers } = require('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(
    appDir: string,
    dest: string,
    expand: (s: string) => string,
    platformOptions: unknown,
    packager: unknown,
    outDir: string,
    electronCompile: boolean
  ): { createFilter(): Filter }[]
}
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
const yaml = require('js-yaml') as { load(text: string): unknown }

/** electron-builder's filter for the app's files on one platform, as its packager builds it. */
function appFilter(platformOptions: unknown): (rel: string) => boolean {
  const packager = {
    info: { projectDir: root, buildResourcesDir: cfg.directories.buildResources, isPrepackedAppAsar: false, config: cfg, debugLogger: { isEnabled: false } }
  }
  const matchers = getMainFileMatchers(root, '/app', (s) => s, platformOptions, packager, join(root, cfg.directories.output), false)
  expect(matchers).toHaveLength(1)
  const filter = matchers[0]!.createFilter()
  const dir: Stat = { isDirectory: () => true }
  const file: Stat = { isDirectory: () => false }
  // The copier walks the tree and prunes a directory the filter refuses: a file is shipped when
  // every folder above it and the file itself pass.
  return (rel) => {
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) if (!filter(join(root, ...parts.slice(0, i)), dir)) return false
    return filter(join(root, ...parts), file)
  }
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name)).split(sep).join('/')]
  )
}

const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)
const built = walk(join(root, 'out'))
const toolsBuilt = walk(join(root, 'out-tools'))
/** Files that may lie around in a working copy and must never ship. */
const strays = [
  '.env',
  '.env.local',
  'src-main/.env.production',
  'secrets/tim.key',
  'id_rsa',
  'server.pem',
  'chats.jsonl',
  'chats.jsonl.state.json',
  'test-results/screenshots/app.png',
  'dist/latest.yml',
  '.tmp/x.json',
  'out/main/index.js.map',
  'out/main/.env'
]

function readPng(path: string): { width: number; height: number } {
  const b = readFileSync(path)
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${path} is a PNG`).toBe(true)
  expect(b.toString('latin1', 12, 16)).toBe('IHDR')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

describe('installer configuration', () => {
  it('is valid for electron-builder 26.17 by its own schema', async () => {
    await expect(validateConfiguration(cfg, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('builds AppImage and deb on Linux, dmg on macOS and nsis on Windows, with asar on', () => {
    expect(cfg.linux.target).toEqual(['AppImage', 'deb'])
    expect(cfg.mac.target).toEqual(['dmg'])
    expect(cfg.win.target).toEqual(['nsis'])
    expect(cfg.asar).toBe(true)
    expect(cfg.productName).toBe('TIM Archive')
    expect(cfg.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i)
    expect(cfg.linux.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/)
    expect(cfg.linux.category).toMatch(/^Utility;/)
    expect(cfg.mac.category).toMatch(/^public\.app-category\./)
    expect(cfg.directories.buildResources).toBe('build')
  })

  it('ships the built app and package.json, and nothing else from the repository', () => {
    if (!existsSync(join(root, cfg.extraMetadata.main))) throw new Error('out/ is missing: run `npm run build` first (npm test does).')
    for (const platform of ['linux', 'mac', 'win'] as const) {
      const shipped = appFilter(cfg[platform])
      expect(shipped('package.json')).toBe(true)
      for (const f of ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html']) expect(shipped(f), f).toBe(true)
      // Everything else that is tracked (sources, tests, CI, build resources, README, lock file)
      // stays out, and so does the tooling's build (out-tools/: simulator, benchmarks, demo).
      const leaked = tracked.filter((f) => f !== 'package.json' && shipped(f))
      expect(leaked, platform).toEqual([])
      expect(toolsBuilt.filter(shipped), platform).toEqual([])
      expect(strays.filter(shipped), platform).toEqual([])
    }
  })

  it('ships every file the app loads: the main entry, its preload and renderer, and their chunks', () => {
    const shipped = appFilter(cfg.linux)
    expect(cfg.extraMetadata.main).toBe(pkg.main)
    // Follow the relative requires of the shipped entry points through the built chunks.
    const todo = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js']
    const seen = new Set<string>()
    const packages = new Set<string>()
    while (todo.length) {
      const f = todo.pop()!
      if (seen.has(f)) continue
      seen.add(f)
      expect(shipped(f), `${f} is loaded by the app`).toBe(true)
      const text = readFileSync(join(root, f), 'utf8')
      for (const [, spec] of text.matchAll(/require\("([^"]+)"\)/g)) {
        if (spec!.startsWith('.'))
          todo.push(
            relative(root, resolve(join(root, f, '..'), spec!))
              .split(sep)
              .join('/')
          )
        else if (!spec!.startsWith('node:')) packages.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!)
      }
    }
    expect(seen.size).toBeGreaterThan(3)
    // The renderer ships whole.
    const renderer = built.filter((f) => f.startsWith('out/renderer/') && !f.endsWith('.map'))
    expect(renderer.filter((f) => !shipped(f))).toEqual([])
    const assets = [...readFileSync(join(root, 'out/renderer/index.html'), 'utf8').matchAll(/"(?:\.\/|\/)?(assets\/[^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThan(1)
    for (const asset of assets) expect(shipped(`out/renderer/${asset}`), asset).toBe(true)
    // electron-builder copies the production dependencies only: whatever the shipped code requires
    // (Electron itself aside) must be one, and no dev tool may be.
    packages.delete('electron')
    const builtins = new Set(require('node:module').builtinModules as string[])
    for (const p of packages) if (!builtins.has(p)) expect(Object.keys(pkg.dependencies), `${p} is required at run time`).toContain(p)
    for (const dev of ['electron', 'electron-builder', 'vitest', 'playwright-core', '@resvg/resvg-js', 'tls-sig-api-v2'])
      expect(pkg.dependencies[dev]).toBeUndefined()
  })

  it('gets no tooling from the product build: the simulator, benchmarks and demo build to out-tools/', () => {
    if (!existsSync(join(root, 'out-tools/main/sim.js'))) throw new Error('out-tools/ is missing: run `npm run build` first (npm test does).')
    for (const f of ['sim.js', 'demo.js', 'bench-sync.js', 'bench-search.js']) expect(toolsBuilt, f).toContain(`out-tools/main/${f}`)
    for (const f of ['bench-search.html', 'bench-charts.html']) expect(toolsBuilt, f).toContain(`out-tools/bench-pages/${f}`)
    // By name: no entry, page or chunk of theirs in out/.
    expect(built.filter((f) => /(^|[/-])(sim|demo|seed|bench)([.-]|$)/.test(f.split('/').pop()!))).toEqual([])
    // By content: text found only in the tooling's code is in out-tools/ and nowhere in out/.
    const markers = [
      /\bclass Simulator\b|\bSimulator = class\b/,
      /\bfunction mulberry32\b/,
      /Simulator of the Tencent IM REST API/,
      /playwright-core/,
      /drives this page/
    ]
    const text = (files: string[]) => files.filter((f) => /\.(js|html)$/.test(f)).map((f) => readFileSync(join(root, f), 'utf8'))
    const tools = text(toolsBuilt)
    const product = text(built)
    for (const m of markers) {
      expect(
        tools.some((t) => m.test(t)),
        `${m} is in out-tools/`
      ).toBe(true)
      expect(
        product.some((t) => m.test(t)),
        `${m} is not in out/`
      ).toBe(false)
    }
  })

  it('has every icon the targets use, as real PNGs of the stated sizes, rendered from build/icon.svg', () => {
    const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
    expect(cfg.linux.icon).toBe('build/icons')
    for (const s of sizes) expect(readPng(join(root, cfg.linux.icon, `${s}x${s}.png`))).toEqual({ width: s, height: s })
    expect(readdirSync(join(root, cfg.linux.icon)).sort()).toEqual(sizes.map((s) => `${s}x${s}.png`).sort())
    // macOS: electron-builder makes the .icns from a PNG of at least 512 px.
    expect(readPng(join(root, cfg.mac.icon))).toEqual({ width: 1024, height: 1024 })
    // Windows: an ICO whose entries are PNGs, up to 256 px (stored as 0 in the directory).
    const ico = readFileSync(join(root, cfg.win.icon))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1])
    const entries = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const at = 6 + 16 * i
      const size = ico.readUInt8(at) || 256
      const png = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8))
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size])
      return size
    })
    expect(entries).toEqual(expect.arrayContaining([16, 32, 48, 256]))
    // The committed PNGs are what `npm run icons` makes from the SVG now.
    const svg = readFileSync(join(root, 'build/icon.svg'))
    const fresh = new Resvg(svg, { fitTo: { mode: 'width', value: 48 } }).render().asPng()
    expect(Buffer.from(fresh).equals(readFileSync(join(root, 'build/icons/48x48.png'))), 'run `npm run icons` after editing build/icon.svg').toBe(true)
  })

  it('ships the tray icon the desktop shell loads (16 px and a 32 px @2x) outside the asar', () => {
    const extra = cfg.extraResources as { from: string; to: string }[]
    expect(extra).toEqual(
      expect.arrayContaining([
        { from: 'build/icons/16x16.png', to: 'tray/tray.png' },
        { from: 'build/icons/32x32.png', to: 'tray/tray@2x.png' }
      ])
    )
    for (const e of extra) expect(tracked, `${e.from} is committed`).toContain(e.from)
    // src-main/app/tray.ts reads it from process.resourcesPath/tray/tray.png when packaged.
    expect(readFileSync(join(root, 'src-main/app/tray.ts'), 'utf8')).toContain("join(process.resourcesPath, 'tray', 'tray.png')")
  })

  it('keeps the CLI bin, npm run dist and npm run icons working from the repository', () => {
    expect(pkg.bin['tim-archive']).toBe('bin/tim-archive.cjs')
    expect(tracked).toContain(pkg.bin['tim-archive'])
    // The deb links the app's executable into /usr/bin: under the CLI's name it would shadow the
    // CLI with a GUI launcher.
    expect(cfg.executableName).toBeTruthy()
    expect(Object.keys(pkg.bin)).not.toContain(cfg.executableName)
    expect(pkg.scripts.dist).toBe('node build/dist.mjs')
    expect(pkg.scripts.icons).toBe('node build/make-icons.mjs')
    for (const f of ['build/dist.mjs', 'build/make-icons.mjs']) expect(tracked).toContain(f)
    expect(statSync(join(root, 'node_modules/electron-builder/cli.js')).isFile()).toBe(true)
  })
})

describe('release workflow', () => {
  const wf = yaml.load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as {
    on: { push: { tags: string[] }; workflow_dispatch: unknown }
    jobs: Record<
      string,
      {
        'runs-on': string
        needs?: string | string[]
        if?: string
        strategy?: { matrix: { os: string[] } }
        steps: { uses?: string; run?: string; with?: Record<string, unknown> }[]
      }
    >
  }
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps)

  it('runs on v* tags and by hand', () => {
    expect(wf.on.push.tags).toEqual(['v*'])
    expect('workflow_dispatch' in wf.on).toBe(true)
  })

  it('tests first, then builds the installers on Linux, macOS and Windows without publishing', () => {
    expect(wf.jobs.test!.steps.some((s) => s.run === 'bash .ci/run')).toBe(true)
    const build = wf.jobs.build!
    expect(build.needs).toBe('test')
    expect(build['runs-on']).toBe('${{ matrix.os }}')
    expect(build.strategy!.matrix.os.sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest'])
    const runs = build.steps.map((s) => s.run).filter(Boolean)
    expect(runs.some((r) => /^npm ci\b/.test(r!))).toBe(true)
    expect(runs).toContain('npm run dist -- --publish never')
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!
    for (const ext of ['AppImage', 'deb', 'dmg', 'exe']) expect(String(upload.with!.path)).toContain(`dist/*.${ext}`)
    // The electron-builder output folder is the one uploaded.
    expect(cfg.directories.output).toBe('dist')
  })

  it('attaches the installers to the release only on a tag', () => {
    const release = wf.jobs.release!
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')")
    expect(release.needs).toBe('build')
    expect(release.steps.some((s) => s.uses?.startsWith('softprops/action-gh-release@'))).toBe(true)
  })

  it('pins every action by major version', () => {
    const uses = steps.map((s) => s.uses).filter((u): u is string => !!u)
    expect(uses.length).toBeGreaterThan(4)
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/)
  })
})
