/**
 * The declared Node version is true (issue 15 item 4): every package the lockfile installs accepts
 * the oldest Node that package.json's engines allows, so `npm ci` on that Node prints no
 * EBADENGINE warning and the CLI does not run on a Node its dependencies never promised to support.
 * (`.ci/run` runs `npm ci` on Node 22; this checks the same promise without installing.)
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const require = createRequire(import.meta.url)
const semver = require('semver') as { minVersion(range: string): { version: string } | null; satisfies(v: string, range: string): boolean }
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }>
}

describe('the declared Node version', () => {
  it('is one every installed package accepts', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version
    expect(oldest).toBe('22.12.0')
    expect(lock.packages['']!.engines).toEqual(pkg.engines)
    const refusing: string[] = []
    for (const [path, p] of Object.entries(lock.packages)) {
      if (path === '' || !p.engines || Array.isArray(p.engines) || !p.engines.node) continue
      // As npm does: an optional package for another platform (rolldown's wasm32 binding and its
      // runtime) is not installed here, so its engines are not checked.
      if (p.optional && !existsSync(join(root, path))) continue
      if (!semver.satisfies(oldest, p.engines.node)) refusing.push(`${path.replace(/^.*node_modules\//, '')} wants node ${p.engines.node}`)
    }
    expect(refusing).toEqual([])
  })
})
