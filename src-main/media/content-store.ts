/**
 * Media bytes on disk, addressed by their SHA-256 (issue 17 §1 "Identity and storage"), in the
 * manner of Signal Desktop's attachment store: files in a folder, their metadata elsewhere (the
 * store, or `_archive.media` in a JSONL line). The same bytes are stored once, whichever group or
 * message they came from.
 *
 * Layout: `<root>/<sha[0..2]>/<sha>` for stored objects, `<root>/.tmp/` for downloads in progress.
 * A download streams into a temporary file while it is hashed and counted; only a complete file of
 * the right length is fsynced and renamed into place (src-main/fs/atomic-write.ts `commit`), so a
 * crash at any moment leaves either a whole object or a leftover in `.tmp/`, never a partial object
 * under its final name. `open` clears leftovers of processes that are gone.
 */
import { createHash, randomBytes } from 'node:crypto'
import { copyFile, mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { commit, syncDir, tempPathFor } from '../fs/atomic-write'
import { SNIFF_BYTES } from '../shared/media/sniff'
import { processAlive } from '../fs/pid-lock'

const TMP = '.tmp'
const SHA_RE = /^[0-9a-f]{64}$/

export type ContentStoreErrorCode = 'too-big' | 'length-mismatch'

/** A download that cannot be stored; nothing of it is left behind. */
export class ContentStoreError extends Error {
  constructor(
    readonly code: ContentStoreErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'ContentStoreError'
  }
}

export interface PutOptions {
  /** The size the message declares. When given, any other length is refused ('length-mismatch'). */
  expectedBytes?: number | null
  /** Refuse ('too-big') as soon as more than this many bytes arrive, whatever was declared. */
  maxBytes?: number
}

export interface Stored {
  sha256: string
  bytes: number
  /** Where the object now is. */
  path: string
  /** The first bytes (up to SNIFF_BYTES), for sniff(). */
  head: Uint8Array
  /** True when the same bytes were already stored (the new copy was dropped). */
  existed: boolean
}

/** Leftovers younger than this are kept if their process may still be alive. */
const STALE_MS = 24 * 60 * 60 * 1000

export class ContentStore {
  private constructor(readonly root: string) {}

  /** Opens (creating) a store at `root` and removes leftover temporary files of dead processes. */
  static async open(root: string): Promise<ContentStore> {
    await mkdir(join(root, TMP), { recursive: true })
    const store = new ContentStore(root)
    await store.cleanLeftovers()
    return store
  }

  /** Removes temporary files of processes that are gone (or that are older than a day). Returns how many. */
  async cleanLeftovers(now = Date.now()): Promise<number> {
    const dir = join(this.root, TMP)
    let removed = 0
    for (const name of await readdir(dir)) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1])
      const path = join(dir, name)
      let old = false
      try {
        old = now - (await stat(path)).mtimeMs > STALE_MS
      } catch {
        continue
      }
      if (!old && Number.isSafeInteger(pid) && pid > 0 && (pid === process.pid || processAlive(pid))) continue
      await rm(path, { force: true })
      removed++
    }
    return removed
  }

  /** The path of an object. Throws on anything but 64 lower-case hex digits (no path tricks). */
  pathFor(sha256: string): string {
    if (!SHA_RE.test(sha256)) throw new Error(`not a SHA-256: ${JSON.stringify(sha256.slice(0, 80))}`)
    return join(this.root, sha256.slice(0, 2), sha256)
  }

  /** Whether an object is stored (a leftover temporary file never counts). */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathFor(sha256))).isFile()
    } catch {
      return false
    }
  }

  /**
   * Copies a stored object to `dest` atomically (a temporary file beside it, fsync, rename, fsync
   * the folder): `dest` holds the whole object or, after a failure, what it held before.
   */
  async copyTo(sha256: string, dest: string): Promise<void> {
    const tmp = tempPathFor(dest)
    try {
      await copyFile(this.pathFor(sha256), tmp)
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
    await commit(tmp, dest)
  }

  /**
   * Streams `source` into the store. Resolves once the object is durable under its hash; rejects
   * (ContentStoreError, or the source's own error) with no file left behind.
   */
  async put(source: AsyncIterable<Uint8Array>, opts: PutOptions = {}): Promise<Stored> {
    const expected = opts.expectedBytes ?? null
    const max = opts.maxBytes ?? Number.POSITIVE_INFINITY
    const tmp = join(this.root, TMP, `${process.pid}-${randomBytes(6).toString('hex')}.part`)
    const hash = createHash('sha256')
    const head = new Uint8Array(SNIFF_BYTES)
    let headLen = 0
    let bytes = 0
    try {
      const fh = await open(tmp, 'wx', 0o600)
      try {
        for await (const chunk of source) {
          bytes += chunk.length
          if (bytes > max) throw new ContentStoreError('too-big', `more than ${max} bytes`)
          if (expected !== null && bytes > expected) throw new ContentStoreError('length-mismatch', `more than the declared ${expected} bytes`)
          if (headLen < SNIFF_BYTES) {
            const take = Math.min(SNIFF_BYTES - headLen, chunk.length)
            head.set(chunk.subarray(0, take), headLen)
            headLen += take
          }
          hash.update(chunk)
          for (let off = 0; off < chunk.length;) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten
        }
      } finally {
        await fh.close()
      }
      if (expected !== null && bytes !== expected) throw new ContentStoreError('length-mismatch', `${bytes} bytes, the message declares ${expected}`)
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
    const sha256 = hash.digest('hex')
    const path = this.pathFor(sha256)
    if (await this.has(sha256)) {
      await rm(tmp, { force: true })
      return { sha256, bytes, path, head: head.slice(0, headLen), existed: true }
    }
    const shard = join(this.root, sha256.slice(0, 2))
    const made = await mkdir(shard, { recursive: true })
    if (made) await syncDir(this.root)
    // fsync the file, rename it into place, fsync the shard folder; on failure the temp file goes.
    await commit(tmp, path)
    return { sha256, bytes, path, head: head.slice(0, headLen), existed: false }
  }
}
