// AppService against the simulator over real HTTP: connect, discover, and sync runs that stream
// batches and wait for acks.
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AppService } from '../../../src-main/services/app-service'
import { InvalidRequestError } from '../../../src-main/services/app-errors'
import { invokeChannel } from '../../../src-main/services/dispatch'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import { applyBatchCoverage, emptyCoverage, isComplete, type Coverage } from '../../../src-main/shared/coverage'
import { channels, type SyncBatchEvent } from '../../../src-main/shared/ipc/contract'
import type { Simulator } from '../../../tools/sim/server'
import { demoCredentials, demoGroupIds } from '../../../tools/sim/seed'
import { expectedPlaces } from '../../helpers/memory-sink'
import { cloneAppIds, connectInput, EventLog, startDemoSim, tempDir, testClientOptions } from './helpers'

let sim: Simulator
let url: string
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  ;({ sim, url } = await startDemoSim())
})
afterAll(async () => {
  await sim.stop()
  for (const c of cleanups) await c()
})

async function newService(over: Partial<ConstructorParameters<typeof AppService>[0]> = {}) {
  const dir = await tempDir()
  cleanups.push(dir.remove)
  const service = new AppService({
    secretStore: new FileSecretStore(dir.path),
    configDir: dir.path,
    shell: 'web',
    version: '1.2.3',
    locale: 'zh-CN',
    clientOptions: testClientOptions,
    ...over
  })
  return { service, dir: dir.path }
}

/**
 * A service with a workspace saved by an earlier session, for its own copy of the demo app (saved
 * directly rather than through connect(), whose get_appid_group_list is limited to 1/s).
 */
async function connected(appIndex: number, over: Partial<ConstructorParameters<typeof AppService>[0]> = {}) {
  const s = await newService(over)
  const sdkAppId = cloneAppIds[appIndex]!
  const workspaceId = `${sdkAppId}@${new URL(url).origin}`
  await writeFile(join(s.dir, 'workspace.json'), JSON.stringify({ version: 1, sdkAppId, identifier: 'administrator', region: 'custom', endpoint: url }))
  await new FileSecretStore(s.dir).save(workspaceId, demoCredentials.secretKey)
  expect(await s.service.workspace.current()).toMatchObject({ id: workspaceId, hasKey: true })
  return { ...s, workspaceId }
}

test('info names the app, the shell and the locale', async () => {
  const { service } = await newService()
  expect(await service.app.info()).toEqual({ name: 'TIM Archive', version: '1.2.3', shell: 'web', locale: 'zh-CN' })
})

describe('connecting', () => {
  test('I can test my credentials and see how many groups the app has', async () => {
    const { service } = await newService()
    const r = await service.workspace.test(connectInput(url))
    expect(r).toEqual({ ok: true, value: { groupCount: 7 } })
    // test() saves nothing.
    expect(await service.workspace.current()).toBeNull()
  })

  test('a wrong secret key is reported as 70009 with its meaning', async () => {
    const { service } = await newService()
    const r = await service.workspace.test(connectInput(url, cloneAppIds[0], { secretKey: 'f'.repeat(64) }))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe(70009)
    expect(r.error.message).toMatch(/70009/)
    expect(r.error.message).toMatch(/secret key is wrong/)
    expect(r.error.message).not.toContain('f'.repeat(64))
    // The page words it from the code; the API's own ErrorInfo travels untranslated as the detail.
    expect(r.error.params).toMatchObject({ command: 'get_appid_group_list' })
    expect(r.error.detail).toBeTruthy()
    expect(r.error.message).toContain(r.error.detail)
    expect(r.error.detail).not.toContain('f'.repeat(64))
  })

  test('an identifier that is not an app admin is reported as 60010', async () => {
    const { service } = await newService()
    const r = await service.workspace.test(connectInput(url, cloneAppIds[1], { identifier: 'alice' }))
    expect(!r.ok && r.error.code).toBe(60010)
    expect(!r.ok && r.error.message).toMatch(/admin/)
  })

  test('an unreachable endpoint is a NETWORK error, not a crash', async () => {
    const { service } = await newService({ clientOptions: { ...testClientOptions, retries: 0 } })
    const r = await service.workspace.test(connectInput('http://127.0.0.1:9', cloneAppIds[2]))
    expect(!r.ok && r.error.code).toBe('NETWORK')
    // The system's own error, for the details.
    expect(!r.ok && r.error.detail).toBeTruthy()
  })

  test('connect saves the workspace; the key only in the encrypted store, never in a result', async () => {
    const { service, dir } = await newService()
    const r = await service.workspace.connect(connectInput(url, cloneAppIds[3]))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const origin = new URL(url).origin
    expect(r.value).toEqual({
      id: `${cloneAppIds[3]}@${origin}`,
      sdkAppId: cloneAppIds[3],
      identifier: 'administrator',
      region: 'custom',
      endpoint: url,
      hasKey: true
    })
    expect(JSON.stringify(r)).not.toContain(demoCredentials.secretKey)

    const file = await readFile(join(dir, 'workspace.json'), 'utf8')
    expect(JSON.parse(file)).toMatchObject({ sdkAppId: cloneAppIds[3], identifier: 'administrator', region: 'custom', endpoint: url })
    expect(file).not.toContain(demoCredentials.secretKey)
    expect((await stat(join(dir, 'workspace.json'))).mode & 0o777).toBe(0o600)
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain(demoCredentials.secretKey)

    // A restart finds it again.
    const again = new AppService({ secretStore: new FileSecretStore(dir), configDir: dir, shell: 'web', version: '1', locale: 'en' })
    expect(await again.workspace.current()).toEqual(r.value)

    await again.workspace.forget()
    expect(await again.workspace.current()).toBeNull()
    expect(await new FileSecretStore(dir).load(r.value.id)).toBeNull()
    const d = await again.groups.discover()
    expect(!d.ok && d.error.code).toBe('NOT_CONNECTED')
  })

  test('connect with a wrong key saves nothing', async () => {
    const { service, dir } = await newService()
    const r = await service.workspace.connect(connectInput(url, cloneAppIds[4], { secretKey: 'wrong' }))
    expect(!r.ok && r.error.code).toBe(70009)
    expect(await service.workspace.current()).toBeNull()
    await expect(stat(join(dir, 'workspace.json'))).rejects.toThrow()
  })
})

describe('groups', () => {
  test('discover lists the demo groups; live-stream rooms are not archivable', async () => {
    const { service } = await connected(5)
    const r = await service.groups.discover()
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const byId = new Map(r.value.map((g) => [g.groupId, g]))
    // Dismissed groups are not listed by get_appid_group_list.
    expect([...byId.keys()].sort()).toEqual(
      Object.values(demoGroupIds)
        .filter((id) => id !== demoGroupIds.dismissed)
        .sort()
    )
    const live = byId.get(demoGroupIds.live)!
    expect(live).toMatchObject({ type: 'AVChatRoom', archivable: false })
    expect(live.reason).toMatch(/AVChatRoom.*no message history/)
    expect(live.problem).toMatchObject({ code: 'NO_HISTORY', params: { type: 'AVChatRoom' } })
    const team = byId.get(demoGroupIds.team)!
    expect(team).toMatchObject({ archivable: true, newestSeq: 600 })
    expect(team.name).toBeTruthy()
    expect(team.memberNum).toBeGreaterThan(0)
    // The member list is filtered out: it can be megabytes per group.
    expect(team.info?.MemberList).toBeUndefined()
    expect(byId.get(demoGroupIds.empty)).toMatchObject({ archivable: true, newestSeq: 0 })
  })

  test('lookup explains dismissed and unknown IDs, and refuses malformed ones', async () => {
    const { service } = await connected(6)
    const r = await service.groups.lookup([demoGroupIds.dismissed, 'no-such-group', demoGroupIds.custom, demoGroupIds.custom])
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.map((g) => g.groupId)).toEqual([demoGroupIds.dismissed, 'no-such-group', demoGroupIds.custom])
    expect(r.value[0]).toMatchObject({ archivable: false })
    expect(r.value[0]!.reason).toMatch(/10010.*dismissed/)
    expect(r.value[1]!.reason).toMatch(/10010/)
    expect(r.value[0]!.problem).toMatchObject({ code: 10010, params: { command: 'get_group_info', groupId: demoGroupIds.dismissed } })
    expect(r.value[2]).toMatchObject({ archivable: true, newestSeq: 25, type: 'ChatRoom' })

    const bad = await service.groups.lookup(['ok', 'tab\there'])
    expect(!bad.ok && bad.error.code).toBe('INVALID')
    expect(!bad.ok && bad.error.params).toEqual({ reason: 'groupId' })
  })
})

describe('sync', () => {
  /**
   * Plays the renderer: commits the batches that arrived together, then acknowledges them with ONE
   * ack per outcome (the committed ones together, the failed ones together with their error).
   */
  function renderer(service: AppService, opts: { fail?: (e: SyncBatchEvent) => string | undefined } = {}) {
    const coverage = new Map<string, Coverage>()
    const seqs = new Map<string, Set<number>>()
    const acks: { runId: string; batchIds: number[]; error?: string }[] = []
    let queued: SyncBatchEvent[] = []
    const flush = () => {
      const batch = queued
      queued = []
      const committed = new Map<string, number[]>()
      const failed = new Map<string, { runId: string; error: string; ids: number[] }>()
      for (const e of batch) {
        const error = opts.fail?.(e)
        if (error) {
          const key = `${e.runId}\u0000${error}`
          const f = failed.get(key) ?? { runId: e.runId, error, ids: [] }
          f.ids.push(e.batchId)
          failed.set(key, f)
          continue
        }
        coverage.set(e.groupId, applyBatchCoverage(coverage.get(e.groupId) ?? emptyCoverage(), e))
        const s = seqs.get(e.groupId) ?? new Set()
        for (const m of e.messages) s.add(m.MsgSeq)
        seqs.set(e.groupId, s)
        committed.set(e.runId, [...(committed.get(e.runId) ?? []), e.batchId])
      }
      for (const [runId, batchIds] of committed) {
        acks.push({ runId, batchIds })
        void service.sync.ack(runId, batchIds)
      }
      for (const { runId, error, ids } of failed.values()) {
        acks.push({ runId, batchIds: ids, error })
        void service.sync.ack(runId, ids, error)
      }
    }
    const off = service.on('sync:batch', (e) => {
      if (!queued.length) setImmediate(flush)
      queued.push(e)
    })
    return { coverage, seqs, acks, off }
  }

  test('a run streams batches, waits for acks, and reports each group', async () => {
    const { service, workspaceId } = await connected(7)
    const log = new EventLog(service)
    const r = renderer(service)
    const started = await service.sync.start({
      workspaceId,
      groups: [
        { groupId: demoGroupIds.team, coverage: emptyCoverage() },
        { groupId: demoGroupIds.custom, coverage: emptyCoverage() },
        { groupId: demoGroupIds.dismissed, coverage: emptyCoverage() }
      ]
    })
    expect(started.ok).toBe(true)
    if (!started.ok) return
    const done = await log.wait('sync:done')
    expect(done.runId).toBe(started.value.runId)
    expect(done.status).toBe('done')
    const byId = new Map(done.groups.map((g) => [g.groupId, g]))
    expect(byId.get(demoGroupIds.team)).toEqual({ groupId: demoGroupIds.team, complete: true })
    expect(byId.get(demoGroupIds.custom)).toEqual({ groupId: demoGroupIds.custom, complete: true })
    expect(byId.get(demoGroupIds.dismissed)?.complete).toBe(false)
    expect(byId.get(demoGroupIds.dismissed)?.error?.code).toBe(10010)
    expect(byId.get(demoGroupIds.dismissed)?.error?.message).toMatch(/10010/)

    // What the "renderer" committed is the whole history.
    const team = sim.group(cloneAppIds[7]!, demoGroupIds.team)
    expect(isComplete(r.coverage.get(demoGroupIds.team)!)).toBe(true)
    expect([...r.seqs.get(demoGroupIds.team)!].sort((a, b) => a - b)).toEqual([...expectedPlaces(team).keys()])
    expect(r.seqs.get(demoGroupIds.custom)!.size).toBe(25)

    // Batch ids are unique; every batch names the run.
    const batches = log.of('sync:batch')
    expect(new Set(batches.map((b) => b.batchId)).size).toBe(batches.length)
    expect(batches.every((b) => b.runId === started.value.runId)).toBe(true)

    // Progress: at most 10/s per group, ending with 'done' for the groups that finished.
    for (const groupId of [demoGroupIds.team, demoGroupIds.custom]) {
      const entries = log.entries.filter((e) => e.type === 'sync:progress' && e.payload.groupId === groupId)
      expect(entries.length).toBeGreaterThan(0)
      expect(entries.at(-1)!.payload).toMatchObject({ phase: 'done', runId: started.value.runId })
      for (let i = 1; i < entries.length - 1; i++) expect(entries[i]!.at - entries[i - 1]!.at).toBeGreaterThanOrEqual(90)
    }
    // Neither the key nor a UserSig ever appears in an event.
    const all = JSON.stringify(log.entries)
    expect(all).not.toContain(demoCredentials.secretKey)
    expect(all.toLowerCase()).not.toContain('usersig=')
    log.stop()
    r.off()
  })

  test("a Community's topics are listed (groups.topics) and each synced as its own unit, its batches and outcome naming the topic", async () => {
    const { service, workspaceId } = await connected(7)
    const listed = await service.groups.topics(demoGroupIds.community)
    expect(listed.ok).toBe(true)
    if (!listed.ok) return
    expect(listed.value.map((t) => t.name).sort()).toEqual(['General 综合', 'Ideas 想法', 'Releases 发布'])
    const notCommunity = await service.groups.topics(demoGroupIds.team)
    expect(notCommunity.ok).toBe(false)

    const log = new EventLog(service)
    const r = renderer(service)
    const byName = new Map(listed.value.map((t) => [t.name, t.topicId]))
    const started = await service.sync.start({
      workspaceId,
      groups: [
        { groupId: demoGroupIds.community, coverage: emptyCoverage() },
        ...listed.value.map((t) => ({ groupId: demoGroupIds.community, topicId: t.topicId, coverage: emptyCoverage() }))
      ]
    })
    expect(started.ok).toBe(true)
    const done = await log.wait('sync:done')
    expect(done.status).toBe('done')
    expect(done.groups.find((g) => g.topicId === byName.get('Releases 发布'))).toEqual({
      groupId: demoGroupIds.community,
      topicId: byName.get('Releases 发布'),
      complete: true
    })
    // Each topic's batches carry its topicId; its seqs are its own (Releases 1–4, General 1–10).
    const batches = log.of('sync:batch')
    const seqsOf = (topicId: string | undefined) =>
      [...new Set(batches.filter((b) => b.topicId === topicId).flatMap((b) => b.messages.map((m) => m.MsgSeq)))].sort((a, b) => a - b)
    expect(seqsOf(byName.get('Releases 发布'))).toEqual([1, 2, 3, 4])
    expect(seqsOf(byName.get('General 综合'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(seqsOf(byName.get('Ideas 想法'))).toEqual([])
    expect(seqsOf(undefined)).toEqual([])
    // Progress per topic.
    expect(log.of('sync:progress').some((p) => p.topicId === byName.get('General 综合') && p.phase === 'done')).toBe(true)
    log.stop()
    r.off()
  })

  test('a second start while a run is active is BUSY; cancel stops the run', async () => {
    const { service, workspaceId } = await connected(0)
    const log = new EventLog(service)
    // No renderer: batches stay unacknowledged, so the run cannot finish by itself.
    const input = { workspaceId, groups: [{ groupId: demoGroupIds.bench, coverage: emptyCoverage() }] }
    const first = await service.sync.start(input)
    expect(first.ok).toBe(true)
    if (!first.ok) return
    await log.wait('sync:batch')
    const second = await service.sync.start(input)
    expect(!second.ok && second.error.code).toBe('BUSY')

    await service.sync.cancel('some-other-run')
    await service.sync.cancel(first.value.runId)
    const done = await log.wait('sync:done')
    expect(done).toEqual({ runId: first.value.runId, status: 'cancelled', groups: [{ groupId: demoGroupIds.bench, complete: false }] })
    // Late acks of a finished run are ignored.
    await service.sync.ack(first.value.runId, [1, 2])

    // The next run starts normally.
    const third = await service.sync.start(input)
    expect(third.ok).toBe(true)
    if (third.ok) await service.sync.cancel(third.value.runId)
    await log.wait('sync:done', (d) => third.ok && d.runId === third.value.runId)
    log.stop()
  })

  test('a batch the store could not commit fails that group with STORE; the others finish', async () => {
    const { service, workspaceId } = await connected(1)
    const log = new EventLog(service)
    const r = renderer(service, { fail: (e) => (e.groupId === demoGroupIds.team ? 'QuotaExceededError: the disk is full' : undefined) })
    const started = await service.sync.start({
      workspaceId,
      groups: [
        { groupId: demoGroupIds.team, coverage: emptyCoverage() },
        { groupId: demoGroupIds.custom, coverage: emptyCoverage() }
      ]
    })
    expect(started.ok).toBe(true)
    const done = await log.wait('sync:done')
    expect(done.status).toBe('done')
    const team = done.groups.find((g) => g.groupId === demoGroupIds.team)!
    expect(team.complete).toBe(false)
    expect(team.error?.code).toBe('STORE')
    expect(team.error?.message).toContain('QuotaExceededError: the disk is full')
    expect(done.groups.find((g) => g.groupId === demoGroupIds.custom)).toEqual({ groupId: demoGroupIds.custom, complete: true })
    log.stop()
    r.off()
  })

  test('one ack call acknowledges several batches; an error in it fails them all', async () => {
    // A window of 4: the engine sends 4 batches, then waits until they are acknowledged.
    const { service, workspaceId } = await connected(4, { maxUnackedBatches: 4 })
    const log = new EventLog(service)
    const started = await service.sync.start({ workspaceId, groups: [{ groupId: demoGroupIds.bench, coverage: emptyCoverage() }] })
    expect(started.ok).toBe(true)
    if (!started.ok) return
    const runId = started.value.runId
    const ids = (from: number, to: number) =>
      log
        .of('sync:batch')
        .map((b) => b.batchId)
        .filter((id) => id >= from && id <= to)

    await log.wait('sync:batch', (b) => b.batchId === 4)
    await new Promise((r) => setTimeout(r, 150))
    expect(log.of('sync:batch').map((b) => b.batchId)).toEqual([1, 2, 3, 4])

    // Another run's id, unknown ids and repeated ids change nothing.
    await service.sync.ack('some-other-run', [1, 2, 3, 4])
    await service.sync.ack(runId, [99, 100])
    await new Promise((r) => setTimeout(r, 100))
    expect(log.of('sync:batch')).toHaveLength(4)

    // One call frees the whole window: the next four batches follow.
    await service.sync.ack(runId, [1, 2, 3, 4, 4, 1])
    await log.wait('sync:batch', (b) => b.batchId === 8)
    await new Promise((r) => setTimeout(r, 100))
    expect(ids(5, 100)).toEqual([5, 6, 7, 8])

    // Through the transports' entry point too (validated, then the same call).
    await invokeChannel(service, channels.syncAck, [runId, [5, 6], null])
    await log.wait('sync:batch', (b) => b.batchId === 10)

    // An error applies to every id of the call: the group fails with STORE. (Batches already in
    // flight still come and are failed the same way until the engine stops.)
    let ended = false
    const done = log.wait('sync:done', (d) => d.runId === runId).finally(() => (ended = true))
    let from = 7
    while (!ended) {
      const fresh = ids(from, Infinity)
      if (fresh.length) {
        await service.sync.ack(runId, fresh, 'QuotaExceededError: the disk is full')
        from = Math.max(...fresh) + 1
      }
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(from).toBeGreaterThan(10)
    const d = await done
    expect(d.status).toBe('failed')
    expect(d.groups).toHaveLength(1)
    expect(d.groups[0]!.error?.code).toBe('STORE')
    expect(d.groups[0]!.error?.message).toContain('QuotaExceededError: the disk is full')
    log.stop()
  })

  test('grouped acks from the renderer acknowledge every batch exactly once', async () => {
    const { service, workspaceId } = await connected(5)
    const log = new EventLog(service)
    const r = renderer(service)
    const started = await service.sync.start({ workspaceId, groups: [{ groupId: demoGroupIds.team, coverage: emptyCoverage() }] })
    expect(started.ok).toBe(true)
    const done = await log.wait('sync:done')
    expect(done.status).toBe('done')
    const batchIds = log.of('sync:batch').map((b) => b.batchId)
    const ackedIds = r.acks.flatMap((a) => a.batchIds)
    expect([...ackedIds].sort((a, b) => a - b)).toEqual([...batchIds].sort((a, b) => a - b))
    expect(r.acks.every((a) => a.error === undefined && a.batchIds.length >= 1)).toBe(true)
    log.stop()
    r.off()
  })

  test('a run for another workspace, or with nothing connected, is refused', async () => {
    const { service } = await connected(2)
    const r = await service.sync.start({ workspaceId: '1@china', groups: [{ groupId: 'g', coverage: emptyCoverage() }] })
    expect(!r.ok && r.error.code).toBe('NOT_CONNECTED')
    const fresh = await newService()
    const r2 = await fresh.service.sync.start({ workspaceId: '1@china', groups: [{ groupId: 'g', coverage: emptyCoverage() }] })
    expect(!r2.ok && r2.error.code).toBe('NOT_CONNECTED')
  })

  test('an incremental run only pulls what is missing', async () => {
    const { service, workspaceId } = await connected(3)
    const log = new EventLog(service)
    const r = renderer(service)
    const have: Coverage = { ranges: [[1, 20]], floor: 1, top: 20 }
    await service.sync.start({ workspaceId, groups: [{ groupId: demoGroupIds.custom, coverage: have }] })
    const done = await log.wait('sync:done')
    expect(done.groups).toEqual([{ groupId: demoGroupIds.custom, complete: true }])
    expect(Math.min(...r.seqs.get(demoGroupIds.custom)!)).toBeGreaterThan(5)
    log.stop()
    r.off()
  })
})

describe('invokeChannel (what both transports call)', () => {
  test('invalid input to a Result call comes back as INVALID; to a void call it throws', async () => {
    const { service } = await newService()
    expect(await invokeChannel(service, channels.workspaceTest, [{ sdkAppId: 'x' }])).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(await invokeChannel(service, channels.syncStart, [])).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    await expect(invokeChannel(service, channels.syncAck, ['run', 'one'])).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(invokeChannel(service, channels.workspaceForget, [1])).rejects.toBeInstanceOf(InvalidRequestError)
    expect(await invokeChannel(service, channels.appInfo, [])).toMatchObject({ shell: 'web' })
    expect(await invokeChannel(service, channels.workspaceCurrent, [])).toBeNull()
  })

  test('link:open hands only a validated http, https or mailto address to the shell', async () => {
    const opened: string[] = []
    const { service } = await newService({ shell: 'electron', openExternal: async (u) => void opened.push(u) })
    expect(await invokeChannel(service, channels.linkOpen, ['https://example.com/a'])).toEqual({ ok: true, value: null })
    expect(await invokeChannel(service, channels.linkOpen, ['javascript:alert(1)'])).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(await invokeChannel(service, channels.linkOpen, ['file:///etc/passwd'])).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(opened).toEqual(['https://example.com/a'])
    // Browser mode's page opens links itself: its host opens none.
    const { service: web } = await newService()
    expect(await invokeChannel(web, channels.linkOpen, ['https://example.com/a'])).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } })
  })
})
