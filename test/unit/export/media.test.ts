/**
 * Exports with their media (issue 17 §4): a media folder as `pull --media` leaves it (content store
 * + ledger), real PNG/WAV/MP4/PDF bytes, and the exporter run to real files.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExport } from '../../../src-main/export/exporter'
import { contentSecurityPolicy } from '../../../src-main/export/html'
import { readMediaFolder, storePath, type ExportMediaOptions } from '../../../src-main/export/media'
import type { ExportFormat, ExportMeta } from '../../../src-main/export/types'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { mediaInMessage, mediaKey } from '../../../src-main/shared/media/objects'
import { blobBytes, mp4, pdf, png, wav } from '../../../tools/sim/media/encode'

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const G = '@TGS#MEDIA'

const thumb = blobBytes(png(20, 10, [200, 30, 30]))
const large = blobBytes(png(200, 100, [30, 200, 30]))
const big = blobBytes(png(600, 300, [30, 30, 200], 300 * 1024)) // over the 256 KB inline cap
const voice = blobBytes(wav(0.5))
const video = blobBytes(mp4({ width: 32, height: 32, seconds: 1, rgb: [1, 2, 3] }))
const vthumb = blobBytes(png(32, 32, [9, 9, 9]))
const doc = blobBytes(pdf('report'))

function msg(seq: number, body: unknown[], media?: Record<string, unknown>): ArchivedMessage {
  const m: ArchivedMessage = {
    GroupId: G,
    MsgSeq: seq,
    MsgTimeStamp: 1_714_989_600 + seq,
    From_Account: 'alice',
    MsgRandom: seq,
    IsPlaceMsg: 0,
    MsgBody: body as never
  }
  if (media) m._archive = { media: media as never }
  return m
}
const image = (uuid: string, sizes: { type: number; bytes: Uint8Array; w: number; h: number }[]) => ({
  MsgType: 'TIMImageElem',
  MsgContent: {
    UUID: uuid,
    ImageFormat: 3,
    ImageInfoArray: sizes.map((s) => ({
      Type: s.type,
      Size: s.bytes.length,
      Width: s.w,
      Height: s.h,
      URL: `https://cos.example.myqcloud.com/${uuid}/${s.type}`
    }))
  }
})

const messages: ArchivedMessage[] = [
  msg(1, [
    { MsgType: 'TIMTextElem', MsgContent: { Text: 'holiday <b>photo</b>' } },
    image('img-1', [
      { type: 1, bytes: large, w: 200, h: 100 },
      { type: 3, bytes: thumb, w: 20, h: 10 }
    ])
  ]),
  // The same picture again (same bytes): one file in media/.
  msg(2, [image('img-2', [{ type: 3, bytes: thumb, w: 20, h: 10 }])]),
  msg(3, [{ MsgType: 'TIMSoundElem', MsgContent: { UUID: 'snd', Url: 'https://cos.example.myqcloud.com/snd', Size: voice.length, Second: 1 } }]),
  msg(4, [
    {
      MsgType: 'TIMVideoFileElem',
      MsgContent: {
        VideoUUID: 'vid',
        VideoUrl: 'https://cos.example.myqcloud.com/vid',
        VideoSize: video.length,
        VideoSecond: 1,
        VideoFormat: 'mp4',
        ThumbUUID: 'vth',
        ThumbUrl: 'https://cos.example.myqcloud.com/vth',
        ThumbSize: vthumb.length,
        ThumbWidth: 32,
        ThumbHeight: 32
      }
    }
  ]),
  msg(5, [
    {
      MsgType: 'TIMFileElem',
      MsgContent: { UUID: 'doc', Url: 'https://cos.example.myqcloud.com/doc', FileSize: doc.length, FileName: 'Q3 "report"<img src=x onerror=alert(1)>.pdf' }
    }
  ]),
  // Saved, but its file was deleted from the media folder.
  msg(6, [image('img-gone', [{ type: 3, bytes: Buffer.from('gone'), w: 5, h: 5 }])]),
  // An imported line whose note carries a crafted path: never used.
  msg(7, [image('img-big', [{ type: 1, bytes: big, w: 600, h: 300 }])], {
    'image:original:uuid:img-big': { status: 'saved', sha256: sha(big), bytes: big.length, type: 'image/png', at: 1, path: 'javascript:alert(1)' }
  })
]

let dir: string
let mediaDir: string
let media: ExportMediaOptions

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tim-export-media-'))
  mediaDir = join(dir, 'kept')
  const ledger: string[] = []
  const save = async (groupId: string, key: string, bytes: Uint8Array, type: string, store = true) => {
    const h = sha(bytes)
    if (store) {
      await mkdir(join(mediaDir, h.slice(0, 2)), { recursive: true })
      await writeFile(storePath(mediaDir, h), bytes)
    }
    ledger.push(JSON.stringify({ g: groupId, k: key, o: { status: 'saved', bytes: bytes.length, sha256: h, type, at: 1 } }))
  }
  const bytesOf: Record<string, Uint8Array> = {
    'image:original:uuid:img-1': large,
    'image:thumb:uuid:img-1': thumb,
    'image:thumb:uuid:img-2': thumb,
    'sound:uuid:snd': voice,
    'video:uuid:vid': video,
    'video-thumb:uuid:vth': vthumb,
    'file:uuid:doc': doc
  }
  for (const m of messages.slice(0, 5)) for (const r of mediaInMessage(m)) await save(G, mediaKey(r), bytesOf[mediaKey(r)]!, 'application/octet-stream')
  await save(G, 'image:thumb:uuid:img-gone', Buffer.from('gone'), 'image/png', false)
  // img-big is only in its line's note; its file is in the store.
  await mkdir(join(mediaDir, sha(big).slice(0, 2)), { recursive: true })
  await writeFile(storePath(mediaDir, sha(big)), big)
  await writeFile(join(mediaDir, 'ledger.jsonl'), ledger.join('\n') + '\n{"g":"torn')
  media = { source: await readMediaFolder(mediaDir), mode: 'folder' }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const meta: ExportMeta = { app: 't', version: '1', exportedAt: '2024-05-06T00:00:00Z', query: '', groups: [{ groupId: G }], timeZone: 'UTC' }

async function* chunks(list: ArchivedMessage[], n = 2): AsyncGenerator<ArchivedMessage[]> {
  for (let i = 0; i < list.length; i += n) yield list.slice(i, i + n)
}

async function exportTo(name: string, format: ExportFormat, opts: Partial<{ split: boolean; mode: 'folder' | 'inline' }> = {}) {
  const out = join(dir, name)
  if (!opts.split) await mkdir(out, { recursive: true })
  const file = opts.split ? out : join(out, `export.${format}`)
  const r = await runExport(chunks(messages), {
    format,
    out: file,
    meta,
    media: { ...media, mode: opts.mode ?? 'folder' },
    ...(opts.split ? { split: { kind: 'count' as const, messages: 3 } } : {})
  })
  return { out, file, r }
}

const ext = {
  thumb: `${sha(thumb)}.png`,
  large: `${sha(large)}.png`,
  big: `${sha(big)}.png`,
  voice: `${sha(voice)}.wav`,
  video: `${sha(video)}.mp4`,
  vthumb: `${sha(vthumb)}.png`,
  doc: `${sha(doc)}.pdf`
}

describe('an HTML export with a media folder', () => {
  it('copies each kept object once, named by its SHA-256 and sniffed type, with the same bytes', async () => {
    const { out, r } = await exportTo('html', 'html')
    const names = (await readdir(join(out, 'media'))).sort()
    expect(names).toEqual(Object.values(ext).sort())
    for (const n of names) expect(sha(await readFile(join(out, 'media', n)))).toBe(n.split('.')[0])
    expect(r.media).toMatchObject({ files: 7, missing: 1 })
    expect(r.media!.missingNames[0]).toBe(`${sha(Buffer.from('gone'))} (${G} #6)`)
  })

  it('shows the thumbnail inline at its declared size, linked to the original; voice, video and files by relative paths', async () => {
    const { file } = await exportTo('html2', 'html')
    const html = await readFile(file, 'utf8')
    expect(html).toMatch(
      new RegExp(
        `<a class="k" href="media/${ext.large}" title="original, [^"]+"><img class="mi" src="media/${ext.thumb}" width="20" height="10" alt="image" loading="lazy"></a>`
      )
    )
    expect(html).toContain(`<audio class="k" controls preload="none" src="media/${ext.voice}"></audio>`)
    expect(html).toMatch(
      new RegExp(`<video class="mi k" controls preload="none" src="media/${ext.video}" poster="media/${ext.vthumb}" width="32" height="32">`)
    )
    // A file name from a message is text in a quoted attribute and a text node, never markup.
    const name = 'Q3 &quot;report&quot;&lt;img src=x onerror=alert(1)&gt;.pdf'
    expect(html).toContain(`href="media/${ext.doc}" download="${name}">${name} (`)
    expect(html).not.toMatch(/<img[^>]*onerror/)
    // Every src and href that is not an http(s) link is a file of media/.
    for (const [, url] of html.matchAll(/(?:src|href|poster)="([^"]+)"/g)) expect(url).toMatch(/^(media\/[0-9a-f]{64}\.[a-z0-9]+|https:\/\/.*)$/)
    expect(html).not.toContain('javascript:alert')
    expect(html).toContain('holiday &lt;b&gt;photo&lt;/b&gt;')
    expect(html).toContain(`content="${contentSecurityPolicy(true, 'folder')}"`)
    expect(contentSecurityPolicy(true, 'folder')).toContain("img-src 'self'; media-src 'self'")
    expect(contentSecurityPolicy(true, 'folder')).not.toContain('data:')
  })

  it('a split export shares one media folder among its parts', async () => {
    const { out, r } = await exportTo('split', 'html', { split: true })
    const top = (await readdir(out)).sort()
    expect(top).toEqual(['index.html', 'media', 'part-0001.html', 'part-0002.html', 'part-0003.html'])
    expect((await readdir(join(out, 'media'))).length).toBe(7)
    const p1 = await readFile(join(out, 'part-0001.html'), 'utf8')
    expect(p1).toContain(`src="media/${ext.thumb}"`)
    expect(r.media!.files).toBe(7)
  })

  it('a self-contained page inlines thumbnails as data: URLs, names what is over the cap, and copies nothing', async () => {
    const { out, file, r } = await exportTo('inline', 'html', { mode: 'inline' })
    expect(await readdir(out)).toEqual(['export.html'])
    const html = await readFile(file, 'utf8')
    expect(html).toContain(`<img class="mi" src="data:image/png;base64,${Buffer.from(thumb).toString('base64')}" width="20" height="10"`)
    expect(html).toContain(`kept as ${ext.big} (`)
    expect(html).not.toContain(`base64,${Buffer.from(big).toString('base64').slice(0, 40)}`)
    expect(html).not.toMatch(/src="media\//)
    expect(html).toContain(`content="${contentSecurityPolicy(true, 'inline')}"`)
    expect(contentSecurityPolicy(true, 'inline')).toContain('img-src data:')
    expect(contentSecurityPolicy(true, 'inline')).not.toContain('media-src')
    // Only what a reader sees inline: the shared thumbnail once, the video's thumbnail; not the larger size of a picture.
    expect(r.media!.files).toBe(2)
    expect(html).not.toContain(Buffer.from(large).toString('base64').slice(0, 60))
  })

  it('without media, the page loads nothing, as before', () => {
    expect(contentSecurityPolicy(true)).toContain("img-src 'none'")
  })
})

describe('JSON, JSON Lines, text, Markdown and CSV with media', () => {
  it('JSON Lines: each saved _archive.media entry carries the relative path of its copy, and it resolves', async () => {
    const { out, file } = await exportTo('jsonl', 'jsonl')
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ArchivedMessage)
    const first = lines[0]!._archive!.media!
    expect(first['image:thumb:uuid:img-1']).toMatchObject({ status: 'saved', path: `media/${ext.thumb}` })
    expect(first['image:original:uuid:img-1']).toMatchObject({ path: `media/${ext.large}` })
    for (const l of lines)
      for (const n of Object.values(l._archive?.media ?? {})) if (typeof n.path === 'string') expect(sha(await readFile(join(out, n.path)))).toBe(n.sha256)
    // The crafted path is gone; the real copy's path replaced it.
    expect(lines[6]!._archive!.media!['image:original:uuid:img-big']!.path).toBe(`media/${ext.big}`)
    // Saved but missing: no path.
    expect(lines[5]!._archive!.media!['image:thumb:uuid:img-gone']).toMatchObject({ status: 'saved' })
    expect(lines[5]!._archive!.media!['image:thumb:uuid:img-gone']).not.toHaveProperty('path')
  })

  it('JSON carries the same paths', async () => {
    const { file } = await exportTo('json', 'json')
    const j = JSON.parse(await readFile(file, 'utf8')) as { messages: ArchivedMessage[] }
    expect(j.messages[4]!._archive!.media!['file:uuid:doc']!.path).toBe(`media/${ext.doc}`)
  })

  it('text, Markdown and CSV name the local file beside the URL', async () => {
    for (const format of ['txt', 'md', 'csv'] as const) {
      const { file } = await exportTo(`text-${format}`, format)
      const text = await readFile(file, 'utf8')
      expect(text, format).toContain(`media/${ext.large}`)
      expect(text, format).toContain(`media/${ext.doc}`)
      expect(text, format).toContain(`media/${ext.video}`)
      expect(text, format).toContain('https://cos.example.myqcloud.com/doc')
    }
  })

  it('the progress counts the media files as they are copied', async () => {
    const out = join(dir, 'progress')
    await mkdir(out)
    const seen: number[] = []
    await runExport(chunks(messages, 10), {
      format: 'html',
      out: join(out, 'p.html'),
      meta,
      media,
      onProgress: (p) => seen.push(p.mediaFiles ?? -1)
    })
    // One chunk of every message, yet a report per file copied: 1, 2, … 7, then the chunk's.
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 7])
  })

  it('a cancelled single-file export leaves neither the file nor the media it copied', async () => {
    const out = join(dir, 'cancel')
    await mkdir(out)
    const abort = new AbortController()
    async function* source(): AsyncGenerator<ArchivedMessage[]> {
      yield messages.slice(0, 2)
      abort.abort(new Error('stop'))
      yield messages.slice(2)
    }
    await expect(runExport(source(), { format: 'html', out: join(out, 'x.html'), meta, media, signal: abort.signal })).rejects.toThrow('stop')
    expect(await readdir(out)).toEqual([])
  })
})
