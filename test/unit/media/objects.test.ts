/**
 * Listing the media a message references: what the download queue will fetch, under which
 * identity, and what it records for an element with no URL. Bodies are shaped as Tencent documents
 * them (docs/reference/tencent-im-api.md §4, §11), then as a hostile sender could shape them.
 */
import { describe, expect, it } from 'vitest'
import { LIMITS, NO_URL_NOTE, identityKey, mediaInBody, mediaInMessage } from '../../../src-main/shared/media/objects'

const COS = 'https://cos.ap-shanghai.myqcloud.com/1400000000/grp/img'

function image(uuid: string, sign = 'a') {
  return {
    MsgType: 'TIMImageElem',
    MsgContent: {
      UUID: uuid,
      ImageFormat: 1,
      ImageInfoArray: [
        { Type: 1, Size: 1_800_000, Width: 4000, Height: 3000, URL: `${COS}/${uuid}?sign=${sign}` },
        { Type: 2, Size: 200_000, Width: 720, Height: 540, URL: `${COS}/${uuid}-large?sign=${sign}` },
        { Type: 3, Size: 12_000, Width: 198, Height: 148, URL: `${COS}/${uuid}-thumb?sign=${sign}` }
      ]
    }
  }
}

const file = { MsgType: 'TIMFileElem', MsgContent: { Url: `${COS}/f1?sign=x`, UUID: 'f1', FileSize: 5000, FileName: 'report.pdf', Download_Flag: 2 } }
const sound = { MsgType: 'TIMSoundElem', MsgContent: { Url: `${COS}/s1`, UUID: 's1', Size: 3000, Second: 4, Download_Flag: 2 } }
const video = {
  MsgType: 'TIMVideoFileElem',
  MsgContent: {
    VideoUrl: `${COS}/v1`,
    VideoUUID: 'v1',
    VideoSize: 900_000,
    VideoSecond: 12,
    VideoFormat: 'mp4',
    VideoDownloadFlag: 2,
    ThumbUrl: `${COS}/v1-thumb`,
    ThumbUUID: 'v1t',
    ThumbSize: 9000,
    ThumbWidth: 320,
    ThumbHeight: 180,
    ThumbFormat: 'JPG',
    ThumbDownloadFlag: 2
  }
}

describe('media objects of a message', () => {
  it('lists all three sizes of an image, with the size and dimensions each declares', () => {
    const refs = mediaInMessage({ MsgSeq: 1, MsgBody: [image('u1')] })
    expect(refs.map((r) => [r.kind, r.size, r.declaredBytes, r.width, r.height])).toEqual([
      ['image', 'original', 1_800_000, 4000, 3000],
      ['image', 'large', 200_000, 720, 540],
      ['image', 'thumb', 12_000, 198, 148]
    ])
    expect(refs[2]!.url).toBe(`${COS}/u1-thumb?sign=a`)
    expect(refs.every((r) => r.path.join() === '0' && r.format === '1')).toBe(true)
  })

  it('reads a size or dimension of 0 as not declared (the sizes the server derives, as for a GIF), so no length check can fail them', () => {
    const gif = image('g1')
    gif.MsgContent.ImageInfoArray[1] = { ...gif.MsgContent.ImageInfoArray[1]!, Size: 0, Width: 0, Height: 0 }
    const large = mediaInMessage({ MsgSeq: 1, MsgBody: [gif] })[1]!
    expect([large.declaredBytes, large.width, large.height]).toEqual([null, null, null])
  })

  it('keys an object by UUID and size class, so a re-signed URL is the same object', () => {
    const a = mediaInBody([image('u1', 'first')])
    const b = mediaInBody([image('u1', 'second')])
    expect(a.map((r) => r.key)).toEqual(b.map((r) => r.key))
    expect(new Set(a.map((r) => r.key)).size).toBe(3)
    expect(a[0]!.key).toBe('image:original:uuid:u1')
  })

  it('without a UUID, keys by the URL without its query (where COS puts the signature)', () => {
    const body = [{ MsgType: 'TIMFileElem', MsgContent: { Url: `${COS}/f9?q-sign-algorithm=sha1&q-signature=abc`, FileSize: 3 } }]
    const other = [{ MsgType: 'TIMFileElem', MsgContent: { Url: `${COS}/f9?q-signature=def`, FileSize: 3 } }]
    expect(mediaInBody(body)[0]!.key).toBe(`file:url:${COS}/f9`)
    expect(mediaInBody(body)[0]!.key).toBe(mediaInBody(other)[0]!.key)
    expect(identityKey('file', null, null, null)).toBeNull()
  })

  it('lists a file with its name and size, a voice message with its length, a video and its thumbnail', () => {
    const refs = mediaInBody([{ MsgType: 'TIMTextElem', MsgContent: { Text: 'see' } }, file, sound, video])
    expect(refs.map((r) => r.kind)).toEqual(['file', 'sound', 'video', 'video-thumb'])
    expect(refs[0]).toMatchObject({ fileName: 'report.pdf', declaredBytes: 5000, uuid: 'f1', downloadFlag: 2, path: [1], key: 'file:uuid:f1' })
    expect(refs[1]).toMatchObject({ seconds: 4, declaredBytes: 3000, key: 'sound:uuid:s1' })
    expect(refs[2]).toMatchObject({ url: `${COS}/v1`, declaredBytes: 900_000, seconds: 12, format: 'mp4', key: 'video:uuid:v1' })
    expect(refs[3]).toMatchObject({ url: `${COS}/v1-thumb`, width: 320, height: 180, declaredBytes: 9000, key: 'video-thumb:uuid:v1t' })
  })

  it('records an element with no URL as sent by an old SDK, not as an error', () => {
    const refs = mediaInBody([{ MsgType: 'TIMSoundElem', MsgContent: { UUID: 'old', Size: 100, Second: 2 } }])
    expect(refs).toHaveLength(1)
    expect(refs[0]).toMatchObject({ url: null, note: NO_URL_NOTE, key: 'sound:uuid:old', declaredBytes: 100 })
    expect(NO_URL_NOTE).toBe('no URL: sent by an old SDK')
  })

  it('finds the media inside a merged forward, with the path to each', () => {
    const relay = {
      MsgType: 'TIMRelayElem',
      MsgContent: {
        Title: 'chat history',
        MsgNum: 2,
        MsgList: [
          { From_Account: 'a', MsgSeq: 5, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }, file] },
          { From_Account: 'b', MsgSeq: 6, MsgBody: [sound] }
        ]
      }
    }
    const refs = mediaInMessage({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'fwd' } }, relay] })
    expect(refs.map((r) => [r.kind, r.path])).toEqual([
      ['file', [1, 0, 1]],
      ['sound', [1, 1, 0]]
    ])
  })

  it('reads a MsgBody that is a single object, as system messages send', () => {
    expect(mediaInMessage({ MsgBody: file }).map((r) => r.kind)).toEqual(['file'])
  })

  it('survives hostile bodies: wrong types, nulls, junk URLs and numbers', () => {
    for (const body of [
      null,
      7,
      'x',
      {},
      [null],
      [{ MsgType: 5 }],
      [{ MsgType: 'TIMImageElem', MsgContent: null }],
      [{ MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: 'no' } }]
    ]) {
      expect(mediaInBody(body)).toEqual([])
    }
    expect(mediaInMessage(null)).toEqual([])
    expect(mediaInMessage([])).toEqual([])
    const refs = mediaInBody([
      {
        MsgType: 'TIMFileElem',
        MsgContent: { Url: 'not a url', UUID: { evil: 1 }, FileSize: -5, FileName: 42, Download_Flag: '2' }
      },
      { MsgType: 'TIMFileElem', MsgContent: { Url: `${COS}/x`, FileSize: 1e300 } },
      {
        MsgType: 'TIMImageElem',
        MsgContent: {
          UUID: 'i',
          ImageInfoArray: [null, { Type: '1' }, { Type: 9, URL: `${COS}/9` }, { Type: 3, Width: Number.NaN, URL: `${COS}/t` }, { Type: 3, URL: `${COS}/dup` }]
        }
      }
    ])
    expect(refs[0]).toMatchObject({ url: null, note: NO_URL_NOTE, uuid: null, declaredBytes: null, fileName: null, downloadFlag: null, key: null })
    expect(refs[1]!.declaredBytes).toBeNull()
    // Unknown Type 9 and the repeated Type 3 are left out; NaN is not a width.
    expect(refs.slice(2).map((r) => [r.size, r.url, r.width])).toEqual([['thumb', `${COS}/t`, null]])
  })

  it('caps huge arrays and deep nesting, so a crafted message cannot stall a sync', () => {
    const many = Array.from({ length: 100_000 }, () => file)
    expect(mediaInBody(many).length).toBe(LIMITS.elementsPerBody)
    // Relays nested 50 deep: only LIMITS.relayDepth levels are read.
    let body: unknown[] = [file]
    for (let i = 0; i < 50; i++) body = [{ MsgType: 'TIMRelayElem', MsgContent: { MsgList: [{ MsgBody: body }] } }]
    expect(mediaInBody(body)).toEqual([])
    // A wide tree of relays visits a bounded number of elements and returns a bounded list.
    const wideLeaf = Array.from({ length: 200 }, () => video)
    const wide = Array.from({ length: 200 }, () => ({
      MsgType: 'TIMRelayElem',
      MsgContent: { MsgList: Array.from({ length: 200 }, () => ({ MsgBody: wideLeaf })) }
    }))
    const t0 = Date.now()
    const refs = mediaInBody(wide)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(refs.length).toBeLessThanOrEqual(LIMITS.refsPerMessage)
    // Overlong strings are not kept as URLs.
    expect(mediaInBody([{ MsgType: 'TIMFileElem', MsgContent: { Url: `${COS}/${'a'.repeat(10_000)}` } }])[0]!.url).toBeNull()
  })
})
