import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

/** The import aliases, also declared in the tsconfigs; tools/electron.vite.config.ts reuses them. */
export const aliases = { '@shared': resolve('src-main/shared'), '@renderer': resolve('src-renderer/src') }

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': aliases['@shared'] } },
    build: {
      // Node 20 runs the CLI build outside Electron.
      target: 'node20',
      lib: {
        entry: {
          index: resolve('src-main/app/index.ts'),
          cli: resolve('src-main/cli/index.ts')
        }
      },
      // ky is ESM-only; bundling it keeps the CJS main/CLI bundles loadable on plain Node.
      externalizeDeps: { exclude: ['ky'] }
    }
  },
  preload: {
    resolve: { alias: { '@shared': aliases['@shared'] } },
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
    resolve: { alias: aliases },
    build: {
      rollupOptions: {
        input: { index: resolve('src-renderer/index.html') }
      }
    }
  }
})
