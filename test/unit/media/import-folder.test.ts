/**
 * Adopting a `pull --media` folder into the app's media folder (media/import-folder.ts), on real
 * files: a real pulled folder is made with the same content store and ledger pull uses.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src-main/media/content-store'
import { importMediaFolder } from '../../../src-main/media/import-folder'
import { LEDGER_FILE, MediaLedger } from '../../../src-main/media/ledger'
import type { MediaOutcome } from '../../../src-main/media/outcome'

let root: string
let src: string
let dest: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'media-import-'))
  src = join(root, 'pulled')
  dest = join(root, 'app-media')
  return () => rm(root, { recursive: true, force: true })
})

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function* once(b: Buffer): AsyncIterable<Uint8Array> {
  yield b
}

/** A folder as `pull --media` leaves it: files in its content store, outcomes in its ledger. */
async function pulledFolder(files: Buffer[], outcomes: [string, string, MediaOutcome][]): Promise<string[]> {
  const store = await ContentStore.open(src)
  const names: string[] = []
  for (const f of files) names.push((await store.put(once(f))).sha256)
  const ledger = await MediaLedger.open(src)
  for (const [g, k, o] of outcomes) await ledger.record(g, k, o)
  await ledger.close()
  return names
}

const saved = (b: Buffer, at = 10, type = 'image/png'): MediaOutcome => ({ status: 'saved', bytes: b.length, sha256: sha(b), type, at })

async function destLedger(): Promise<Map<string, MediaOutcome>> {
  const l = await MediaLedger.open(dest)
  const out = new Map([...l.entries()].map(([g, k, o]) => [`${g} ${k}`, o]))
  await l.close()
  return out
}

async function storedFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name === '.tmp') continue
    for (const f of await readdir(join(dir, d.name))) out.push(f)
  }
  return out.sort()
}

describe('importing a pull --media folder', () => {
  it('copies every file into the store and merges the ledger, so the outcomes say saved with the same SHA-256', async () => {
    const png = Buffer.from('\x89PNG\r\n\x1a\n fake png bytes', 'binary')
    const wav = Buffer.from('RIFF....WAVEfmt voice')
    await pulledFolder(
      [png, wav],
      [
        ['@TGS#1', 'image:thumb:u1', saved(png)],
        ['@TGS#1', 'sound:s1', saved(wav, 10, 'audio/wav')],
        ['@TGS#2', 'file:f1', { status: 'expired', httpStatus: 404, firstSeenAt: 100, lastSeenAt: 200 }]
      ]
    )
    const s = await importMediaFolder(src, dest)
    expect(s).toMatchObject({ files: 2, copied: 2, present: 0, rejected: [], outcomes: 3, missingFiles: 0 })
    expect([...s.changed]).toEqual([
      ['@TGS#1', ['image:thumb:u1', 'sound:s1']],
      ['@TGS#2', ['file:f1']]
    ])
    expect(await storedFiles(dest)).toEqual([sha(png), sha(wav)].sort())
    const store = await ContentStore.open(dest)
    expect(await readFile(store.pathFor(sha(png)))).toEqual(png)
    const l = await destLedger()
    expect(l.get('@TGS#1 image:thumb:u1')).toEqual(saved(png))
    expect(l.get('@TGS#2 file:f1')).toMatchObject({ status: 'expired', firstSeenAt: 100 })
  })

  it('rejects a file whose bytes do not hash to its name, and does not record it as saved', async () => {
    const good = Buffer.from('good bytes')
    const bad = Buffer.from('original bytes')
    const [, badName] = await pulledFolder(
      [good, bad],
      [
        ['g', 'image:thumb:good', saved(good)],
        ['g', 'image:thumb:bad', saved(bad)]
      ]
    )
    // Someone edited the file after pull kept it: its name no longer says what it holds.
    await writeFile(join(src, badName!.slice(0, 2), badName!), 'tampered bytes')
    const s = await importMediaFolder(src, dest)
    expect(s.rejected.map((r) => r.name)).toEqual([badName])
    expect(s).toMatchObject({ files: 2, copied: 1, outcomes: 1, missingFiles: 1 })
    expect(await storedFiles(dest)).toEqual([sha(good)])
    const l = await destLedger()
    expect(l.get('g image:thumb:bad')).toBeUndefined()
    expect(l.get('g image:thumb:good')).toEqual(saved(good))
    // Nothing half-copied is left behind.
    expect(await readdir(join(dest, '.tmp'))).toEqual([])
  })

  it('skips stray files that are not content files (wrong name, wrong shard)', async () => {
    const b = Buffer.from('bytes')
    const [name] = await pulledFolder([b], [])
    await writeFile(join(src, 'notes.txt'), 'hello')
    await mkdir(join(src, 'ff'), { recursive: true })
    await writeFile(join(src, 'ff', name!), b) // a real hash under the wrong shard
    expect(await importMediaFolder(src, dest)).toMatchObject({ files: 1, copied: 1, rejected: [] })
  })

  it('is idempotent: importing the same folder twice copies and records nothing the second time', async () => {
    const b = Buffer.from('same bytes')
    await pulledFolder(
      [b],
      [
        ['g', 'image:thumb:u', saved(b)],
        ['g', 'file:f', { status: 'failed', error: 'HTTP 500', attempts: 2, at: 5 }]
      ]
    )
    await importMediaFolder(src, dest)
    const ledgerBefore = await readFile(join(dest, LEDGER_FILE), 'utf8')
    const again = await importMediaFolder(src, dest)
    expect(again).toMatchObject({ files: 1, copied: 0, present: 1, outcomes: 0 })
    expect(await readFile(join(dest, LEDGER_FILE), 'utf8')).toBe(ledgerBefore)
    expect((await destLedger()).get('g file:f')).toMatchObject({ status: 'failed', attempts: 2 })
  })

  it("merges with the app's own outcomes: never a saved one replaced by less, an expiry keeps its first sighting", async () => {
    const mine = Buffer.from('the app kept this')
    const theirs = Buffer.from('pull kept this')
    const appStore = await ContentStore.open(dest)
    await appStore.put(once(mine))
    const appLedger = await MediaLedger.open(dest)
    await appLedger.record('g', 'k-saved', saved(mine))
    await appLedger.record('g', 'k-expired', { status: 'expired', httpStatus: 404, firstSeenAt: 500, lastSeenAt: 600 })
    await appLedger.record('g', 'k-failed', { status: 'failed', error: 'timeout', attempts: 1, at: 1 })
    await pulledFolder(
      [theirs],
      [
        ['g', 'k-saved', { status: 'expired', httpStatus: 404, firstSeenAt: 1, lastSeenAt: 2 }],
        ['g', 'k-expired', { status: 'expired', httpStatus: 403, firstSeenAt: 300, lastSeenAt: 400 }],
        ['g', 'k-failed', saved(theirs)]
      ]
    )
    // The app's service holds its ledger open: the import goes through it.
    const s = await importMediaFolder(src, { store: appStore, ledger: appLedger })
    expect(s).toMatchObject({ copied: 1, outcomes: 2 })
    expect(appLedger.get('g', 'k-saved')).toEqual(saved(mine))
    expect(appLedger.get('g', 'k-expired')).toMatchObject({ status: 'expired', firstSeenAt: 300 })
    expect(appLedger.get('g', 'k-failed')).toEqual(saved(theirs))
    await appLedger.close()
  })

  it('reads a ledger with a torn last line (a pull killed mid-append) without taking its lock', async () => {
    const b = Buffer.from('x')
    await pulledFolder([b], [['g', 'k', saved(b)]])
    await writeFile(join(src, LEDGER_FILE), (await readFile(join(src, LEDGER_FILE), 'utf8')) + '{"g":"g","k":"k2","o":{"sta')
    // A pull still holding the folder does not stop the import (nothing in src is written).
    const held = await MediaLedger.open(src)
    try {
      expect(await importMediaFolder(src, dest)).toMatchObject({ copied: 1, outcomes: 1 })
    } finally {
      await held.close()
    }
  })

  it('says so when the folder does not exist', async () => {
    await expect(importMediaFolder(join(root, 'nope'), dest)).rejects.toThrow(/does not exist/)
  })
})
