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
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and child processes; two cores here.
    maxWorkers: 2
  }
})
