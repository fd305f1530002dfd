// The retention warning's media at risk: objects not kept yet in messages about to pass the cloud's
// retention window (lib/media/at-risk.ts), read from the store through [gk+time].
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppDB, type MessageRow } from '../../../src-renderer/src/lib/db/app-db'
import { mediaAtRisk } from '../../../src-renderer/src/lib/media/at-risk'
import type { MediaStatus } from '../../../src-main/shared/ipc/contract'
import { mediaInMessage, mediaKey } from '../../../src-main/shared/media/objects'

const gk = 'ws|@TGS#1TEAM'
const groupId = '@TGS#1TEAM'
const day = 86_400_000
const now = Date.UTC(2026, 11, 7, 12)

const file = (uuid: string) => ({
  MsgType: 'TIMFileElem',
  MsgContent: { UUID: uuid, FileName: `${uuid}.pdf`, FileSize: 10, Url: `https://x.myqcloud.com/${uuid}` }
})
function row(seq: number, ageDays: number, uuid: string): MessageRow {
  const time = Math.floor((now - ageDays * day) / 1000)
  return {
    gk,
    seq,
    time,
    from: 'a',
    raw: { GroupId: groupId, MsgSeq: seq, MsgTimeStamp: time, MsgRandom: seq, IsPlaceMsg: 0, From_Account: 'a', MsgBody: [file(uuid)] }
  }
}
const keyOf = (uuid: string) => mediaKey(mediaInMessage({ MsgBody: [file(uuid)] })[0]!)

let db: AppDB
beforeEach(async () => {
  db = new AppDB(`risk-${Math.random()}`)
  await db.messages.bulkPut([
    row(1, 8, 'gone'), // past a 7-day retention: already deleted, not "at risk"
    row(2, 6.5, 'soon-pending'),
    row(3, 6, 'soon-saved'),
    row(4, 5.5, 'soon-failed'),
    row(5, 1, 'recent-pending') // far from expiring
  ])
})
afterEach(async () => {
  db.close()
  await db.delete()
})

describe('media at risk', () => {
  it('counts objects not kept (pending or failed) in messages that expire within the margin', async () => {
    const asked: string[][] = []
    const status: Record<string, MediaStatus> = {
      [keyOf('soon-saved')]: { status: 'saved', sha256: 'a'.repeat(64) },
      [keyOf('soon-failed')]: { status: 'failed' }
    }
    const r = await mediaAtRisk(db, { gk, groupId, retentionDays: 7 }, now, async (_g, keys) => {
      asked.push(keys)
      return Object.fromEntries(keys.map((k) => [k, status[k] ?? { status: 'pending' }]))
    })
    expect(r).toEqual({ objects: 2, days: 2 })
    expect(asked.flat().sort()).toEqual([keyOf('soon-pending'), keyOf('soon-saved'), keyOf('soon-failed')].sort())
  })

  it('nothing at risk when every object there is kept', async () => {
    const r = await mediaAtRisk(db, { gk, groupId, retentionDays: 7 }, now, async (_g, keys) =>
      Object.fromEntries(keys.map((k) => [k, { status: 'saved' as const }]))
    )
    expect(r.objects).toBe(0)
  })
})
