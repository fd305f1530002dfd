#!/usr/bin/env node
// Launcher for the built CLI (out/main/cli.js, made by `npm run build`, which `npm install` runs).
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('tim-archive: the CLI is not built yet. Run `npm run build` in the project folder.\n')
  process.exit(2)
}
require(cli)
