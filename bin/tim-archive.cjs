#!/usr/bin/env node
// Launcher for the built CLI (out/main/cli.js, made by `npm run build`, which `npm install` runs).
// Plain CommonJS with nothing newer than ES2017, so that any Node can read it far enough to say
// which Node it needs.
const { existsSync, readFileSync } = require('node:fs')
const { join } = require('node:path')

// The minimum is package.json's engines.node (">=22.12": electron 45 and ky 2 declare Node 22).
// The CLI runs on the user's own Node, so an older one is refused here rather than failing later
// in some dependency.
let minimum = [22, 12]
try {
  const engines = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).engines
  const m = /^>=\s*(\d+)\.(\d+)/.exec((engines && engines.node) || '')
  if (m) minimum = [Number(m[1]), Number(m[2])]
} catch (_e) {
  // keep the built-in minimum
}
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < minimum[0] || (major === minimum[0] && minor < minimum[1])) {
  process.stderr.write(
    `tim-archive: Node ${minimum.join('.')} or newer is needed; this is Node ${process.versions.node} (${process.execPath}). Install a current Node (https://nodejs.org) and run again.\n`
  )
  process.exit(2)
}

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('tim-archive: the CLI is not built yet. Run `npm run build` in the project folder.\n')
  process.exit(2)
}
require(cli)
