/**
 * The content-addressed store, on real files in a temporary folder: objects land under their
 * SHA-256 whole or not at all, the same bytes are kept once, a wrong length leaves nothing, and a
 * crash's leftovers are never visible as objects and are cleared on the next open.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContentStore, ContentStoreError } from '../../../src-main/media/content-store'
import { sniff } from '../../../src-main/shared/media/sniff'

let root: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'media-store-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

async function* chunks(data: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}

/** Every file under the store, relative, hidden temp folder included. */
async function files(): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(root.length + 1))
}

const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 200 }, (_, i) => i % 256)])

describe('the content store', () => {
  it('stores bytes under their SHA-256, in a two-letter shard, and hands back the head for sniffing', async () => {
    const store = await ContentStore.open(root)
    const r = await store.put(chunks(png), { expectedBytes: png.length })
    expect(r.sha256).toBe(sha(png))
    expect(r.bytes).toBe(png.length)
    expect(r.existed).toBe(false)
    expect(r.path).toBe(join(root, r.sha256.slice(0, 2), r.sha256))
    expect(new Uint8Array(await readFile(r.path))).toEqual(png)
    expect(sniff(r.head).mime).toBe('image/png')
    expect(await store.has(r.sha256)).toBe(true)
    expect(await files()).toEqual([join(r.sha256.slice(0, 2), r.sha256)])
  })

  it('keeps the same bytes once, from any number of messages', async () => {
    const store = await ContentStore.open(root)
    const a = await store.put(chunks(png, 3))
    const b = await store.put(Readable.from([Buffer.from(png)]))
    expect(b.sha256).toBe(a.sha256)
    expect(b.existed).toBe(true)
    expect(await files()).toHaveLength(1)
  })

  it('stores the same bytes once when two downloads of them finish together', async () => {
    const store = await ContentStore.open(root)
    const [a, b] = await Promise.all([store.put(chunks(png, 5)), store.put(chunks(png, 11))])
    expect(a.sha256).toBe(b.sha256)
    expect(await files()).toEqual([join(a.sha256.slice(0, 2), a.sha256)])
    expect(new Uint8Array(await readFile(a.path))).toEqual(png)
  })

  it('stores an empty file', async () => {
    const store = await ContentStore.open(root)
    const r = await store.put(chunks(new Uint8Array(0)), { expectedBytes: 0 })
    expect(r.sha256).toBe(sha(new Uint8Array(0)))
    expect(r.head).toHaveLength(0)
  })

  it('refuses a download shorter or longer than the message declares, leaving nothing behind', async () => {
    const store = await ContentStore.open(root)
    await expect(store.put(chunks(png), { expectedBytes: png.length + 1 })).rejects.toMatchObject({ code: 'length-mismatch' })
    await expect(store.put(chunks(png), { expectedBytes: png.length - 1 })).rejects.toBeInstanceOf(ContentStoreError)
    expect(await files()).toEqual([])
    expect(await store.has(sha(png))).toBe(false)
  })

  it('stops a download as soon as it passes the size cap', async () => {
    const store = await ContentStore.open(root)
    let pulled = 0
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++
        yield new Uint8Array(1024)
      }
    }
    await expect(store.put(endless(), { maxBytes: 10 * 1024 })).rejects.toMatchObject({ code: 'too-big' })
    expect(pulled).toBe(11)
    expect(await files()).toEqual([])
  })

  it('leaves nothing when the source fails midway (a dropped connection)', async () => {
    const store = await ContentStore.open(root)
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield png.subarray(0, 50)
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    }
    await expect(store.put(broken())).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(await files()).toEqual([])
  })

  it('never shows a crashed download as an object, and clears it on the next open', async () => {
    await ContentStore.open(root)
    // What a killed process leaves: a half-written temp file named with its (now dead) pid.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const leftover = join(root, '.tmp', `${dead}-0123456789ab.part`)
    await writeFile(leftover, png.subarray(0, 100))
    // A leftover of a live process (this one) that is recent stays: it may be a download in progress.
    const live = join(root, '.tmp', `${process.pid}-ba9876543210.part`)
    await writeFile(live, png.subarray(0, 10))
    // One so old that its process cannot matter any more goes, whoever wrote it.
    const ancient = join(root, '.tmp', `${process.pid}-aaaaaaaaaaaa.part`)
    await writeFile(ancient, png.subarray(0, 10))
    await utimes(ancient, new Date(0), new Date(0))

    const store = await ContentStore.open(root)
    expect(await store.has(sha(png.subarray(0, 100)))).toBe(false)
    expect((await files()).sort()).toEqual([join('.tmp', `${process.pid}-ba9876543210.part`)])
    // And the store works as before.
    expect((await store.put(chunks(png))).sha256).toBe(sha(png))
  })

  it('refuses anything but a SHA-256 as an object name, so no path can escape the store', async () => {
    const store = await ContentStore.open(root)
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}/x`, '']) {
      expect(() => store.pathFor(bad)).toThrow()
      expect(await store.has(bad)).toBe(false)
    }
    await mkdir(join(root, 'aa'), { recursive: true })
    expect(await store.has('a'.repeat(64))).toBe(false)
  })
})
