/**
 * Media left behind (lib/media/resume.ts): after start and after each sync, the page walks each
 * group's media list and sends back to the host the messages whose objects are pending or failed,
 * in bounded chunks; settled objects are not sent, nor looked up again in a later walk; groups of
 * another workspace are left alone.
 */
import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { maxMediaEnqueueMessages, maxMediaLookupKeys, type MediaStatus } from '../../../src-main/shared/ipc/contract'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { commitBatch } from '../../../src-renderer/src/lib/db/archive-repo'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { addGroups } from '../../../src-renderer/src/lib/db/groups-repo'
import { forgetSettled, MediaResumer, resumeMedia, type ResumeHost } from '../../../src-renderer/src/lib/media/resume'
import { freshDbs } from './fresh-db'

const ws = '1400000000@china'
const other = '1400000001@china'
const freshDb = freshDbs('resume')
const cos = 'https://cos.ap-shanghai.myqcloud.com/tim'

function image(seq: number): RawMessage {
  return {
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [
      {
        MsgType: 'TIMImageElem',
        MsgContent: {
          UUID: `u${seq}`,
          ImageFormat: 1,
          ImageInfoArray: [
            { Type: 1, Size: 100, Width: 10, Height: 10, URL: `${cos}/o/${seq}` },
            { Type: 3, Size: 10, Width: 1, Height: 1, URL: `${cos}/t/${seq}` }
          ]
        }
      }
    ],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    MsgPriority: 1
  }
}
const text = (seq: number): RawMessage => ({ ...image(seq), MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `hi ${seq}` } }] })

/** A host whose outcomes are given per seq (by the image's UUID); records what it was asked. */
class FakeHost implements ResumeHost {
  lookups: string[][] = []
  sent: ArchivedMessage[][] = []
  constructor(public outcome: (seq: number, key: string) => MediaStatus['status'] | undefined) {}
  async lookup(_groupId: string, keys: string[]) {
    expect(keys.length).toBeLessThanOrEqual(maxMediaLookupKeys)
    this.lookups.push(keys)
    const out: Record<string, MediaStatus> = {}
    for (const k of keys) {
      const status = this.outcome(Number(/:u(\d+)$/.exec(k)![1]), k)
      if (status) out[k] = { status }
    }
    return out
  }
  async enqueue(groupId: string, messages: ArchivedMessage[]) {
    expect(groupId).toBe('g1')
    expect(messages.length).toBeLessThanOrEqual(maxMediaEnqueueMessages)
    this.sent.push(messages)
  }
  get seqs() {
    return this.sent.flat().map((m) => m.MsgSeq)
  }
}

beforeEach(() => forgetSettled())

async function archive(n: number) {
  const d = freshDb()
  await addGroups(ws, [{ groupId: 'g1', name: 'One', type: 'Public', archivable: true }], d)
  await addGroups(other, [{ groupId: 'g9', name: 'Other', type: 'Public', archivable: true }], d)
  const messages = Array.from({ length: n }, (_, i) => (i % 10 === 9 ? text(i + 1) : image(i + 1)))
  await commitBatch(groupKey(ws, 'g1'), { messages, range: [1, n] }, d)
  await commitBatch(groupKey(other, 'g9'), { messages: [image(1)], range: [1, 1] }, d)
  return d
}

describe('resuming media', () => {
  it('sends back, in chunks, exactly the messages with an object pending or failed', async () => {
    const d = await archive(1000)
    // seq % 3: 0 saved, 1 failed (its thumbnail only), 2 nothing recorded (pending).
    const host = new FakeHost((seq, key) => (seq % 3 === 0 ? 'saved' : seq % 3 === 1 ? (key.includes(':thumb:') ? 'failed' : 'saved') : undefined))
    const r = await resumeMedia(ws, host, d)
    const expected = Array.from({ length: 1000 }, (_, i) => i + 1).filter((s) => s % 10 !== 0 && s % 3 !== 0)
    expect(host.seqs).toEqual(expected)
    expect(r.sent).toBe(expected.length)
    expect(host.sent.length).toBeGreaterThan(1)
    // Each message as archived: its body and seq, for the host's walk.
    expect(host.sent[0]![0]).toMatchObject({ GroupId: 'g1', MsgSeq: 1, MsgBody: image(1).MsgBody })
    // The other workspace's group was not walked (its host would be another connection).
    expect(host.lookups.flat().length).toBe(900 * 2)
  })

  it('looks up again only what was not settled, and sends nothing once all is', async () => {
    const d = await archive(100)
    let saved = (seq: number) => seq <= 50
    const host = new FakeHost((seq) => (saved(seq) ? 'saved' : 'pending'))
    await resumeMedia(ws, host, d)
    expect(host.seqs.length).toBe(45)
    host.lookups = []
    host.sent = []
    saved = () => true
    await resumeMedia(ws, host, d)
    expect(host.lookups.flat().length).toBe(45 * 2)
    expect(host.sent).toEqual([])
    host.lookups = []
    await resumeMedia(ws, host, d)
    expect(host.lookups).toEqual([])
  })

  it('runs one walk at a time, and once more when asked during one', async () => {
    const d = await archive(30)
    let walks = 0
    const host = new FakeHost(() => undefined)
    const counting: ResumeHost = {
      lookup: async (g, k) => {
        if (k[0]?.endsWith(':u1')) walks++
        return host.lookup(g, k)
      },
      enqueue: (g, m) => host.enqueue(g, m)
    }
    const resumer = new MediaResumer(() => counting, d)
    const a = resumer.request(ws)
    const b = resumer.request(ws)
    const c = resumer.request(ws)
    await Promise.all([a, b, c])
    expect(walks).toBe(2)
    await resumer.request(null)
    expect(walks).toBe(2)
  })
})

describe('resuming media, big messages', () => {
  it('keeps each call under the size a browser-mode request may have', async () => {
    const d = freshDb()
    await addGroups(ws, [{ groupId: 'g1', name: 'One', type: 'Public', archivable: true }], d)
    // 300 messages of about 10 KB each (a caption next to the image): 3 MB in all.
    const caption = { MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(10_000) } }
    const messages = Array.from({ length: 300 }, (_, i) => ({ ...image(i + 1), MsgBody: [...(image(i + 1).MsgBody as object[]), caption] }) as RawMessage)
    await commitBatch(groupKey(ws, 'g1'), { messages, range: [1, 300] }, d)
    const host = new FakeHost(() => undefined)
    await resumeMedia(ws, host, d)
    expect(host.seqs).toEqual(messages.map((m) => m.MsgSeq))
    for (const call of host.sent) expect(JSON.stringify(call).length).toBeLessThan(1024 * 1024)
  })
})
