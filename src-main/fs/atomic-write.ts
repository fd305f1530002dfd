/**
 * The one way the host replaces a file that must never be seen half-written, nor lost or torn by a
 * crash: write a temporary file beside it, fsync that file, rename it over the final name, then
 * fsync the folder so the rename itself is on disk. Readers see the old content or the new, never a
 * mix; once the call resolves, the new content survives a power cut.
 * (rename within one folder is atomic on POSIX and on NTFS.)
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

export interface AtomicWriteOptions {
  /**
   * Permissions of the file, given when the temporary file is created (so a 0o600 file is never
   * readable by others, not even for an instant). Default 0o666, less the umask.
   */
  mode?: number
}

/** A fresh name beside `path`, hidden, in the same folder (a rename never crosses file systems). */
export function tempPathFor(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.${suffix}`)
}

/** Replaces `path` with `data` atomically and durably (temp file, fsync, rename, fsync folder). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempPathFor(path)
  try {
    const fh = await open(tmp, 'wx', opts.mode ?? 0o666)
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
  await renameAndSyncDir(tmp, path)
}

/**
 * Makes a finished temporary file (written by a stream, say) the file `finalPath`: fsyncs it,
 * renames it over `finalPath` and fsyncs the folder. On failure the temporary file is removed.
 */
export async function commit(tempPath: string, finalPath: string): Promise<void> {
  try {
    const fh = await open(tempPath, 'r+')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch (e) {
    await rm(tempPath, { force: true })
    throw e
  }
  await renameAndSyncDir(tempPath, finalPath)
}

async function renameAndSyncDir(tempPath: string, finalPath: string): Promise<void> {
  try {
    await rename(tempPath, finalPath)
  } catch (e) {
    await rm(tempPath, { force: true })
    throw e
  }
  await syncDir(dirname(finalPath))
}

/**
 * Fsyncs a folder, so that a rename or a new entry in it is on disk. Best effort: Windows cannot
 * open a folder, and there the rename is durable once it returns.
 */
export async function syncDir(dir: string): Promise<void> {
  let dh
  try {
    dh = await open(dir, 'r')
  } catch {
    return
  }
  try {
    await dh.sync()
  } catch {
    // Some file systems refuse to fsync a folder (EINVAL); there is nothing more to do.
  } finally {
    await dh.close()
  }
}

/**
 * writeFileAtomic for the few places that cannot wait: the window state saved from 'close', when the
 * app may be quitting. The same steps and guarantees, synchronously.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const tmp = tempPathFor(path)
  try {
    const fd = openSync(tmp, 'wx', opts.mode ?? 0o666)
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  syncDirSync(dirname(path))
}

function syncDirSync(dir: string): void {
  let fd
  try {
    fd = openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch {
    // As in syncDir.
  } finally {
    closeSync(fd)
  }
}
