/**
 * Adopting a media folder written by `tim-archive pull --media DIR` (issue 17 §1: "An archive
 * imported with its media folder shows its media"). The archive's lines go into the page's store
 * (the renderer's JSONL import keeps their `_archive.media`); this puts the folder's side into the
 * host's media folder, so the page loads the files by SHA-256 as it does for its own downloads:
 *
 * - every content file `<src>/<sha[0..2]>/<sha>` is hashed first and adopted only when its SHA-256
 *   is its name (a renamed, truncated or edited file is rejected and reported); adopting goes
 *   through the content store's `put` (temp file, fsync, rename), so a crash leaves no partial
 *   object;
 * - the outcomes of its ledger (`<src>/ledger.jsonl`, read without taking its lock: a pull may be
 *   using it, and a torn last line is skipped) are merged into the host's ledger per (groupId, key):
 *   a saved outcome only when its file is now in the store, never replacing a saved one by less,
 *   an expiry keeping its first sighting (shared/archive-record.ts mergeMediaNote).
 *
 * Importing the same folder again copies nothing and records nothing. Nothing in `src` is changed.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { mergeMediaNote, type MediaNote } from '../shared/archive-record'
import { ContentStore } from './content-store'
import { MediaLedger, MediaLedgerReader } from './ledger'
import type { MediaOutcome } from './outcome'

const SHA_RE = /^[0-9a-f]{64}$/
const SHARD_RE = /^[0-9a-f]{2}$/

/** Where the folder's files and outcomes go: an open store and ledger (the app's MediaService), or a media folder path. */
export type MediaTarget = { store: ContentStore; ledger: MediaLedger } | string

export interface ImportFolderSummary {
  /** Content files found in the folder. */
  files: number
  /** Files copied into the store. */
  copied: number
  /** Files the store already had. */
  present: number
  /** Files not adopted: their bytes do not hash to their name (or could not be read). */
  rejected: { name: string; reason: string }[]
  /** Outcomes recorded in the host's ledger (new or changed). */
  outcomes: number
  /** Saved outcomes whose file is not in the folder (nor already in the store): not recorded. */
  missingFiles: number
  /** Keys whose outcome changed, per group (for media:changed). */
  changed: Map<string, string[]>
}

export class MediaFolderError extends Error {
  override name = 'MediaFolderError'
}

async function sha256Of(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    bytes += chunk.length
  }
  return { sha256: hash.digest('hex'), bytes }
}

/** Copies a pulled media folder's verified files into the target's store and merges its ledger's outcomes. */
export async function importMediaFolder(src: string, target: MediaTarget): Promise<ImportFolderSummary> {
  let info
  try {
    info = await stat(src)
  } catch {
    throw new MediaFolderError(`${src} does not exist.`)
  }
  if (!info.isDirectory()) throw new MediaFolderError(`${src} is not a folder.`)

  if (typeof target === 'string') {
    const store = await ContentStore.open(target)
    const ledger = await MediaLedger.open(target)
    try {
      return await importInto(src, store, ledger)
    } finally {
      await ledger.close()
    }
  }
  return importInto(src, target.store, target.ledger)
}

async function importInto(src: string, store: ContentStore, ledger: MediaLedger): Promise<ImportFolderSummary> {
  const summary: ImportFolderSummary = { files: 0, copied: 0, present: 0, rejected: [], outcomes: 0, missingFiles: 0, changed: new Map() }
  for (const shard of (await readdir(src, { withFileTypes: true })).filter((d) => d.isDirectory() && SHARD_RE.test(d.name))) {
    for (const f of await readdir(join(src, shard.name), { withFileTypes: true })) {
      if (!f.isFile() || !SHA_RE.test(f.name) || !f.name.startsWith(shard.name)) continue
      summary.files++
      const path = join(src, shard.name, f.name)
      try {
        if (await store.has(f.name)) {
          summary.present++
          continue
        }
        // Hash before adopting: a file whose bytes are not its name never enters the store.
        const first = await sha256Of(path)
        if (first.sha256 !== f.name) {
          summary.rejected.push({ name: f.name, reason: `its bytes hash to ${first.sha256}` })
          continue
        }
        const stored = await store.put(createReadStream(path), { expectedBytes: first.bytes })
        if (stored.sha256 !== f.name) {
          // Changed between the two reads: the copy is kept only under the hash of what was read.
          summary.rejected.push({ name: f.name, reason: 'the file changed while it was copied' })
          continue
        }
        if (stored.existed) summary.present++
        else summary.copied++
      } catch (e) {
        summary.rejected.push({ name: f.name, reason: (e as Error).message })
      }
    }
  }

  // The pull's ledger, read without its lock (a pull may still be running), torn last line ignored.
  const theirs = new MediaLedgerReader(src)
  await theirs.refresh()
  for (const [groupId, key, outcome] of theirs.entries()) {
    if (outcome.status === 'saved' && !(SHA_RE.test(outcome.sha256) && (await store.has(outcome.sha256)))) {
      summary.missingFiles++
      continue
    }
    const prev = ledger.get(groupId, key)
    // Failed attempts are the host's own count to keep (it retries them); another's failure adds nothing.
    if (prev?.status === 'failed' && outcome.status === 'failed') continue
    const wanted = mergeMediaNote(prev as MediaNote | undefined, outcome as unknown as MediaNote)
    if (prev && JSON.stringify(wanted) === JSON.stringify(prev)) continue
    await ledger.record(groupId, key, wanted as unknown as MediaOutcome)
    summary.outcomes++
    let keys = summary.changed.get(groupId)
    if (!keys) summary.changed.set(groupId, (keys = []))
    keys.push(key)
  }
  return summary
}

/** One line for a terminal or a status bar: what was adopted. */
export function describeImportSummary(s: ImportFolderSummary): string {
  const parts = [
    `${s.copied} file${s.copied === 1 ? '' : 's'} copied`,
    `${s.present} already kept`,
    `${s.outcomes} outcome${s.outcomes === 1 ? '' : 's'} recorded`
  ]
  if (s.rejected.length > 0) parts.push(`${s.rejected.length} rejected (not matching their name)`)
  if (s.missingFiles > 0) parts.push(`${s.missingFiles} saved outcome${s.missingFiles === 1 ? '' : 's'} without their file`)
  return parts.join(', ')
}
