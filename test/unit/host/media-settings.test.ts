// The app's media settings (issue 17 §1 "Limits"), stored by the host and applied by MediaService,
// against the simulator's media lab over real HTTP on 127.0.0.1; the lock-free lookup while
// another process holds the media folder; saving a kept file to a chosen path.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MediaLedger } from '../../../src-main/media/ledger'
import { AppService, type AppServiceOptions } from '../../../src-main/services/app-service'
import { invokeChannel } from '../../../src-main/services/dispatch'
import { mediaDirOf } from '../../../src-main/services/media'
import { defaultMediaSettings, MEDIA_SETTINGS_FILE } from '../../../src-main/services/media-settings'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import { emptyCoverage } from '../../../src-main/shared/coverage'
import { channels, type MediaSettings, type SyncBatchEvent } from '../../../src-main/shared/ipc/contract'
import { safeFileName } from '../../../src-main/shared/media/file-name'
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

async function newService(over: Partial<AppServiceOptions> = {}, configDir?: string) {
  const dir = configDir ? { path: configDir, remove: async () => {} } : await tempDir('tim-media-settings-')
  const service = new AppService({
    secretStore: new FileSecretStore(dir.path),
    configDir: dir.path,
    shell: 'web',
    version: '1.2.3',
    locale: 'en',
    clientOptions: testClientOptions,
    ...over
  })
  cleanups.push(async () => {
    await service.close()
    await dir.remove()
  })
  return { service, dir: dir.path }
}

async function connected(over: Partial<AppServiceOptions> = {}) {
  const s = await newService(over)
  const c = await s.service.workspace.connect(connectInput(url))
  if (!c.ok) throw new Error(c.error.message)
  return { ...s, workspaceId: c.value.id }
}

/** Syncs the media lab, acknowledging every batch, and waits for its downloads. */
async function syncLab(service: AppService, workspaceId: string) {
  const log = new EventLog(service)
  const messages: SyncBatchEvent['messages'] = []
  let runId = ''
  const held: SyncBatchEvent[] = []
  const ackAll = () => {
    if (!runId) return
    const batches = held.splice(0)
    for (const b of batches) messages.push(...b.messages)
    if (batches.length)
      void service.sync.ack(
        runId,
        batches.map((b) => b.batchId)
      )
  }
  service.on('sync:batch', (e) => {
    held.push(e)
    setImmediate(ackAll)
  })
  const started = await service.sync.start({ workspaceId, groups: [{ groupId: mediaGroupId, coverage: emptyCoverage() }] })
  if (!started.ok) throw new Error(started.error.message)
  runId = started.value.runId
  ackAll()
  const done = await log.wait('sync:done')
  expect(done.status).toBe('done')
  await service.media.drain()
  log.stop()
  const bySeq = new Map(messages.map((m) => [m.MsgSeq, m]))
  const refsOf = (seq: number) => mediaInMessage(bySeq.get(seq))
  return { messages, refsOf }
}

const settings = (over: Partial<MediaSettings>): MediaSettings => ({ ...defaultMediaSettings(), ...over })

describe('media settings', () => {
  test('by default every type and image size is kept, up to 100 MB a file, with no budget', async () => {
    const { service } = await newService()
    const st = await service.media.settings()
    expect(st.settings).toEqual({
      images: { original: true, large: true, thumb: true },
      files: true,
      voice: true,
      video: 'all',
      maxFileMB: 100,
      extraHosts: [],
      budgetMB: null
    })
    expect(st.usedBytes).toBe(0)
    expect(st.budget).toBe('ok')
  })

  test('the host refuses a host name it cannot use, and the channel refuses malformed settings', async () => {
    const { service, dir } = await newService()
    for (const bad of ['*.com', '*', 'bad host', 'a/b']) {
      const r = (await invokeChannel(service, channels.mediaSetSettings, [settings({ extraHosts: [bad] })])) as { ok: boolean; error?: { code: string } }
      expect(r.ok, bad).toBe(false)
      expect(r.error!.code).toBe('INVALID')
    }
    const named = await service.media.setSettings(settings({ extraHosts: ['*.com'] }))
    expect(named.ok).toBe(false)
    if (!named.ok) expect(named.error.params).toEqual({ reason: 'mediaHost', host: '*.com' })
    for (const bad of [
      settings({ maxFileMB: 0 }),
      settings({ maxFileMB: -5 }),
      settings({ budgetMB: 0 }),
      { ...settings({}), video: 'some' },
      { ...settings({}), extra: true },
      settings({ extraHosts: Array.from({ length: 51 }, (_, i) => `h${i}.example.com`) })
    ]) {
      const r = (await invokeChannel(service, channels.mediaSetSettings, [bad])) as { ok: boolean; error?: { code: string } }
      expect(r.ok, JSON.stringify(bad).slice(0, 80)).toBe(false)
      expect(r.error!.code).toBe('INVALID')
    }
    // Nothing invalid was stored.
    await expect(readFile(join(dir, MEDIA_SETTINGS_FILE), 'utf8')).rejects.toThrow()

    // A good change is normalized, stored and read back by the next host on this folder.
    const good = (await invokeChannel(service, channels.mediaSetSettings, [
      settings({ video: 'thumbnail', maxFileMB: 2.5, extraHosts: ['Files.Example.com', '.cdn.example.org', 'files.example.com'], budgetMB: 500 })
    ])) as { ok: true; value: { settings: MediaSettings } }
    expect(good.ok).toBe(true)
    expect(good.value.settings.extraHosts).toEqual(['files.example.com', '*.cdn.example.org'])
    const again = await newService({}, dir)
    const st = await again.service.media.settings()
    expect(st.settings).toEqual({ ...good.value.settings })
    expect(st.settings.video).toBe('thumbnail')
    expect(st.settings.budgetMB).toBe(500)
  })

  test('a type turned off is refused as type-not-allowed, and a smaller cap refuses what is over it as too-big', async () => {
    const { service, workspaceId } = await connected()
    const capMB = 0.05
    const set = await service.media.setSettings(settings({ video: 'off', maxFileMB: capMB }))
    expect(set.ok).toBe(true)
    const { refsOf } = await syncLab(service, workspaceId)
    const statusOf = async (seq: number) => {
      const keys = refsOf(seq).map((r) => mediaKey(r))
      const st = await service.media.lookup(mediaGroupId, keys)
      return refsOf(seq).map((r) => ({ ref: r, s: st[mediaKey(r)]! }))
    }
    const video = await statusOf(MEDIA_LAB_SEQS.video)
    expect(video.length).toBe(2)
    for (const { s } of video) expect([s.status, s.reason]).toEqual(['refused', 'type-not-allowed'])

    // Everything declared over the cap is refused, and there is such an object in the lab.
    const cap = capMB * 1024 * 1024
    let over = 0
    for (const seq of [MEDIA_LAB_SEQS.png, MEDIA_LAB_SEQS.jpeg, MEDIA_LAB_SEQS.voice, MEDIA_LAB_SEQS.pdf, MEDIA_LAB_SEQS.zip, MEDIA_LAB_SEQS.txt]) {
      for (const { ref, s } of await statusOf(seq)) {
        if (ref.declaredBytes !== null && ref.declaredBytes > cap) {
          over++
          expect([s.status, s.reason], ref.kind).toEqual(['refused', 'too-big'])
        } else if (ref.declaredBytes !== null) expect(s.status, `${ref.kind} ${ref.declaredBytes}`).toBe('saved')
      }
    }
    expect(over).toBeGreaterThan(0)

    // Turned back on, the next enqueue fetches what the older settings refused.
    expect((await service.media.setSettings(settings({}))).ok).toBe(true)
    const second = await syncLab(service, workspaceId)
    void second
    for (const { s } of await statusOf(MEDIA_LAB_SEQS.video)) expect(s.status).toBe('saved')
    expect(sim.privateHits).toBe(0)
  }, 60_000)

  test('a disk budget counts the kept bytes, warns from 90 % and, once full, leaves new objects pending', async () => {
    const { service, workspaceId } = await connected()
    // A tiny budget: full after the first files.
    expect((await service.media.setSettings(settings({ budgetMB: 0.02 }))).ok).toBe(true)
    const { messages } = await syncLab(service, workspaceId)
    const st = await service.media.settings()
    expect(st.budget).toBe('full')
    const keys = messages.flatMap((m) => mediaInMessage(m).map((r) => mediaKey(r)))
    const all = await service.media.lookup(mediaGroupId, keys.slice(0, 500))
    const statuses = Object.values(all).map((s) => s.status)
    expect(statuses).toContain('pending')
    // What was kept fits the budget give or take what was already downloading.
    const outcomes = await service.media.outcomes(mediaGroupId)
    const bytes = new Map(Object.values(outcomes).flatMap((o) => (o.status === 'saved' ? [[o.sha256!, o.bytes!] as const] : [])))
    expect(st.usedBytes).toBe([...bytes.values()].reduce((a, b) => a + b, 0))

    // Raising the budget past what is used: no longer full, and the pending objects are fetched.
    const raised = await service.media.setSettings(settings({ budgetMB: 10_000 }))
    expect(raised.ok && raised.value.budget).toBe('ok')
    await syncLab(service, workspaceId)
    const after = await service.media.lookup(mediaGroupId, keys.slice(0, 500))
    expect(Object.values(after).filter((s) => s.status === 'pending').length).toBeLessThan(statuses.filter((s) => s === 'pending').length)
    // Warn at 90 %: a budget just above what is used.
    const used = (await service.media.settings()).usedBytes
    const warn = await service.media.setSettings(settings({ budgetMB: used / 0.95 / (1024 * 1024) }))
    expect(warn.ok && warn.value.budget).toBe('warn')
  }, 60_000)
})

describe('media lookups while another process holds the folder', () => {
  test('lookup reads the ledger without its lock and sees what the other process appends', async () => {
    const { service, dir } = await newService()
    const mediaDir = mediaDirOf(dir)
    // Another process (a pull --media) holds the folder's lock and appends outcomes.
    await mkdir(mediaDir, { recursive: true })
    await writeFile(join(mediaDir, 'ledger.lock'), String(process.ppid))
    const ledgerPath = join(mediaDir, 'ledger.jsonl')
    const line = (k: string, o: object) => JSON.stringify({ g: mediaGroupId, k, o }) + '\n'
    await writeFile(ledgerPath, line('image:thumb:uuid:a', { status: 'saved', bytes: 3, sha256: 'a'.repeat(64), type: 'image/png', at: 1 }))
    const first = await service.media.lookup(mediaGroupId, ['image:thumb:uuid:a', 'image:thumb:uuid:b'])
    expect(first['image:thumb:uuid:a']).toMatchObject({ status: 'saved', sha256: 'a'.repeat(64) })
    expect(first['image:thumb:uuid:b']).toEqual({ status: 'pending' })
    // A line being written (no newline yet) is not read until it is whole.
    const later = line('image:thumb:uuid:b', { status: 'expired', httpStatus: 404, firstSeenAt: 5, lastSeenAt: 6 })
    await writeFile(ledgerPath, later.slice(0, 20), { flag: 'a' })
    expect((await service.media.lookup(mediaGroupId, ['image:thumb:uuid:b']))['image:thumb:uuid:b']).toEqual({ status: 'pending' })
    await writeFile(ledgerPath, later.slice(20), { flag: 'a' })
    const second = await service.media.lookup(mediaGroupId, ['image:thumb:uuid:a', 'image:thumb:uuid:b'])
    expect(second['image:thumb:uuid:b']).toMatchObject({ status: 'expired', firstSeenAt: 5 })
    expect(second['image:thumb:uuid:a']!.status).toBe('saved')
    // The service's own health view reads the same way.
    expect(Object.keys(await service.media.outcomes(mediaGroupId)).sort()).toEqual(['image:thumb:uuid:a', 'image:thumb:uuid:b'])
    // The other process still holds the lock (the lookups never needed it).
    await expect(MediaLedger.open(mediaDir)).rejects.toThrow(/in use/)
    expect(await readFile(join(mediaDir, 'ledger.lock'), 'utf8')).toBe(String(process.ppid))
  })
})

describe('saving a kept file', () => {
  test('Save… copies the stored object to the chosen path atomically; closed dialog, unknown object and browser mode say so', async () => {
    const chosen: string[] = []
    let answer: string | null = null
    const shown: string[] = []
    const { service, dir } = await newService({
      media: {
        chooseSavePath: async (name) => {
          chosen.push(name)
          return answer
        },
        showInFolder: (p) => shown.push(p)
      }
    })
    const store = await service.media.store()
    const bytes = new TextEncoder().encode('%PDF-1.4 kept bytes')
    const put = await store.put(
      (async function* () {
        yield bytes
      })()
    )
    const dest = join(dir, 'out.pdf')
    await writeFile(dest, 'older content')
    answer = dest
    const r = await invokeChannel(service, channels.mediaSave, [{ sha256: put.sha256, name: '../../etc/re:port?.pdf' }])
    expect(r).toEqual({ ok: true, value: { path: dest } })
    expect(chosen).toEqual(['re_port_.pdf'])
    expect(await readFile(dest, 'utf8')).toBe('%PDF-1.4 kept bytes')
    // No temporary file is left beside it.
    const { readdir } = await import('node:fs/promises')
    expect((await readdir(dir)).filter((n) => n.includes('out.pdf'))).toEqual(['out.pdf'])

    answer = null
    const cancelled = (await service.media.save({ sha256: put.sha256, name: 'x.pdf' })) as { ok: false; error: { code: string; params?: unknown } }
    expect(cancelled.error).toMatchObject({ code: 'CANCELLED', params: { reason: 'save' } })
    const missing = (await service.media.save({ sha256: 'b'.repeat(64), name: 'x.pdf' })) as { ok: false; error: { code: string } }
    expect(missing.error.code).toBe('NOT_FOUND')
    // A path in place of a SHA-256 never reaches the store.
    const bad = (await invokeChannel(service, channels.mediaSave, [{ sha256: '../ledger.jsonl', name: 'x' }])) as { ok: boolean; error: { code: string } }
    expect(bad.error.code).toBe('INVALID')

    expect(await service.media.show(put.sha256)).toEqual({ ok: true, value: null })
    expect(shown).toEqual([store.pathFor(put.sha256)])

    const web = await newService()
    const r2 = (await web.service.media.save({ sha256: put.sha256, name: 'x.pdf' })) as { ok: false; error: { code: string } }
    expect(r2.error.code).toBe('UNSUPPORTED')
  })

  test('safeFileName keeps the last path part and drops what a file system refuses', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd')
    expect(safeFileName('C:\\Users\\x\\report.docx')).toBe('report.docx')
    expect(safeFileName('..')).toBe('file')
    expect(safeFileName('  .hidden. ')).toBe('hidden')
    expect(safeFileName('a\u0000b<c>|d.txt')).toBe('a_b_c__d.txt')
    expect(safeFileName('报告.pdf')).toBe('报告.pdf')
    expect([...safeFileName('x'.repeat(500))].length).toBe(200)
  })
})
