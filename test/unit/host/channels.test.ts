import { describe, expect, it } from 'vitest'
import { buildApi, channels, eventChannels, hostEventChannels, invokeChannels, keptEventChannels, resultChannels } from '../../../src-main/shared/ipc/channels'
import { invokeArgs } from '../../../src-main/shared/ipc/schemas'

describe('the channel table', () => {
  it('names every channel domain:verb, events without their on', () => {
    expect(channels).toMatchObject({
      appInfo: 'app:info',
      appSetStatus: 'app:setStatus',
      appCommand: 'app:command',
      syncAck: 'sync:ack',
      syncBatch: 'sync:batch',
      linkOpen: 'link:open',
      mediaLookup: 'media:lookup',
      mediaImportFolder: 'media:importFolder',
      mediaEnqueue: 'media:enqueue',
      mediaChanged: 'media:changed',
      peopleResolve: 'people:resolve'
    })
    expect(Object.keys(channels)).toHaveLength(31)
    expect([...eventChannels].sort()).toEqual(['app:command', 'media:changed', 'sync:batch', 'sync:done', 'sync:progress'])
    expect([...hostEventChannels].sort()).toEqual(['media:changed', 'sync:batch', 'sync:done', 'sync:progress'])
    expect([...keptEventChannels].sort()).toEqual(['sync:batch', 'sync:done'])
  })

  it('has a schema for every call and for nothing else', () => {
    expect(Object.keys(invokeArgs).sort()).toEqual([...invokeChannels].sort())
    expect([...resultChannels].sort()).toEqual(
      [
        'workspace:test',
        'workspace:connect',
        'groups:discover',
        'groups:lookup',
        'groups:topics',
        'sync:start',
        'export:start',
        'export:write',
        'export:finish',
        'link:open',
        'media:importFolder',
        'media:setSettings',
        'media:save',
        'media:show',
        'people:resolve'
      ].sort()
    )
  })

  it('builds the API over a transport: calls go to invoke without a trailing undefined, events to subscribe', async () => {
    const calls: [string, unknown[]][] = []
    const subs: string[] = []
    const api = buildApi(
      async (channel, args) => {
        calls.push([channel, args])
        return 'answer'
      },
      (channel, listener) => {
        subs.push(channel)
        listener({ runId: 'r' })
        return () => {}
      }
    )
    expect(await api.app.info()).toBe('answer')
    await api.sync.ack('r', [1, 2])
    await api.sync.ack('r', [3], 'full')
    await api.sync.ack('r', [4], undefined)
    expect(calls).toEqual([
      ['app:info', []],
      ['sync:ack', ['r', [1, 2]]],
      ['sync:ack', ['r', [3], 'full']],
      ['sync:ack', ['r', [4]]]
    ])
    const seen: unknown[] = []
    api.sync.onDone((e) => seen.push(e))
    api.app.onCommand((c) => seen.push(c))
    expect(subs).toEqual(['sync:done', 'app:command'])
    expect(seen).toHaveLength(2)
  })
})
