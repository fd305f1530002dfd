/**
 * The media ledger (DIR/ledger.jsonl) on real files, and the merge rule for two archived copies of
 * one message (a message's line and the later line `pull --media` appends with `_archive.media`).
 */
import { spawn } from 'node:child_process'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { LEDGER_FILE, MediaDirLockedError, MediaLedger, mediaNotesFor, withMediaNotes } from '../../../src-main/media/ledger'
import { mediaKey } from '../../../src-main/shared/media/objects'
import { mediaInMessage } from '../../../src-main/shared/media/objects'
import type { MediaOutcome } from '../../../src-main/media/outcome'
import { mergeArchivedCopies, mergeMediaNote, mergeMediaNotes, type ArchivedMessage } from '../../../src-main/shared/archive-record'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-ledger-'))
  return () => rm(dir, { recursive: true, force: true })
})

const savedO = (sha = 'a'.repeat(64)): MediaOutcome => ({ status: 'saved', bytes: 10, sha256: sha, type: 'image/png', at: 5 })
const failedO = (attempts = 1): MediaOutcome => ({ status: 'failed', error: 'HTTP 503', attempts, at: 3 })

function imageMessage(seq: number, uuid: string | null, url: string | null): ArchivedMessage {
  return {
    GroupId: 'g',
    From_Account: 'u',
    IsPlaceMsg: 0,
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: uuid, ImageFormat: 1, ImageInfoArray: [{ Type: 3, Size: 10, Width: 1, Height: 1, URL: url }] } }]
  }
}

describe('the media ledger', () => {
  it('keeps outcomes across a reopen, merged (failed attempts add up; saved is never replaced by less)', async () => {
    const a = await MediaLedger.open(dir)
    await a.record('g', 'k1', failedO(2))
    await a.record('g', 'k1', failedO(3))
    await a.record('g', 'k2', savedO())
    expect(await a.record('g', 'k2', failedO())).toEqual(savedO())
    await a.close()
    const b = await MediaLedger.open(dir)
    expect(b.get('g', 'k1')).toMatchObject({ status: 'failed', attempts: 5 })
    expect(b.get('g', 'k2')).toEqual(savedO())
    expect(b.get('other', 'k2')).toBeUndefined()
    expect(b.size).toBe(2)
    await b.close()
  })

  it('is on disk when record() resolves: one line per outcome, appended', async () => {
    const a = await MediaLedger.open(dir)
    await Promise.all([a.record('g', 'k1', savedO()), a.record('h', 'k1', failedO())])
    const lines = (await readFile(join(dir, LEDGER_FILE), 'utf8')).trim().split('\n')
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { g: 'g', k: 'k1', o: savedO() },
      { g: 'h', k: 'k1', o: failedO() }
    ])
    await a.close()
  })

  it('cuts a torn last line (a kill mid-append) and skips lines that are not outcomes', async () => {
    const a = await MediaLedger.open(dir)
    await a.record('g', 'k1', savedO())
    await a.close()
    await appendFile(join(dir, LEDGER_FILE), '{"g":"g","k":"junk","o":{"status":"nonsense"}}\n{"g":"g","k":"k2","o":{"sta')
    const b = await MediaLedger.open(dir)
    expect(b.get('g', 'k1')).toEqual(savedO())
    expect(b.get('g', 'k2')).toBeUndefined()
    expect(b.skipped).toBe(1)
    await b.record('g', 'k2', savedO('b'.repeat(64)))
    await b.close()
    const text = await readFile(join(dir, LEDGER_FILE), 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    expect(text).not.toContain('"sta\n')
    const c = await MediaLedger.open(dir)
    expect(c.get('g', 'k2')).toMatchObject({ status: 'saved' })
    await c.close()
  })

  it('refuses a folder another live process is using, and takes over from a dead one', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
    try {
      await writeFile(join(dir, 'ledger.lock'), String(child.pid))
      await expect(MediaLedger.open(dir)).rejects.toBeInstanceOf(MediaDirLockedError)
    } finally {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
    }
    const l = await MediaLedger.open(dir)
    await l.close()
  })

  it("writes a message's _archive.media from the ledger, and nothing when the line already says it", async () => {
    const l = await MediaLedger.open(dir)
    const rec = imageMessage(1, 'U1', 'https://cos.ap-shanghai.myqcloud.com/u1')
    const refs = mediaInMessage(rec)
    expect(mediaNotesFor(rec, refs, l)).toBeNull()
    await l.record('g', mediaKey(refs[0]!), savedO())
    const notes = mediaNotesFor(rec, refs, l)!
    expect(notes).toEqual({ 'image:thumb:uuid:U1': savedO() })
    const line = withMediaNotes(rec, notes)
    expect(line._archive?.media).toEqual(notes)
    expect(mediaNotesFor(line, refs, l)).toBeNull()
    await l.close()
  })

  it('gives an element with neither UUID nor URL a key by its place in the message', () => {
    const refs = mediaInMessage(imageMessage(1, null, null))
    expect(refs[0]!.key).toBeNull()
    expect(mediaKey(refs[0]!)).toBe('image:thumb:at:0')
  })
})

describe('two archived copies of one message', () => {
  const base = imageMessage(7, 'U', 'https://cos.ap-shanghai.myqcloud.com/u')
  const expired = { status: 'expired', httpStatus: 404, firstSeenAt: 100, lastSeenAt: 100 }

  it('keeps every media outcome either copy records (the union), a saved one over anything later', () => {
    const earlier = { ...base, _archive: { media: { a: savedO() as never, b: expired } } }
    const later = { ...base, _archive: { media: { a: failedO() as never, c: savedO('c'.repeat(64)) as never } } }
    const merged = mergeArchivedCopies(earlier, later)
    expect(merged._archive?.media).toEqual({ a: savedO(), b: expired, c: savedO('c'.repeat(64)) })
  })

  it('keeps the first sighting of an expiry', () => {
    expect(mergeMediaNote(expired, { ...expired, firstSeenAt: 300, lastSeenAt: 300 })).toEqual({ ...expired, lastSeenAt: 300 })
    expect(mergeMediaNotes(undefined, undefined)).toBeUndefined()
    expect(mergeMediaNotes({ a: expired }, undefined)).toEqual({ a: expired })
  })

  it("keeps the earlier copy's server note and media when the later copy has only media", () => {
    const earlier = { ...base, _archive: { server: { IsPlaceMsg: 1, seenAt: '2026-12-01T00:00:00.000Z' } } }
    const later = { ...base, _archive: { media: { a: savedO() as never } } }
    const merged = mergeArchivedCopies(earlier, later)
    expect(merged._archive).toEqual({ server: earlier._archive.server, media: { a: savedO() } })
    expect(merged.MsgBody).toEqual(base.MsgBody)
  })

  it('never lets a later placeholder replace archived content, and keeps the media', () => {
    const earlier = { ...base, _archive: { media: { a: savedO() as never } } }
    const later: ArchivedMessage = { ...base, IsPlaceMsg: 1, MsgBody: [] }
    const merged = mergeArchivedCopies(earlier, later)
    expect(merged.MsgBody).toEqual(base.MsgBody)
    expect(merged.IsPlaceMsg).toBe(0)
    expect(merged._archive?.server?.IsPlaceMsg).toBe(1)
    expect(merged._archive?.media).toEqual({ a: savedO() })
  })

  it('leaves no empty _archive behind', () => {
    expect(mergeArchivedCopies(base, { ...base })).not.toHaveProperty('_archive')
  })
})
