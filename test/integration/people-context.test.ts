// The pull's context step against the simulator over real HTTP on 127.0.0.1 (issue 18 §1, §3):
// the team chat's name, its members with name cards, a sender who left resolved by profile, a
// rename seen by a second pull appended as history, a Community's topics and members paged by
// Next, and an audio-video group resolved by profile only.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ContextWriter, personKey, readContextFile } from '../../src-main/archive/context-file'
import { pullGroupContext } from '../../src-main/cli/pull-context'
import { resolveGroupPeople } from '../../src-main/people/resolve'
import { nameAt } from '../../src-main/shared/people'
import { TimClient } from '../../src-main/tim/client'
import { demoApp, demoGroupIds } from '../../tools/sim/seed'
import { credsFor, freshAppId, startSim } from '../helpers/sim'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function setup() {
  const appId = freshAppId()
  const s = await startSim({ apps: [{ ...demoApp({ benchMessages: 10 }), sdkAppId: appId }], rateLimit: 1000 })
  const dir = await mkdtemp(join(tmpdir(), 'tim-people-ctx-'))
  stops.push(async () => {
    await s.sim.stop()
    await rm(dir, { recursive: true, force: true })
  })
  return { ...s, appId, dir, client: new TimClient(credsFor(appId, s.url), { retries: 1, backoffMs: 5 }) }
}

const signal = new AbortController().signal

describe('pull context against the simulator', () => {
  it('names the team chat and its people; a rename between two pulls becomes history; li_lei, who left, is resolved by profile', async () => {
    const { sim, appId, dir, client } = await setup()
    const path = join(dir, 'team.jsonl.context.jsonl')
    const G = demoGroupIds.team
    const senders = ['alice', 'bob', 'li_lei', 'ghost', '@TIM#SYSTEM']
    const t1 = Date.UTC(2030, 0, 1)
    const first = await pullGroupContext(client, await ContextWriter.open(path), G, senders, signal, () => t1)
    expect(first.members).toBe(12)
    expect(first.failedProfiles).toEqual(['ghost'])
    expect(first.warnings.join('\n')).toContain('ghost')

    sim.setProfile(appId, 'bob', { nick: 'Bobby' })
    const t2 = t1 + 86_400_000
    const second = await pullGroupContext(client, await ContextWriter.open(path), G, senders, signal, () => t2)
    expect(second.lines).toBe(1)

    const ctx = (await readContextFile(path))!
    expect(ctx.skipped).toBe(0)
    expect(ctx.groups.get(G)).toMatchObject({ name: '产品研发 Team 🚀', groupType: 'Public' })
    const bob = ctx.people.get(personKey(G, 'bob'))!
    expect(bob.member).toBe(true)
    expect(bob.history.map((h) => h.nick)).toEqual(['Bob Zhang 张博', 'Bobby'])
    expect(nameAt(bob, 'bob', t1 + 1).name).toBe('Bob Zhang 张博')
    expect(nameAt(bob, 'bob', t2 + 1).name).toBe('Bobby')
    const li = ctx.people.get(personKey(G, 'li_lei'))!
    expect(li).toMatchObject({ member: false })
    expect(li.history[0]?.nick).toBe('李雷')
    // alice's name card in the team chat is what TUIKit shows.
    expect(nameAt(ctx.people.get(personKey(G, 'alice')), 'alice', t2).name).toBe('Alice (PM)')
    expect(ctx.people.has(personKey(G, 'ghost'))).toBe(false)
    // One line per person per change: 12 members + li_lei, then bob's rename.
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean)
    expect(lines.filter((l) => l.includes('"type":"person"'))).toHaveLength(14)
  })

  it('a Community: its topics, and members paged by Next within the 200-a-page limit, profiles 100 accounts a request', async () => {
    const { sim, dir, client } = await setup()
    const path = join(dir, 'c.jsonl.context.jsonl')
    sim.resetStats()
    const r = await pullGroupContext(client, await ContextWriter.open(path), demoGroupIds.community, [], signal)
    expect(r.members).toBe(247)
    expect(r.topics).toBe(3)
    expect(sim.stats.byCommand['portrait_get']).toBe(3)
    const ctx = (await readContextFile(path))!
    expect([...ctx.topics.get(demoGroupIds.community)!.values()].map((t) => t.name).sort()).toEqual(['General 综合', 'Ideas 想法', 'Releases 发布'])
    expect(ctx.groups.get(demoGroupIds.community)?.groupType).toBe('Community')
  })

  it('an AVChatRoom has no member list: its senders are resolved by profile, with a note', async () => {
    const { client } = await setup()
    const r = await resolveGroupPeople(client, { groupId: demoGroupIds.live, groupType: 'AVChatRoom', senders: ['alice'], now: 1 })
    expect(r.memberNote).toMatch(/AVChatRoom/)
    expect(r.sightings).toEqual([{ account: 'alice', sighting: expect.objectContaining({ nick: 'Alice Wang' }) }])
  })
})
