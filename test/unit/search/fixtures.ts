import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { MsgElement } from '../../../src-main/shared/tim-types'

let seq = 0

/** An archived group message; 2024-05-01 12:00 UTC unless said otherwise. */
export function msg(body: ArchivedMessage['MsgBody'], extra: Partial<ArchivedMessage> = {}): ArchivedMessage {
  seq++
  return {
    GroupId: 'g1',
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: body,
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: Date.UTC(2024, 4, 1, 12) / 1000,
    ...extra
  }
}

export const text = (t: string): MsgElement => ({ MsgType: 'TIMTextElem', MsgContent: { Text: t } })
export const textMsg = (t: string, extra: Partial<ArchivedMessage> = {}): ArchivedMessage => msg([text(t)], extra)
export const image = (): MsgElement => ({
  MsgType: 'TIMImageElem',
  MsgContent: {
    UUID: 'img-uuid',
    ImageFormat: 1,
    ImageInfoArray: [{ Type: 1, Size: 10, Width: 1, Height: 1, URL: 'https://cos.example.com/img.jpg' }]
  }
})
export const file = (name: string): MsgElement => ({
  MsgType: 'TIMFileElem',
  MsgContent: { Url: 'https://cos.example.com/f', UUID: 'f-uuid', FileSize: 1, FileName: name }
})
export const sound = (): MsgElement => ({
  MsgType: 'TIMSoundElem',
  MsgContent: { Url: 'https://cos.example.com/s', UUID: 's-uuid', Size: 1, Second: 3 }
})
export const video = (): MsgElement => ({
  MsgType: 'TIMVideoFileElem',
  MsgContent: {
    VideoUrl: 'https://cos.example.com/v.mp4',
    VideoUUID: 'v',
    VideoSize: 1,
    VideoSecond: 1,
    VideoFormat: 'mp4',
    ThumbUUID: 't',
    ThumbSize: 1,
    ThumbWidth: 1,
    ThumbHeight: 1,
    ThumbFormat: 'jpg'
  }
})
export const location = (desc: string): MsgElement => ({
  MsgType: 'TIMLocationElem',
  MsgContent: { Desc: desc, Latitude: 39.9, Longitude: 116.4 }
})
export const face = (data: string): MsgElement => ({
  MsgType: 'TIMFaceElem',
  MsgContent: { Index: 1, Data: data }
})
export const custom = (c: { Data: string; Desc?: string; Ext?: string }): MsgElement => ({
  MsgType: 'TIMCustomElem',
  MsgContent: c
})
export const relay = (title: string, abstract: string[], list?: MsgElement[][]): MsgElement => ({
  MsgType: 'TIMRelayElem',
  MsgContent: {
    Title: title,
    MsgNum: list?.length ?? abstract.length,
    CompatibleText: '[Chat History]',
    AbstractList: abstract,
    ...(list
      ? {
          MsgList: list.map((body, i) => ({
            From_Account: 'bob',
            MsgSeq: i + 1,
            MsgRandom: i,
            MsgTimeStamp: 1_700_000_000,
            MsgBody: body
          }))
        }
      : {})
  }
})
