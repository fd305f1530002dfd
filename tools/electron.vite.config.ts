/**
 * The tooling's build (`npm run build:tools`): the simulator, the benchmarks, the demo and the
 * benchmarks' in-page halves, into out-tools/. The product build (electron.vite.config.ts, out/)
 * never sees them, so the installers ship none of it. Run from the repository root:
 *   electron-vite build -c tools/electron.vite.config.ts --ignoreConfigWarning (it has no preload)
 */
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { aliases } from '../electron.vite.config'

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': aliases['@shared'] } },
    build: {
      outDir: resolve('out-tools/main'),
      // Plain Node runs all of these (no Electron).
      target: 'node20',
      lib: {
        entry: {
          sim: resolve('tools/sim/main.ts'),
          'bench-sync': resolve('tools/bench/bench-sync.ts'),
          'bench-media': resolve('tools/bench/bench-media.ts'),
          'bench-timeline': resolve('tools/bench/bench-timeline.ts'),
          'bench-export': resolve('tools/bench/bench-export.ts'),
          'bench-search': resolve('tools/bench/bench-search.ts'),
          'bench-charts': resolve('tools/bench/bench-charts.ts'),
          'bench-db': resolve('tools/bench/bench-db.ts'),
          'bench-app-sync': resolve('tools/bench/bench-app-sync.ts'),
          demo: resolve('tools/demo/main.ts')
        }
      },
      // ky is ESM-only; bundling it keeps the CJS bundles loadable on plain Node. playwright-core
      // (a devDependency, used by the benchmarks) must stay external: it locates its own files at
      // run time and cannot be bundled.
      externalizeDeps: { exclude: ['ky'], include: ['playwright-core'] }
    }
  },
  // The in-page halves of npm run bench:search and bench:charts, on the app's own store code.
  renderer: {
    root: 'tools/bench-pages',
    resolve: { alias: aliases },
    build: {
      outDir: resolve('out-tools/bench-pages'),
      rollupOptions: {
        input: {
          'bench-search': resolve('tools/bench-pages/bench-search.html'),
          'bench-charts': resolve('tools/bench-pages/bench-charts.html')
        }
      }
    }
  }
})
