/**
 * A process killed mid-download: a real child stores file after file in a content store and is
 * SIGKILLed at random moments. Afterwards every object in the store is whole (its name is the
 * SHA-256 of its bytes), every object the child saw stored is there, and the next open clears the
 * half-written temporary file, so nothing partial is ever visible or kept.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src-main/media/content-store'

let dir: string
let child: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-crash-'))
  // The child runs the real store code, bundled for plain Node (no build of the app needed).
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: resolve(__dirname, 'fixtures/store-writer.ts'),
      outDir: join(dir, 'bin'),
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'store-writer.mjs' } }
    }
  })
  child = join(dir, 'bin', 'store-writer.mjs')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the child until it has stored a few files and a random moment more, kills it, and returns what it reported stored. */
async function runAndKill(root: string): Promise<string[]> {
  const p = spawn(process.execPath, [child, root], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((r) => p.once('exit', () => r()))
  const acked: string[] = []
  const killAfter = 1 + Math.floor(Math.random() * 4)
  for await (const line of createInterface({ input: p.stdout })) {
    acked.push(line)
    if (acked.length === killAfter) {
      setTimeout(() => p.kill('SIGKILL'), Math.random() * 20)
      break
    }
  }
  await exited
  return acked
}

describe('a process killed while it stores media', () => {
  it('never leaves a partial or corrupt object, keeps every finished one, and cleans up on the next open', async () => {
    const root = join(dir, 'media')
    const all: string[] = []
    for (let round = 0; round < 8; round++) {
      all.push(...(await runAndKill(root)))
      for (const shard of await readdir(root)) {
        if (shard === '.tmp') continue
        for (const name of await readdir(join(root, shard))) {
          const bytes = await readFile(join(root, shard, name))
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(name)
          expect(name.slice(0, 2)).toBe(shard)
        }
      }
      const store = await ContentStore.open(root)
      for (const sha of all) expect(await store.has(sha)).toBe(true)
      // The killed child's temporary file (if it died mid-download) is gone.
      expect(await readdir(join(root, '.tmp'))).toEqual([])
    }
  })
})
