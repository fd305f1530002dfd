/**
 * A crash during a state write: a real child process commits to a JSON Lines archive in a loop
 * (each commit appends a line and replaces the resume state through writeFileAtomic) and is
 * SIGKILLed at random moments. After every kill the state file must be there and whole, hold at
 * least every commit the child saw resolve, and cover nothing the archive file lacks.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JsonlArchive } from '../../../src-main/archive/jsonl-archive'

let dir: string
let child: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crash-'))
  // The child runs the real archive code, bundled for plain Node (no build of the app needed).
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: resolve(__dirname, 'fixtures/state-writer.ts'),
      outDir: join(dir, 'bin'),
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'state-writer.mjs' } }
    }
  })
  child = join(dir, 'bin', 'state-writer.mjs')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the child for a few commits and a random moment more, kills it, and returns the last seq it saw committed. */
async function runAndKill(path: string): Promise<number> {
  const p = spawn(process.execPath, [child, path], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((r) => p.once('exit', () => r()))
  let acked = 0
  let lines = 0
  const killAfter = 1 + Math.floor(Math.random() * 8)
  for await (const line of createInterface({ input: p.stdout })) {
    acked = Number(line)
    if (++lines === killAfter) {
      // Let it run on into its next writes for a random moment, then kill it mid-whatever.
      setTimeout(() => p.kill('SIGKILL'), Math.random() * 15)
      break
    }
  }
  await exited
  return acked
}

describe('a process killed while it writes the resume state', () => {
  it('always leaves the old or the new state, whole, never a torn or missing one', async () => {
    const path = join(dir, 'chats.jsonl')
    for (let round = 0; round < 20; round++) {
      const acked = await runAndKill(path)
      const text = await readFile(`${path}.state.json`, 'utf8')
      const state = JSON.parse(text) as { format: string; fileBytes: number; groups: Record<string, { ranges: number[][]; top: number }> }
      expect(state.format).toBe('tim-archive-state')
      // Every commit the child saw resolve is in the state (old-or-new: never older than that).
      const g = state.groups.g!
      expect(g.top).toBeGreaterThanOrEqual(acked)
      expect(g.ranges).toEqual([[1, g.top]])
      // And the archive file holds every message the state claims.
      const archive = await JsonlArchive.open(path)
      expect(archive.messageCount('g')).toBeGreaterThanOrEqual(g.top)
      await archive.abandon()
    }
  })
})
