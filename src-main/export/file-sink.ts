/**
 * Where export text goes: a file written under a temporary name in its destination directory and
 * renamed over the final name only when complete. A cancelled or failed export removes the
 * temporary file, so no half-written file ever appears under the name the user chose.
 * (rename within one directory is atomic on POSIX and on NTFS.)
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { once } from 'node:events'
import { commit, syncDir, tempPathFor } from '../fs/atomic-write'

function tempName(path: string): string {
  return tempPathFor(path, 'partial')
}

export class FileSink {
  bytes = 0
  private failed: Error | undefined
  private done = false

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly stream: WriteStream
  ) {
    stream.on('error', (e) => {
      this.failed = e
    })
  }

  /** Opens a sink for `path` (the file itself appears only on commit). */
  static async create(path: string): Promise<FileSink> {
    const temp = tempName(path)
    const stream = createWriteStream(temp, { flags: 'wx' })
    await once(stream, 'open')
    return new FileSink(path, temp, stream)
  }

  /** Appends text, waiting when the disk is behind (memory stays bounded). */
  async write(s: string): Promise<void> {
    if (this.failed) throw this.failed
    if (s === '') return
    this.bytes += Buffer.byteLength(s)
    // once() rejects if the stream emits 'error' while we wait.
    if (!this.stream.write(s)) await once(this.stream, 'drain')
  }

  /** Flushes to disk and renames the temporary file to the final name (fsync, rename, fsync folder). */
  async commit(): Promise<void> {
    if (this.failed) throw this.failed
    this.stream.end()
    await once(this.stream, 'close')
    if (this.failed) throw this.failed
    await commit(this.tempPath, this.path)
    this.done = true
  }

  /** Discards what was written. Safe to call after a failure, and more than once. */
  async abort(): Promise<void> {
    if (this.done) return
    this.done = true
    if (!this.stream.closed) {
      this.stream.destroy()
      await once(this.stream, 'close').catch(() => undefined)
    }
    await rm(this.tempPath, { force: true })
  }
}

/**
 * A directory for a partitioned export, built under a temporary name beside the destination and
 * renamed to it when every part is written. The destination must not exist, or be an empty
 * directory (it is replaced).
 */
export class TempDir {
  private done = false
  private constructor(
    readonly path: string,
    readonly tempPath: string
  ) {}

  static async create(path: string): Promise<TempDir> {
    await assertReplaceableDir(path)
    const temp = tempName(path)
    await mkdir(temp)
    return new TempDir(path, temp)
  }

  async commit(): Promise<void> {
    await assertReplaceableDir(this.path)
    await rmdir(this.path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
    await rename(this.tempPath, this.path)
    await syncDir(dirname(this.path))
    this.done = true
  }

  async abort(): Promise<void> {
    if (this.done) return
    this.done = true
    await rm(this.tempPath, { recursive: true, force: true })
  }
}

export class DestinationExistsError extends Error {}

async function assertReplaceableDir(path: string): Promise<void> {
  let s
  try {
    s = await stat(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  if (!s.isDirectory()) throw new DestinationExistsError(`${path} exists and is not a folder: a split export writes a folder of files.`)
  if ((await readdir(path)).length > 0)
    throw new DestinationExistsError(`${path} is a folder that is not empty: choose a new or empty folder for a split export.`)
}
