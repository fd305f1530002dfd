import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export default defineConfig({
  root,
  resolve: {
    alias: {
      '@shared': resolve(root, 'src-main/shared'),
      '@renderer': resolve(root, 'src-renderer/src')
    }
  },
  test: {
    // Runs on a fresh clone, with no build (`npm run test:unit`). Tests of what the build made
    // live in test/built/ and have their own config (vitest.built.config.mts).
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and child processes; two cores here.
    maxWorkers: 2,
    // A throwaway PostgreSQL cluster for the tests of `--db` (issue 20): helpers/pg.ts.
    globalSetup: ['test/helpers/pg.ts']
  }
})
