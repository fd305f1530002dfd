/**
 * people.resolve (services/people.ts) against the simulator over real HTTP on 127.0.0.1: the demo
 * team's name cards and profiles, a member who left resolved through his profile, a rename seen by
 * a later call, a live-stream group without a member list, and the channel's validation.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { AppService } from '../../../src-main/services/app-service'
import { invokeChannel } from '../../../src-main/services/dispatch'
import { FileSecretStore } from '../../../src-main/services/secret-store'
import { channels } from '../../../src-main/shared/ipc/channels'
import { maxPeopleAccounts, type PeopleResolved, type Result } from '../../../src-main/shared/ipc/contract'
import { avatarKey } from '../../../src-main/shared/media/objects'
import { demoApp, demoCredentials, demoGroupIds } from '../../../tools/sim/seed'
import { freshAppId, startSim } from '../../helpers/sim'
import { tempDir, testClientOptions } from './helpers'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function connected() {
  const appId = freshAppId()
  const s = await startSim({ apps: [{ ...demoApp({ benchMessages: 10 }), sdkAppId: appId }], rateLimit: 1000 })
  cleanups.push(() => s.sim.stop())
  const dir = await tempDir()
  cleanups.push(dir.remove)
  const service = new AppService({
    secretStore: new FileSecretStore(dir.path),
    configDir: dir.path,
    shell: 'web',
    version: '1',
    locale: 'en',
    clientOptions: testClientOptions
  })
  cleanups.push(() => service.close())
  const workspaceId = `${appId}@${new URL(s.url).origin}`
  await writeFile(
    join(dir.path, 'workspace.json'),
    JSON.stringify({ version: 1, sdkAppId: appId, identifier: 'administrator', region: 'custom', endpoint: s.url })
  )
  await new FileSecretStore(dir.path).save(workspaceId, demoCredentials.secretKey)
  return { service, sim: s.sim, appId }
}

function value(r: Result<PeopleResolved>): PeopleResolved {
  if (!r.ok) throw new Error(`resolve failed: ${r.error.message}`)
  return r.value
}

describe('people.resolve', () => {
  test('the demo team: name cards from the member list, nicknames and avatars from profiles; li_lei, who left, through his profile', async () => {
    const { service, sim } = await connected()
    sim.resetStats()
    const before = Date.now()
    const r = value(await service.people.resolve(demoGroupIds.team, ['alice', 'bob', 'li_lei', 'ghost']))
    expect(r.seenAt).toBeGreaterThanOrEqual(before)
    const by = new Map(r.people.map((p) => [p.account, p]))
    expect(by.get('alice')).toMatchObject({ nick: 'Alice Wang', nameCard: 'Alice (PM)', member: true })
    expect(by.get('bob')).toMatchObject({ nick: 'Bob Zhang 张博', member: true })
    expect(by.get('bob')?.avatar).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cos\//)
    expect(by.get('li_lei')).toMatchObject({ nick: '李雷', member: false })
    expect(by.has('ghost')).toBe(false)
    expect(r.failed).toEqual(['ghost'])
    // One member page and one profile request for four accounts.
    expect(sim.stats.byCommand['portrait_get']).toBe(1)
    expect(sim.stats.byCommand['get_group_member_info']).toBe(1)
  })

  test('the avatars are kept as media, under the key of their URL without the query', async () => {
    const { service } = await connected()
    const r = value(await service.people.resolve(demoGroupIds.team, ['alice', 'bob']))
    const keys = r.people.map((p) => avatarKey(p.avatar)).filter((k): k is string => k !== null)
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(/^avatar:url:http:\/\/127\.0\.0\.1:\d+\/cos\/[^?]*$/)
    let statuses: Record<string, { status: string; type?: string }> = {}
    for (let i = 0; i < 100; i++) {
      statuses = await service.media.lookup(demoGroupIds.team, keys)
      if (keys.every((k) => statuses[k]?.status === 'saved')) break
      await new Promise((r) => setTimeout(r, 50))
    }
    for (const k of keys) expect(statuses[k]).toMatchObject({ status: 'saved', type: expect.stringMatching(/^image\//) })
  })

  test('a rename on the server is what a later call answers', async () => {
    const { service, sim, appId } = await connected()
    sim.setProfile(appId, 'bob', { nick: 'Bobby' })
    const r = value(await service.people.resolve(demoGroupIds.team, ['bob']))
    expect(r.people[0]).toMatchObject({ account: 'bob', nick: 'Bobby' })
  })

  test('a live-stream group has no member list: profiles only, with a note', async () => {
    const { service, sim } = await connected()
    sim.resetStats()
    const known = value(await service.people.resolve(demoGroupIds.live, ['alice'], 'AVChatRoom'))
    expect(known.note).toBe('noMemberList')
    expect(known.people[0]).toMatchObject({ account: 'alice', nick: 'Alice Wang' })
    expect(known.people[0]?.member).toBeUndefined()
    expect(sim.stats.byCommand['get_group_member_info'] ?? 0).toBe(0)
    // Without the type the server refuses the member list (10007): the same answer.
    const unknown = value(await service.people.resolve(demoGroupIds.live, ['alice']))
    expect(unknown.note).toBe('noMemberList')
  })

  test('without a connected workspace it answers NOT_CONNECTED', async () => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const service = new AppService({ secretStore: new FileSecretStore(dir.path), configDir: dir.path, shell: 'web', version: '1', locale: 'en' })
    const r = await service.people.resolve(demoGroupIds.team, ['alice'])
    expect(!r.ok && r.error.code).toBe('NOT_CONNECTED')
  })
})

describe('the people.resolve channel refuses a hostile payload', () => {
  test.each([
    ['no accounts', [demoGroupIds.team, []]],
    ['too many accounts', [demoGroupIds.team, Array.from({ length: maxPeopleAccounts + 1 }, (_, i) => `u${i}`)]],
    ['an account with a control character', [demoGroupIds.team, ['a\u0000b']]],
    ['an overlong account', [demoGroupIds.team, ['x'.repeat(500)]]],
    ['a bad group ID', ['', ['alice']]],
    ['a number for an account', [demoGroupIds.team, [42]]],
    ['an extra argument', [demoGroupIds.team, ['alice'], 'Public', 'more']]
  ])('%s', async (_, args) => {
    const dir = await tempDir()
    cleanups.push(dir.remove)
    const service = new AppService({ secretStore: new FileSecretStore(dir.path), configDir: dir.path, shell: 'web', version: '1', locale: 'en' })
    const r = (await invokeChannel(service, channels.peopleResolve, args)) as Result<unknown>
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('INVALID')
  })
})
