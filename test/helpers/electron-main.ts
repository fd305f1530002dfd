/**
 * Runs a built main-process bundle (out/main/index.js) on Node with the stand-in as its
 * `require('electron')`: the bundle's own `require` resolves "electron" to a module whose exports
 * are the stand-in's, and nothing else changes.
 */
import Module, { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import type { StandIn } from './electron-stand-in'

type ResolveFilename = (request: string, ...rest: unknown[]) => string
const loader = Module as unknown as { _resolveFilename: ResolveFilename; _cache: Record<string, unknown> }

/**
 * Loads `entry` with `electron` resolved to the stand-in, for as long as the returned function is
 * not called (a chunk the bundle loads later must get the stand-in too, not the npm package).
 */
export function runMain(standIn: StandIn, entry: string): () => void {
  const id = '\0electron-stand-in'
  const exports = standIn.mainModule()
  const original = loader._resolveFilename
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === 'electron' || request === 'electron/main') return id
    return original.call(this, request, ...rest)
  }
  loader._cache[id] = { id, filename: id, loaded: true, exports, children: [], paths: [] }
  const restore = () => {
    loader._resolveFilename = original
    delete loader._cache[id]
  }
  // A fresh run each time: the bundle and its chunks hold the app's state at module level.
  const folder = dirname(entry) + sep
  for (const key of Object.keys(loader._cache)) if (key.startsWith(folder)) delete loader._cache[key]
  try {
    createRequire(entry)(entry)
  } catch (e) {
    restore()
    throw e
  }
  return restore
}
