import { defineConfig } from '@playwright/test'
import { chromiumPath } from './e2e/fixtures/chromium'

/**
 * e2e: Debian's Chromium (playwright-core cannot download a browser here) driving the real app in
 * browser mode (`tim-archive serve`) against the real simulator, both as child processes.
 */
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure'
  }
})
