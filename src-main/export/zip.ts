/**
 * Packs the parts of a split export into one .zip, for browser mode: a browser downloads a file,
 * not a folder. yazl streams each part from disk through deflate into the zip (memory stays
 * bounded whatever the size, and it switches to ZIP64 by itself past 4 GiB or 65,535 entries).
 * The zip is written under a temporary name and renamed when complete, like every export file.
 */
import { createWriteStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { ZipFile } from 'yazl'
import { commit } from '../fs/atomic-write'

/**
 * Writes `files` into a zip at `zipPath`, each as `folder/<its name>` (one top-level folder, so
 * unpacking it never scatters parts), and returns the zip's size in bytes. On abort or failure no
 * file is left at `zipPath`.
 */
export async function zipFiles(files: readonly string[], folder: string, zipPath: string, signal?: AbortSignal): Promise<number> {
  const temp = `${zipPath}.partial`
  const zip = new ZipFile()
  try {
    for (const file of files) {
      const { mtime } = await stat(file)
      zip.addFile(file, `${folder}/${basename(file)}`, { mtime })
    }
    zip.end()
    await pipeline(zip.outputStream, createWriteStream(temp, { flags: 'wx' }), signal ? { signal } : {})
    await commit(temp, zipPath)
  } catch (e) {
    await rm(temp, { force: true })
    throw e
  }
  return (await stat(zipPath)).size
}
