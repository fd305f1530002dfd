import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** This package's version, from package.json beside the build (out/main/cli.js → ../../package.json). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}
