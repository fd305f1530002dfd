import { defineConfig } from 'vitest/config'
import base from './vitest.config.mjs'

/**
 * Tests of what `npm run build` made in out/: the CLI, the demo, and what the installers ship.
 * `npm test` runs them after the build (`npm run test:built`).
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/built/**/*.test.ts'] }
})
