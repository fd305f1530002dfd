import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const shared = resolve('src-main/shared')

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': shared } },
    build: {
      // Node 20 runs the CLI and simulator builds outside Electron.
      target: 'node20',
      lib: {
        entry: {
          index: resolve('src-main/app/index.ts'),
          cli: resolve('src-main/cli/index.ts'),
          sim: resolve('src-main/sim/main.ts'),
          'bench-sync': resolve('src-main/bench/bench-sync.ts'),
          'bench-timeline': resolve('src-main/bench/bench-timeline.ts'),
          'bench-export': resolve('src-main/bench/bench-export.ts'),
          'bench-search': resolve('src-main/bench/bench-search.ts'),
          'bench-charts': resolve('src-main/bench/bench-charts.ts'),
          demo: resolve('src-main/demo/main.ts')
        }
      },
      // ky is ESM-only; bundling it keeps the CJS main/CLI bundles loadable on plain Node.
      // playwright-core (a devDependency, used by bench-timeline only) must stay external: it
      // locates its own files at run time and cannot be bundled.
      externalizeDeps: { exclude: ['ky'], include: ['playwright-core'] }
    }
  },
  preload: {
    resolve: { alias: { '@shared': shared } },
    build: {
      lib: { entry: resolve('src-main/preload/index.ts') },
      // A sandboxed preload gets only a polyfilled require(): it must be one self-contained CJS
      // bundle. Externalizing anything here breaks the preload under sandbox: true.
      externalizeDeps: false
    }
  },
  renderer: {
    root: 'src-renderer',
    plugins: [svelte()],
    resolve: { alias: { '@shared': shared, '@renderer': resolve('src-renderer/src') } },
    build: {
      rollupOptions: {
        input: {
          index: resolve('src-renderer/index.html'),
          // The in-page half of npm run bench:search (not loaded by the app).
          'bench-search': resolve('src-renderer/bench-search.html'),
          // The in-page half of npm run bench:charts (not loaded by the app).
          'bench-charts': resolve('src-renderer/bench-charts.html')
        }
      }
    }
  }
})
