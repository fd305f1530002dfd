/**
 * `pull --media` without the CLI around it: a real JSONL archive, a real media folder and a real
 * loopback file server standing for COS. Batches are committed as the engine would; downloads start
 * from the archive's commit hook; outcomes land in the ledger and then in a later line of each
 * message. Crashes are simulated by closing everything mid-run (or by writing the files a crash
 * leaves) and opening again: the queue is derived again from the archive minus the ledger.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { JsonlArchive } from '../../../src-main/archive/jsonl-archive'
import { MediaPull } from '../../../src-main/cli/pull-media'
import { scanJsonl } from '../../../src-main/export/jsonl-source'
import { MediaLedger } from '../../../src-main/media/ledger'
import { DEFAULT_LIMITS, type MediaLimits } from '../../../src-main/media/outcome'
import { makeFetchPolicy } from '../../../src-main/media/url-policy'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { textMessage } from '../../helpers/messages'
import { jpegBytes, pngBytes, serve, startFileServer, type FileServer } from './loopback-files'

let cos: FileServer
let work: string
let archivePath: string
let mediaDir: string

beforeAll(async () => {
  cos = await startFileServer()
})
afterAll(async () => {
  await cos.close()
})
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'pull-media-'))
  archivePath = join(work, 'chats.jsonl')
  mediaDir = join(work, 'media')
  cos.routes.clear()
  cos.requests.length = 0
  return () => rm(work, { recursive: true, force: true })
})

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function imageMessage(seq: number, uuid: string, path: string, bytes: number): RawMessage {
  return {
    From_Account: 'u',
    IsPlaceMsg: 0,
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    MsgBody: [
      {
        MsgType: 'TIMImageElem',
        MsgContent: { UUID: uuid, ImageFormat: 1, ImageInfoArray: [{ Type: 3, Size: bytes, Width: 10, Height: 10, URL: `${cos.url}${path}` }] }
      }
    ]
  }
}

function videoMessage(seq: number): RawMessage {
  return {
    From_Account: 'u',
    IsPlaceMsg: 0,
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    MsgBody: [
      {
        MsgType: 'TIMVideoFileElem',
        MsgContent: {
          VideoUUID: `v${seq}`,
          VideoUrl: `${cos.url}/v${seq}.mp4`,
          VideoSize: 100,
          ThumbUUID: `t${seq}`,
          ThumbUrl: `${cos.url}/t${seq}.jpg`,
          ThumbSize: 200,
          ThumbWidth: 10,
          ThumbHeight: 10
        }
      }
    ]
  }
}

interface Run {
  media: MediaPull
  archive: JsonlArchive
  abort: AbortController
}

async function openRun(opts: { limits?: MediaLimits; recheck?: boolean; concurrency?: number } = {}): Promise<Run> {
  const abort = new AbortController()
  const media = await MediaPull.open({
    dir: mediaDir,
    policy: makeFetchPolicy({ endpoint: cos.url }),
    limits: opts.limits ?? DEFAULT_LIMITS,
    recheck: opts.recheck,
    concurrency: opts.concurrency ?? 4,
    signal: abort.signal
  })
  const archive = await JsonlArchive.open(archivePath, media.hooks)
  media.start(archive)
  return { media, archive, abort }
}

async function finish(r: Run): Promise<void> {
  await r.media.drain()
  await r.archive.close()
  await r.media.close()
}

/** The records as a reader sees them: the last line of each seq (export's rule). */
async function readArchive(): Promise<Map<number, ArchivedMessage>> {
  const scan = await scanJsonl(archivePath, { keep: () => true })
  const out = new Map<number, ArchivedMessage>()
  for await (const chunk of scan.read()) for (const m of chunk) out.set(m.MsgSeq, m)
  return out
}

async function lineCount(): Promise<number> {
  return (await readFile(archivePath, 'utf8')).trim().split('\n').length
}

describe('pull --media', () => {
  it('downloads what a committed batch references and records it in the ledger and in a later line', async () => {
    const a = pngBytes(1200, 1)
    const b = jpegBytes(900, 2)
    cos.routes.set('/a.png', serve(a))
    cos.routes.set('/b', serve(b, { 'content-type': 'text/html' }))
    const run = await openRun()
    await run.archive.commit({
      groupId: 'g',
      messages: [textMessage(1), imageMessage(2, 'UA', '/a.png', a.length), imageMessage(3, 'UB', '/b', b.length)],
      range: [1, 3]
    })
    await finish(run)

    const recs = await readArchive()
    expect(recs.size).toBe(3)
    expect(recs.get(1)!._archive).toBeUndefined()
    expect(recs.get(2)!._archive?.media).toEqual({
      'image:thumb:uuid:UA': expect.objectContaining({ status: 'saved', sha256: sha(a), type: 'image/png', bytes: a.length })
    })
    expect(recs.get(3)!._archive?.media?.['image:thumb:uuid:UB']).toMatchObject({ status: 'saved', sha256: sha(b), type: 'image/jpeg' })
    // Two messages, one later line each; the message itself is unchanged in it.
    expect(await lineCount()).toBe(5)
    const { _archive: _x, GroupId: _g, ...api } = recs.get(2)!
    expect(api).toEqual(imageMessage(2, 'UA', '/a.png', a.length))
    expect(new Uint8Array(await readFile(join(mediaDir, sha(a).slice(0, 2), sha(a))))).toEqual(a)
    expect(run.media.byStatus.saved).toBe(2)
  })

  it('records expiries, refusals and elements without a URL, each in its message', async () => {
    cos.routes.set('/t5.jpg', serve(jpegBytes(200)))
    const run = await openRun({ limits: { ...DEFAULT_LIMITS, video: 'thumbnail' } })
    const noUrl: RawMessage = { ...textMessage(6), MsgBody: [{ MsgType: 'TIMSoundElem', MsgContent: { UUID: 's6', Size: 10, Second: 1 } }] }
    await run.archive.commit({ groupId: 'g', messages: [imageMessage(4, 'GONE', '/gone.png', 10), videoMessage(5), noUrl], range: [4, 6] })
    await finish(run)
    const recs = await readArchive()
    expect(recs.get(4)!._archive?.media?.['image:thumb:uuid:GONE']).toMatchObject({ status: 'expired', httpStatus: 404 })
    expect(recs.get(5)!._archive?.media).toMatchObject({
      'video:uuid:v5': { status: 'refused', reason: 'type-not-allowed' },
      'video-thumb:uuid:t5': { status: 'saved', type: 'image/jpeg' }
    })
    expect(recs.get(6)!._archive?.media?.['sound:uuid:s6']).toMatchObject({ status: 'no-url', note: 'no URL: sent by an old SDK' })
    expect(cos.requests.sort()).toEqual(['/gone.png', '/t5.jpg'])
  })

  it('after a crash before any download, derives the queue from the archive and fetches it all', async () => {
    const a = pngBytes(500, 3)
    cos.routes.set('/a.png', serve(a))
    // The archive has the message; the media folder knows nothing (killed right after the commit).
    const plain = await JsonlArchive.open(archivePath)
    await plain.commit({ groupId: 'g', messages: [imageMessage(1, 'UA', '/a.png', a.length)], range: [1, 1] })
    await plain.close()
    const run = await openRun()
    await finish(run)
    expect((await readArchive()).get(1)!._archive?.media?.['image:thumb:uuid:UA']).toMatchObject({ status: 'saved', sha256: sha(a) })
    expect(cos.requests).toEqual(['/a.png'])
  })

  it('after a crash between the ledger and the line, writes the line without downloading again', async () => {
    const a = pngBytes(500, 4)
    cos.routes.set('/a.png', serve(a))
    const plain = await JsonlArchive.open(archivePath)
    await plain.commit({ groupId: 'g', messages: [imageMessage(1, 'UA', '/a.png', a.length)], range: [1, 1] })
    await plain.close()
    const ledger = await MediaLedger.open(mediaDir)
    await ledger.record('g', 'image:thumb:uuid:UA', { status: 'expired', httpStatus: 404, firstSeenAt: 42, lastSeenAt: 42 })
    await ledger.close()
    const run = await openRun()
    await finish(run)
    expect((await readArchive()).get(1)!._archive?.media?.['image:thumb:uuid:UA']).toEqual({
      status: 'expired',
      httpStatus: 404,
      firstSeenAt: 42,
      lastSeenAt: 42
    })
    expect(cos.requests).toEqual([])
  })

  it('resumes after being stopped mid-run: what was recorded is not fetched again, the rest is', async () => {
    const files = Array.from({ length: 6 }, (_, i) => pngBytes(400 + i, i))
    for (let i = 0; i < 4; i++) cos.routes.set(`/f${i}`, serve(files[i]!))
    // Two files hang: the run is stopped while they are in flight.
    for (const i of [4, 5]) cos.routes.set(`/f${i}`, () => {})
    const run = await openRun({ concurrency: 6 })
    await run.archive.commit({ groupId: 'g', messages: files.map((f, i) => imageMessage(i + 1, `U${i}`, `/f${i}`, f.length)), range: [1, 6] })
    while (run.media.queue.stats.done < 4) await new Promise((r) => setTimeout(r, 10))
    run.abort.abort(new Error('interrupted'))
    await finish(run)
    const first = await readArchive()
    expect([...first.values()].filter((m) => m._archive?.media).map((m) => m.MsgSeq)).toEqual([1, 2, 3, 4])

    for (const i of [4, 5]) cos.routes.set(`/f${i}`, serve(files[i]!))
    cos.requests.length = 0
    await finish(await openRun())
    expect(cos.requests.sort()).toEqual(['/f4', '/f5'])
    const recs = await readArchive()
    for (let i = 0; i < 6; i++) expect(recs.get(i + 1)!._archive?.media?.[`image:thumb:uuid:U${i}`]).toMatchObject({ status: 'saved', sha256: sha(files[i]!) })
    // A third run has nothing to do.
    cos.requests.length = 0
    const lines = await lineCount()
    await finish(await openRun())
    expect(cos.requests).toEqual([])
    expect(await lineCount()).toBe(lines)
  })

  it("keeps groups apart: another group's message reusing a UUID does not borrow its outcome", async () => {
    const a = pngBytes(600, 9)
    cos.routes.set('/a.png', serve(a))
    const run = await openRun()
    await run.archive.commit({ groupId: 'A', messages: [imageMessage(1, 'SAME', '/a.png', a.length)], range: [1, 1] })
    await run.media.drain()
    // Group B's crafted message: A's UUID, a URL that is gone.
    await run.archive.commit({ groupId: 'B', messages: [imageMessage(1, 'SAME', '/missing', a.length)], range: [1, 1] })
    await finish(run)
    const scan = await scanJsonl(archivePath, { keep: () => true })
    const byGroup = new Map<string, ArchivedMessage>()
    for await (const chunk of scan.read()) for (const m of chunk) byGroup.set(m.GroupId, m)
    expect(byGroup.get('A')!._archive?.media?.['image:thumb:uuid:SAME']).toMatchObject({ status: 'saved' })
    expect(byGroup.get('B')!._archive?.media?.['image:thumb:uuid:SAME']).toMatchObject({ status: 'expired' })
    expect(cos.requests).toEqual(['/a.png', '/missing'])
  })

  it('fetches an object once when several messages reference it, and records it in each', async () => {
    const a = pngBytes(600, 10)
    cos.routes.set('/a.png', serve(a))
    const run = await openRun()
    await run.archive.commit({
      groupId: 'g',
      messages: [imageMessage(1, 'FWD', '/a.png', a.length), imageMessage(2, 'FWD', '/a.png', a.length)],
      range: [1, 2]
    })
    await run.archive.commit({ groupId: 'g', messages: [imageMessage(3, 'FWD', '/a.png', a.length)], range: [3, 3] })
    await finish(run)
    expect(cos.requests).toEqual(['/a.png'])
    const recs = await readArchive()
    for (const seq of [1, 2, 3]) expect(recs.get(seq)!._archive?.media?.['image:thumb:uuid:FWD']).toMatchObject({ status: 'saved' })
  })

  it('tries a refused object again only with --recheck', async () => {
    const v = new Uint8Array(100)
    v.set([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d])
    cos.routes.set('/v1.mp4', serve(v))
    cos.routes.set('/t1.jpg', serve(jpegBytes(200)))
    const off = { ...DEFAULT_LIMITS, video: 'thumbnail' as const }
    let run = await openRun({ limits: off })
    await run.archive.commit({ groupId: 'g', messages: [videoMessage(1)], range: [1, 1] })
    await finish(run)
    expect((await readArchive()).get(1)!._archive?.media?.['video:uuid:v1']).toMatchObject({ status: 'refused' })

    cos.requests.length = 0
    await finish(await openRun())
    expect(cos.requests).toEqual([])

    run = await openRun({ recheck: true })
    await finish(run)
    expect(cos.requests).toEqual(['/v1.mp4'])
    expect((await readArchive()).get(1)!._archive?.media?.['video:uuid:v1']).toMatchObject({ status: 'saved', type: 'video/mp4' })
  })

  it('takes in outcomes an archive brings from another media folder, fetching a "saved" file that is not here', async () => {
    const a = pngBytes(300, 11)
    cos.routes.set('/a.png', serve(a))
    let run = await openRun()
    await run.archive.commit({ groupId: 'g', messages: [imageMessage(1, 'UA', '/a.png', a.length), imageMessage(2, 'GONE', '/gone', 5)], range: [1, 2] })
    await finish(run)
    // The same archive, a new media folder.
    mediaDir = join(work, 'media2')
    cos.requests.length = 0
    run = await openRun()
    await finish(run)
    // The saved file is fetched into the new folder; the expiry is taken as it is.
    expect(cos.requests).toEqual(['/a.png'])
    const l = await MediaLedger.open(mediaDir)
    expect(l.get('g', 'image:thumb:uuid:UA')).toMatchObject({ status: 'saved', sha256: sha(a) })
    expect(l.get('g', 'image:thumb:uuid:GONE')).toMatchObject({ status: 'expired' })
    await l.close()
  })
})

describe('the archive hooks and annotate()', () => {
  it('refuses to annotate a message that is not archived', async () => {
    const archive = await JsonlArchive.open(archivePath)
    await expect(archive.annotate([{ ...textMessage(9), GroupId: 'g' }])).rejects.toThrow('not archived')
    await archive.close()
  })

  it('reports each record on open, and new records once durable; annotations count as no new message', async () => {
    const first = await JsonlArchive.open(archivePath)
    await first.commit({ groupId: 'g', messages: [textMessage(1), textMessage(2)], range: [1, 2] })
    await first.annotate([{ ...textMessage(1), GroupId: 'g', _archive: { media: { k: { status: 'no-url' } } } }])
    expect(first.appended).toBe(2)
    expect(first.annotated).toBe(1)
    await first.close()
    const seen: number[] = []
    const appended: number[] = []
    const second = await JsonlArchive.open(archivePath, { onRecord: (r) => seen.push(r.MsgSeq), onAppend: (rs) => appended.push(...rs.map((r) => r.MsgSeq)) })
    expect(seen).toEqual([1, 2, 1])
    expect(second.messageCount('g')).toBe(2)
    await second.commit({ groupId: 'g', messages: [textMessage(2), textMessage(3)], range: [2, 3] })
    expect(appended).toEqual([3])
    await second.close()
  })
})
