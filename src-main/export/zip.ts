/**
 * Packs a folder export (the parts of a split export, or a file with its media/) into one .zip, for
 * browser mode: a browser downloads a file, not a folder. yazl streams each part from disk through deflate into the zip (memory stays
 * bounded whatever the size, and it switches to ZIP64 by itself past 4 GiB or 65,535 entries).
 * The zip is written under a temporary name and renamed when complete, like every export file.
 */
import { createWriteStream } from 'node:fs'
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { ZipFile } from 'yazl'
import { commit } from '../fs/atomic-write'

/**
 * Writes the folder `dir` (its files and subfolders: the parts of a split export, its index.html
 * and its media/ folder) into a zip at `zipPath`, under one top-level `folder/`. Returns the
 * zip's size in bytes. On abort or failure no file is left at `zipPath`.
 */
export async function zipFolder(dir: string, folder: string, zipPath: string, signal?: AbortSignal): Promise<number> {
  const temp = `${zipPath}.partial`
  const zip = new ZipFile()
  try {
    const walk = async (at: string, name: string): Promise<void> => {
      for (const e of (await readdir(at, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(at, e.name)
        if (e.isDirectory()) await walk(path, `${name}/${e.name}`)
        else if (e.isFile()) zip.addFile(path, `${name}/${e.name}`, { mtime: (await stat(path)).mtime })
      }
    }
    await walk(dir, folder)
    zip.end()
    await pipeline(zip.outputStream, createWriteStream(temp, { flags: 'wx' }), signal ? { signal } : {})
    await commit(temp, zipPath)
  } catch (e) {
    await rm(temp, { force: true })
    throw e
  }
  return (await stat(zipPath)).size
}
