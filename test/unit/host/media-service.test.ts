// The app's media (services/media.ts) against the simulator with its media lab, over real HTTP on
// 127.0.0.1: a sync through AppService keeps the lab's images once their batches are acknowledged,
// lookup answers each object's outcome, and the private-address stand-in is never contacted.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AppService } from '../../../src-main/services/app-service'
import { InvalidRequestError } from '../../../src-main/services/app-errors'
import { invokeChannel } from '../../../src-main/services/dispatch'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import { emptyCoverage } from '../../../src-main/shared/coverage'
import { channels, type MediaChangedEvent, type SyncBatchEvent } from '../../../src-main/shared/ipc/contract'
import { mediaInMessage, mediaKey } from '../../../src-main/shared/media/objects'
import { Simulator } from '../../../tools/sim/server'
import { demoApp, mediaGroupId } from '../../../tools/sim/seed'
import { MEDIA_LAB_SEQS } from '../../../tools/sim/media/lab'
import { connectInput, EventLog, tempDir, testClientOptions } from './helpers'

let sim: Simulator
let url: string
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  sim = new Simulator({ apps: [demoApp({ media: true })] })
  ;({ url } = await sim.start())
})
afterAll(async () => {
  await sim.stop()
  for (const c of cleanups) await c()
})

async function connectedService() {
  const dir = await tempDir('tim-media-')
  const service = new AppService({
    secretStore: new FileSecretStore(dir.path),
    configDir: dir.path,
    shell: 'web',
    version: '1.2.3',
    locale: 'en',
    clientOptions: testClientOptions
  })
  cleanups.push(async () => {
    await service.close()
    await dir.remove()
  })
  const c = await service.workspace.connect(connectInput(url))
  if (!c.ok) throw new Error(c.error.message)
  return { service, workspaceId: c.value.id }
}

describe('MediaService', () => {
  test('a sync of the media lab keeps its images after the batches are committed, never contacting the private address', async () => {
    const { service, workspaceId } = await connectedService()
    const log = new EventLog(service)
    const changed: MediaChangedEvent[] = []
    service.on('media:changed', (e) => changed.push(e))
    const held: SyncBatchEvent[] = []
    service.on('sync:batch', (e) => held.push(e))
    sim.cos.resetStats()

    const started = await service.sync.start({ workspaceId, groups: [{ groupId: mediaGroupId, coverage: emptyCoverage() }] })
    expect(started.ok).toBe(true)
    if (!started.ok) return
    await log.wait('sync:batch')
    // Not committed yet: nothing is fetched.
    await new Promise((r) => setTimeout(r, 300))
    expect(sim.cos.stats.requests).toBe(0)

    const messages: SyncBatchEvent['messages'] = []
    const ackAll = () => {
      const batches = held.splice(0)
      for (const b of batches) messages.push(...b.messages)
      if (batches.length)
        void service.sync.ack(
          started.value.runId,
          batches.map((b) => b.batchId)
        )
    }
    service.on('sync:batch', () => setImmediate(ackAll))
    ackAll()
    const done = await log.wait('sync:done')
    expect(done.status).toBe('done')
    await service.media.drain()

    const bySeq = new Map(messages.map((m) => [m.MsgSeq, m]))
    const keysOf = (seq: number) => mediaInMessage(bySeq.get(seq)).map((r) => mediaKey(r))
    const all = [...bySeq.keys()].flatMap(keysOf)
    const status = await service.media.lookup(mediaGroupId, all)
    const store = await service.media.store()

    // Every size of every plain image is saved, as an image, and its file is in the store.
    const images = [MEDIA_LAB_SEQS.png, MEDIA_LAB_SEQS.jpeg, MEDIA_LAB_SEQS.gif, MEDIA_LAB_SEQS.portrait]
    for (const seq of images) {
      const keys = keysOf(seq)
      expect(keys.length, `seq ${seq}`).toBe(3)
      for (const k of keys) {
        const s = status[k]!
        expect(s.status, `${k}`).toBe('saved')
        expect(s.sha256).toMatch(/^[0-9a-f]{64}$/)
        expect(s.type).toMatch(/^image\//)
        expect(existsSync(store.pathFor(s.sha256!))).toBe(true)
      }
    }
    // The hostile cases end as what they are.
    expect(keysOf(MEDIA_LAB_SEQS.privatePort).map((k) => status[k]!.status)).toEqual(['refused'])
    expect(keysOf(MEDIA_LAB_SEQS.privatePort).map((k) => status[k]!.reason)).toEqual(['private-address'])
    expect(keysOf(MEDIA_LAB_SEQS.oversize).map((k) => [status[k]!.status, status[k]!.reason])).toEqual([['refused', 'too-big']])
    expect(keysOf(MEDIA_LAB_SEQS.noUrl).map((k) => status[k]!.status)).toEqual(['no-url'])
    for (const k of keysOf(MEDIA_LAB_SEQS.expiredMedia)) {
      expect(status[k]!.status).toBe('expired')
      expect(status[k]!.firstSeenAt).toBeGreaterThan(0)
    }
    expect(sim.privateHits).toBe(0)
    const stats = (await (await fetch(`${url}/_sim/media`)).json()) as { privateHits: number }
    expect(stats.privateHits).toBe(0)

    // Changes were announced, throttled, for this group, naming the saved keys.
    await new Promise((r) => setTimeout(r, 300))
    expect(changed.length).toBeGreaterThan(0)
    expect(changed.every((e) => e.groupId === mediaGroupId)).toBe(true)
    const announced = new Set(changed.flatMap((e) => e.keys))
    for (const seq of images) for (const k of keysOf(seq)) expect(announced.has(k)).toBe(true)

    // A second pass over the same messages fetches nothing again, except what failed.
    const failedSeqs = [...bySeq.keys()].filter((seq) => keysOf(seq).some((k) => status[k]!.status === 'failed'))
    expect(failedSeqs).toEqual([MEDIA_LAB_SEQS.truncated])
    const before = sim.cos.stats.served
    service.media.enqueue(
      mediaGroupId,
      messages.filter((m) => !failedSeqs.includes(m.MsgSeq))
    )
    await service.media.drain()
    expect(sim.cos.stats.served).toBe(before)
    // The failed one is tried again in the same session when its message comes back (the page's
    // resume after each sync, lib/media/resume.ts): one more request, still recorded as failed.
    service.media.enqueue(mediaGroupId, [bySeq.get(MEDIA_LAB_SEQS.truncated)!])
    await service.media.drain()
    expect(sim.cos.stats.served).toBeGreaterThan(before)
    const again = await service.media.lookup(mediaGroupId, keysOf(MEDIA_LAB_SEQS.truncated))
    expect(Object.values(again).map((s) => s.status)).toEqual(['failed'])

    // Through the channel, an unknown key is pending.
    const viaChannel = (await invokeChannel(service, channels.mediaLookup, [mediaGroupId, [keysOf(MEDIA_LAB_SEQS.png)[0], 'image:thumb:uuid:nope']])) as Record<
      string,
      { status: string }
    >
    expect(viaChannel['image:thumb:uuid:nope']).toEqual({ status: 'pending' })
    expect(viaChannel[keysOf(MEDIA_LAB_SEQS.png)[0]!]!.status).toBe('saved')
    log.stop()
  }, 60_000)

  test('media.lookup refuses oversized requests', async () => {
    const { service } = await connectedService()
    const tooMany = Array.from({ length: 501 }, (_, i) => `k${i}`)
    await expect(invokeChannel(service, channels.mediaLookup, [mediaGroupId, tooMany])).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(invokeChannel(service, channels.mediaLookup, ['g'.repeat(129), []])).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(invokeChannel(service, channels.mediaLookup, [mediaGroupId, ['k'.repeat(301)]])).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(invokeChannel(service, channels.mediaLookup, [mediaGroupId, ['k'.repeat(300)]])).resolves.toEqual({ ['k'.repeat(300)]: { status: 'pending' } })
  })
})

describe('media.enqueue', () => {
  const cos = `http://127.0.0.1:1/cos`
  const image = (seq: number) => ({
    GroupId: mediaGroupId,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000,
    MsgBody: [
      { MsgType: 'TIMImageElem', MsgContent: { UUID: `resume-${seq}`, ImageInfoArray: [{ Type: 3, Size: 10, Width: 1, Height: 1, URL: `${cos}/${seq}.png` }] } }
    ]
  })

  test('refuses a payload that is not a bounded list of messages', async () => {
    const { service } = await connectedService()
    const refused = [
      [mediaGroupId, Array.from({ length: 201 }, (_, i) => image(i + 1))],
      [mediaGroupId, [{ MsgSeq: 0, MsgBody: [] }]],
      [mediaGroupId, [{ MsgSeq: 1.5, MsgBody: [] }]],
      [mediaGroupId, [{ MsgBody: [] }]],
      [mediaGroupId, [{ MsgSeq: 1, MsgBody: 'text' }]],
      [mediaGroupId, [{ MsgSeq: 1, MsgBody: Array.from({ length: 201 }, () => ({})) }]],
      [mediaGroupId, ['not a message']],
      [mediaGroupId, { 0: image(1) }],
      ['g'.repeat(129), [image(1)]],
      ['bad\u0000id', [image(1)]],
      [mediaGroupId]
    ]
    const outcomes = []
    for (const args of refused)
      outcomes.push(
        await invokeChannel(service, channels.mediaEnqueue, args).then(
          () => 'accepted',
          (e: unknown) => (e instanceof InvalidRequestError ? 'refused' : String(e))
        )
      )
    expect(outcomes).toEqual(refused.map(() => 'refused'))
    // Nothing of a refused call was queued.
    await service.media.drain()
    expect((await service.media.lookup(mediaGroupId, ['image:thumb:uuid:resume-1']))['image:thumb:uuid:resume-1']!.status).toBe('pending')
  })

  test('queues the objects of valid messages, which then get an outcome', async () => {
    const { service } = await connectedService()
    // 127.0.0.1:1 is not the workspace's endpoint: the policy refuses the host, an outcome all the same.
    await expect(invokeChannel(service, channels.mediaEnqueue, [mediaGroupId, Array.from({ length: 200 }, (_, i) => image(i + 1))])).resolves.toBeUndefined()
    await service.media.drain()
    const status = await service.media.lookup(mediaGroupId, ['image:thumb:uuid:resume-1', 'image:thumb:uuid:resume-200'])
    expect(status['image:thumb:uuid:resume-1']!.status).not.toBe('pending')
    expect(status['image:thumb:uuid:resume-200']!.status).not.toBe('pending')
  })
})
