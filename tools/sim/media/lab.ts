/**
 * The "media lab" demo group (issue 17 §6): one message per kind of media Tencent IM sends, with
 * real bytes on the simulator's loopback COS, plus the hostile cases the archive must refuse. Element
 * fields are Tencent's (docs/reference/tencent-im-api.md §4, §11; checked against the generated Java
 * SDK's TIMImageElemMsgContent / TIMVideoFileElemMsgContent and the REST element pages).
 *
 * Seq → content (MEDIA_LAB_SEQS names them):
 *   1 text · 2 PNG image · 3 JPEG image (4032×3024 original) · 4 GIF image · 5 text + portrait JPEG
 *   6 voice (WAV) · 7 video (H.264 MP4) with a JPEG thumbnail · 8 PDF · 9 ZIP · 10 TXT
 *   11 merged message (TIMRelayElem) with an image inside · 12 file without URL (old SDK)
 *   13 oversize file (150 MiB + 17 bytes, streamed) · 14 image whose Content-Type lies (HTML bytes)
 *   15 file that redirects (302) to https://evil.example/x · 16 truncated file download
 *   17 file on another 127.0.0.1 port (the private-address stand-in) · 18 image whose file expired
 *   while the message is still served (`mediaExpired`) · 19 text
 */
import type { MsgElement } from '../../../src-main/shared/tim-types'
import type { SimGroup, SimMessage } from '../server'
import { mulberry32 } from '../../random'
import { COS_PREFIX, SIM_COS_ORIGIN, SIM_PRIVATE_ORIGIN, type MediaOverride } from './cos'

export const mediaLabGroupId = '@TGS#7MEDIALAB'
/** The media lab's COS bucket: its URLs are signed per answer, and refused (403) unsigned. */
export const mediaBucket = 'media-lab-1400000001'
/** The team chat's COS bucket: public-read, stable URLs. */
export const teamBucket = 'demo-1400000001'
/** Bytes of the oversize file: over the default 100 MB per-file cap, declared and actual. */
export const oversizeBytes = 150 * 1024 * 1024 + 17

export const MEDIA_LAB_SEQS = {
  png: 2,
  jpeg: 3,
  gif: 4,
  portrait: 5,
  voice: 6,
  video: 7,
  pdf: 8,
  zip: 9,
  txt: 10,
  relay: 11,
  noUrl: 12,
  oversize: 13,
  lyingType: 14,
  redirect: 15,
  truncated: 16,
  privatePort: 17,
  expiredMedia: 18
} as const

const base = `${SIM_COS_ORIGIN}${COS_PREFIX}${mediaBucket}`
const text = (Text: string): MsgElement => ({ MsgType: 'TIMTextElem', MsgContent: { Text } })

/** A fixed 32-hex-digit UUID per name (deterministic, no PRNG draws). */
function uuidOf(name: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  let out = ''
  for (let round = 0; out.length < 32; round++) {
    for (let i = 0; i < name.length; i++) {
      h1 = Math.imul(h1 ^ name.charCodeAt(i), 16777619)
      h2 = Math.imul(h2 ^ (name.charCodeAt(i) + round), 2246822519)
    }
    out += ((h1 ^ h2) >>> 0).toString(16).padStart(8, '0')
  }
  return out.slice(0, 32)
}

interface Size {
  w: number
  h: number
  bytes: number
}

/** ImageFormat: 1 JPG, 2 GIF, 3 PNG (§4). Sizes are Type 1 original, 2 large, 3 thumbnail. */
function image(name: string, format: 1 | 2 | 3, sizes: [Size, Size, Size], root = base): MsgElement {
  const id = uuidOf(name)
  const ext = format === 1 ? 'jpg' : format === 2 ? 'gif' : 'png'
  return {
    MsgType: 'TIMImageElem',
    MsgContent: {
      UUID: `${id}.${ext}`,
      ImageFormat: format,
      ImageInfoArray: sizes.map((s, i) => ({
        Type: i + 1,
        Size: s.bytes,
        Width: s.w,
        Height: s.h,
        URL: `${root}/img/${id}_${i + 1}.${ext}${i === 0 ? '' : `?imageMogr2/thumbnail/${i === 1 ? '720x' : '198x'}`}`
      }))
    }
  }
}

function file(name: string, FileName: string, FileSize: number, root: string | null = base): MsgElement {
  const id = uuidOf(name)
  const content: Record<string, unknown> = { UUID: id, FileSize, FileName }
  if (root !== null) {
    content['Url'] = `${root}/file/${id}/${encodeURIComponent(FileName)}`
    content['Download_Flag'] = 2
  }
  return { MsgType: 'TIMFileElem', MsgContent: content }
}

/** The decoded COS path of a URL built here (without its query). */
function pathOf(url: string): string {
  const rest = url.slice(SIM_COS_ORIGIN.length)
  const q = rest.indexOf('?')
  return decodeURIComponent(q < 0 ? rest : rest.slice(0, q))
}

function urlsOf(e: MsgElement): string[] {
  const c = e.MsgContent
  if (e.MsgType === 'TIMImageElem') return (c['ImageInfoArray'] as { URL: string }[]).map((i) => i.URL)
  if (e.MsgType === 'TIMFileElem') return [c['Url'] as string]
  return []
}

/** The media lab group, `now` (Unix seconds) anchoring its timestamps: the last 3 days before it. */
export function mediaLabGroup(now: number): SimGroup {
  const voiceSeconds = 7
  const png1 = image('lab-png', 3, [
    { w: 1280, h: 720, bytes: 182_417 },
    { w: 720, h: 405, bytes: 61_234 },
    { w: 198, h: 111, bytes: 9_871 }
  ])
  const jpeg1 = image('lab-jpeg', 1, [
    { w: 4032, h: 3024, bytes: 2_345_678 },
    { w: 720, h: 540, bytes: 98_765 },
    { w: 198, h: 149, bytes: 7_777 }
  ])
  const gif1 = image('lab-gif', 2, [
    { w: 480, h: 270, bytes: 310_000 },
    { w: 480, h: 270, bytes: 310_000 },
    { w: 198, h: 111, bytes: 12_000 }
  ])
  const portrait = image('lab-portrait', 1, [
    { w: 1080, h: 1920, bytes: 612_345 },
    { w: 720, h: 1280, bytes: 143_210 },
    { w: 198, h: 352, bytes: 8_642 }
  ])
  const voiceId = uuidOf('lab-voice')
  const videoId = uuidOf('lab-video')
  const thumbId = uuidOf('lab-video-thumb')
  const relayImage = image('lab-relay-png', 3, [
    { w: 800, h: 600, bytes: 95_000 },
    { w: 720, h: 540, bytes: 40_000 },
    { w: 198, h: 149, bytes: 6_000 }
  ])
  const lying = image('lab-lying-type', 3, [
    { w: 640, h: 480, bytes: 0 },
    { w: 640, h: 480, bytes: 0 },
    { w: 198, h: 149, bytes: 0 }
  ])
  const lyingHtml = '<!doctype html><html><body><script>alert(document.domain)</script><h1>not a PNG</h1></body></html>\n'
  for (const info of lying.MsgContent['ImageInfoArray'] as { Size: number }[]) info.Size = Buffer.byteLength(lyingHtml)
  const redirect = file('lab-redirect', 'quarterly-report.pdf', 31_337)
  const truncated = file('lab-truncated', 'logs-2026-12.zip', 524_288)
  const privateFile = file('lab-private', 'router-backup.txt', 2_048, `${SIM_PRIVATE_ORIGIN}${COS_PREFIX}${mediaBucket}`)
  const expired = image('lab-expired', 1, [
    { w: 1600, h: 1200, bytes: 240_000 },
    { w: 720, h: 540, bytes: 60_000 },
    { w: 198, h: 149, bytes: 5_500 }
  ])

  const drafts: { from: string; body: MsgElement[]; mediaExpired?: boolean }[] = [
    { from: 'administrator', body: [text('Welcome to the media lab: every kind of file Tencent IM sends, served by the simulator. 媒体实验室。')] },
    { from: 'alice', body: [png1] },
    { from: 'bob', body: [jpeg1] },
    { from: 'chen_wei', body: [gif1] },
    { from: 'alice', body: [text('Portrait shot 📱'), portrait] },
    {
      from: 'li_lei',
      body: [
        {
          MsgType: 'TIMSoundElem',
          MsgContent: { Url: `${base}/voice/${voiceId}.wav`, UUID: voiceId, Size: 44 + 8000 * voiceSeconds, Second: voiceSeconds, Download_Flag: 2 }
        }
      ]
    },
    {
      from: 'bob',
      body: [
        {
          MsgType: 'TIMVideoFileElem',
          MsgContent: {
            VideoUrl: `${base}/video/${videoId}.mp4`,
            VideoUUID: videoId,
            VideoSize: 1_234_567,
            VideoSecond: 4,
            VideoFormat: 'mp4',
            VideoDownloadFlag: 2,
            ThumbUrl: `${base}/video/${thumbId}.jpg`,
            ThumbUUID: thumbId,
            ThumbSize: 23_456,
            ThumbWidth: 640,
            ThumbHeight: 480,
            ThumbFormat: 'JPG',
            ThumbDownloadFlag: 2
          }
        }
      ]
    },
    { from: 'fatima', body: [file('lab-pdf', '设计评审 Design review.pdf', 48_213)] },
    { from: 'yossi', body: [file('lab-zip', 'assets-v2.zip', 2_100_000)] },
    { from: 'alice', body: [file('lab-txt', 'release-notes.txt', 1_234)] },
    {
      from: 'administrator',
      body: [
        {
          MsgType: 'TIMRelayElem',
          MsgContent: {
            Title: '群聊的聊天记录',
            MsgNum: 2,
            CompatibleText: '[聊天记录]',
            AbstractList: ['alice: 看这张截图', 'bob: [图片]'],
            MsgList: [
              { From_Account: 'alice', GroupId: mediaLabGroupId, MsgSeq: 901, MsgRandom: 17, MsgTimeStamp: now - 5 * 86400, MsgBody: [text('看这张截图')] },
              { From_Account: 'bob', GroupId: mediaLabGroupId, MsgSeq: 902, MsgRandom: 18, MsgTimeStamp: now - 5 * 86400 + 30, MsgBody: [relayImage] }
            ]
          }
        }
      ]
    },
    { from: 'chen_wei', body: [file('lab-old-sdk', 'old-sdk-notes.docx', 18_432, null)] },
    { from: 'bob', body: [file('lab-oversize', 'raw-capture-150MB.bin', oversizeBytes)] },
    { from: 'mallory', body: [lying] },
    { from: 'mallory', body: [redirect] },
    { from: 'li_lei', body: [truncated] },
    { from: 'mallory', body: [privateFile] },
    { from: 'alice', body: [expired], mediaExpired: true },
    { from: 'administrator', body: [text('That is all: 19 messages, 18 of them with media or hostile links.')] }
  ]

  const messages = new Map<number, SimMessage>()
  const start = now - 3 * 86400
  drafts.forEach((d, i) => {
    const seq = i + 1
    const m: SimMessage = { seq, from: d.from, time: start + i * 3700, random: 0x3ed1a000 + seq, state: 'normal', body: d.body }
    if (d.mediaExpired) m.mediaExpired = true
    messages.set(seq, m)
  })

  const mediaOverrides = new Map<string, MediaOverride>()
  for (const u of urlsOf(lying)) mediaOverrides.set(pathOf(u), { kind: 'lying-type', contentType: 'image/png', body: lyingHtml })
  for (const u of urlsOf(redirect)) mediaOverrides.set(pathOf(u), { kind: 'redirect', location: 'https://evil.example/x' })
  for (const u of urlsOf(truncated)) mediaOverrides.set(pathOf(u), { kind: 'truncated' })

  return {
    GroupId: mediaLabGroupId,
    Type: 'Public',
    Name: 'Media lab 媒体实验室',
    Owner_Account: 'administrator',
    CreateTime: start - 3600,
    MemberNum: 8,
    Introduction: 'Every kind of media message, with real files on the simulator COS, and the hostile cases.',
    nextMsgSeq: drafts.length + 1,
    messages,
    mediaOverrides
  }
}

/** bench:media's groups (tools/bench/bench-media.ts; `npm run sim -- --bench-media N,M`). */
export const benchMediaGroupId = '@TGS#8MEDIABENCH'
export const benchMediaSeqGroupId = '@TGS#9MEDIASEQ'

/** The bucket of mediaBenchGroup(): public-read unless a test adds it to `SimOptions.cos.signedBuckets`. */
export const benchMediaBucket = 'bench-media-1400000001'

/**
 * A group for media benchmarks (issue 17 §7, `bench:media`): messages with one media element each
 * (about 40 % images = 3 objects, 25 % files, 15 % voice, 20 % videos = 2 objects) until `objects`
 * objects are referenced, at realistic sizes (images 150 KB–3 MB originals, files 20 KB–8 MB,
 * voice 2–60 s, videos 1–12 MB). Deterministic per `seed`.
 */
export function mediaBenchGroup(opts: { objects: number; now: number; groupId?: string; seed?: number }): SimGroup {
  if (!Number.isSafeInteger(opts.objects) || opts.objects < 0) throw new Error('objects must be a non-negative integer')
  const rnd = mulberry32(opts.seed ?? 0x3ed1a)
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
  const root = `${SIM_COS_ORIGIN}${COS_PREFIX}${benchMediaBucket}`
  const groupId = opts.groupId ?? '@TGS#8MEDIABENCH'
  const messages = new Map<number, SimMessage>()
  let count = 0
  let seq = 0
  let t = opts.now - 86400
  while (count < opts.objects) {
    seq++
    t += int(1, 20)
    const name = `bench-${seq}`
    const r = rnd()
    let body: MsgElement
    if (r < 0.4 && opts.objects - count >= 3) {
      const w = int(800, 4032)
      const h = int(600, 3024)
      const bytes = int(150_000, 3_000_000)
      const lw = Math.min(w, 720)
      body = image(
        name,
        rnd() < 0.7 ? 1 : 3,
        [
          { w, h, bytes },
          { w: lw, h: Math.max(1, Math.round((lw * h) / w)), bytes: Math.max(30_000, Math.floor(bytes / 4)) },
          { w: 198, h: Math.max(1, Math.round((198 * h) / w)), bytes: int(4_000, 12_000) }
        ],
        root
      )
      count += 3
    } else if (r < 0.6 && opts.objects - count >= 2) {
      const v = uuidOf(`${name}-v`)
      const th = uuidOf(`${name}-t`)
      body = {
        MsgType: 'TIMVideoFileElem',
        MsgContent: {
          VideoUrl: `${root}/video/${v}.mp4`,
          VideoUUID: v,
          VideoSize: int(1_000_000, 12_000_000),
          VideoSecond: int(2, 60),
          VideoFormat: 'mp4',
          VideoDownloadFlag: 2,
          ThumbUrl: `${root}/video/${th}.jpg`,
          ThumbUUID: th,
          ThumbSize: int(15_000, 60_000),
          ThumbWidth: 720,
          ThumbHeight: 1280,
          ThumbFormat: 'JPG',
          ThumbDownloadFlag: 2
        }
      }
      count += 2
    } else if (r < 0.75) {
      const id = uuidOf(`${name}-s`)
      const second = int(2, 60)
      body = { MsgType: 'TIMSoundElem', MsgContent: { Url: `${root}/voice/${id}.wav`, UUID: id, Size: 44 + 8000 * second, Second: second, Download_Flag: 2 } }
      count += 1
    } else {
      const kinds = ['report.pdf', 'photos.zip', 'notes.txt', 'dump.bin'] as const
      body = file(name, `${seq}-${kinds[int(0, kinds.length - 1)] ?? 'dump.bin'}`, int(20_000, 8_000_000), root)
      count += 1
    }
    messages.set(seq, { seq, from: 'bench_bot', time: Math.min(t, opts.now), random: seq, state: 'normal', body: [body] })
  }
  return {
    GroupId: groupId,
    Type: 'Public',
    Name: 'Media bench 媒体压测',
    Owner_Account: 'administrator',
    CreateTime: opts.now - 2 * 86400,
    MemberNum: 2,
    Introduction: 'Synthetic group for media benchmarks.',
    nextMsgSeq: seq + 1,
    messages
  }
}
