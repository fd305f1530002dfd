// Seed data: determinism, coverage of the reference's edge cases, speed.
import { describe, expect, test } from 'vitest'
import { benchGroup, demoApp, demoCredentials, demoGroupIds, randomHistory } from '../../../tools/sim/seed'
import type { SimGroup } from '../../../tools/sim/server'

const NOW = 1_750_000_000
const dump = (g: Pick<SimGroup, 'messages'>) => JSON.stringify([...g.messages])

describe('demoApp', () => {
  const app = demoApp({ benchMessages: 1000, now: NOW })
  const team = app.groups.get(demoGroupIds.team)
  if (!team) throw new Error('no team group')
  const msgs = [...team.messages.values()].sort((a, b) => a.seq - b.seq)
  const bodyText = JSON.stringify(msgs.map((m) => m.body))

  test('credentials and admins', () => {
    expect(demoCredentials.secretKey).toMatch(/^[0-9a-f]{64}$/)
    expect(app.sdkAppId).toBe(demoCredentials.sdkAppId)
    expect(app.admins).toEqual(['administrator', 'admin2'])
    expect(app.admins).not.toContain('alice')
    expect(msgs.some((m) => m.from === 'alice')).toBe(true)
  })

  test('is deterministic for a given clock', () => {
    const again = demoApp({ benchMessages: 1000, now: NOW })
    for (const [id, g] of app.groups) expect(dump(again.groups.get(id) ?? { messages: new Map() }), id).toBe(dump(g))
  })

  test('the team chat covers the edge cases of the reference', () => {
    expect(team.Type).toBe('Public')
    expect(msgs.length).toBeGreaterThan(580)
    expect(team.nextMsgSeq - 1 - msgs.length).toBeGreaterThanOrEqual(3) // seq holes
    const states = new Set(msgs.map((m) => m.state))
    expect(states).toEqual(new Set(['normal', 'deleted', 'recalled']))
    expect(msgs.some((m) => m.isSystem && !Array.isArray(m.body))).toBe(true)
    expect(msgs.some((m) => m.isSystem && Array.isArray(m.body))).toBe(true)
    expect(msgs.some((m) => Array.isArray(m.body) && m.body.length > 1)).toBe(true)
    expect(msgs.some((m) => m.cloudCustomData !== undefined)).toBe(true)
    expect(new Set(msgs.map((m) => m.from)).size).toBeGreaterThanOrEqual(5)
    for (const needle of [
      '<script>alert(1)</script>',
      'onerror=alert(1)',
      'javascript:alert(1)',
      '=HYPERLINK(',
      '+cmd',
      '"-1+2"',
      '@SUM(A1',
      'MaoTong',
      'https://',
      'مرحبا',
      'שלום',
      '🎉',
      'JsonMsgKey',
      'MsgList',
      'ImageInfoArray'
    ]) {
      expect(bodyText, needle).toContain(needle)
    }
    const img = msgs.flatMap((m) => (Array.isArray(m.body) ? m.body : [])).find((e) => e.MsgType === 'TIMImageElem')
    expect((img?.MsgContent['ImageInfoArray'] as unknown[]).length).toBe(3)
    // Timestamps: non-decreasing with seq, spread over about 60 days before `now`.
    for (let i = 1; i < msgs.length; i++) expect((msgs[i]?.time ?? 0) >= (msgs[i - 1]?.time ?? 0)).toBe(true)
    const first = msgs[0]?.time ?? 0
    const last = msgs[msgs.length - 1]?.time ?? 0
    expect(first).toBeGreaterThanOrEqual(NOW - 61 * 86400)
    expect(last).toBeLessThanOrEqual(NOW)
    expect(last - first).toBeGreaterThan(45 * 86400)
  })

  test('the big-seq group, AVChatRoom, empty and dismissed groups', () => {
    const big = app.groups.get(demoGroupIds.bigSeq)
    expect(big).toMatchObject({ nextMsgSeq: 7803322, historyFloor: 7800001 })
    expect(big?.messages.get(7800001)?.state).toBe('expired')
    expect(big?.messages.get(7803321)?.random).toBe(51083293)
    expect(big?.messages.size).toBeGreaterThan(2900)
    expect(app.groups.get(demoGroupIds.live)?.Type).toBe('AVChatRoom')
    expect(app.groups.get(demoGroupIds.empty)?.nextMsgSeq).toBe(1)
    expect(app.groups.get(demoGroupIds.dismissed)?.dismissed).toBe(true)
    expect(app.groups.get(demoGroupIds.bench)?.messages.size).toBe(1000)
  })

  test('30 000 bench messages build in well under a second', () => {
    const t0 = performance.now()
    const g = benchGroup(30000, NOW)
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(g.nextMsgSeq).toBe(30001)
    expect(g.messages.size).toBe(30000)
  })
})

describe('randomHistory', () => {
  test('is deterministic per seed and honours its options', () => {
    const opts = { messages: 2000, holeRate: 0.1, deleteRate: 0.05, recallRate: 0.05, floor: 500, startSeq: 1000, bigMessageRate: 0.02, systemRate: 0.05 }
    const a = randomHistory(42, opts)
    expect(dump(randomHistory(42, opts))).toBe(dump(a))
    expect(dump(randomHistory(43, opts))).not.toBe(dump(a))
    expect(a.nextMsgSeq).toBe(3000)
    expect(a.historyFloor).toBe(500)
    const list = [...a.messages.values()]
    expect(Math.min(...list.map((m) => m.seq))).toBeGreaterThanOrEqual(1000)
    expect(list.length).toBeGreaterThan(1700)
    expect(list.length).toBeLessThan(1900)
    const count = (p: (m: (typeof list)[number]) => boolean) => list.filter(p).length
    expect(count((m) => m.state === 'deleted')).toBeGreaterThan(50)
    expect(count((m) => m.state === 'recalled')).toBeGreaterThan(50)
    expect(count((m) => m.isSystem === true && !Array.isArray(m.body))).toBeGreaterThan(10)
    expect(count((m) => Buffer.byteLength(JSON.stringify(m.body)) > 7500)).toBeGreaterThan(10)
    for (const m of list) expect(m.random >= 0 && m.random <= 4294967295).toBe(true)
  })

  test('expiredBelow marks the oldest seqs expired', () => {
    const h = randomHistory(1, { messages: 100, expiredBelow: 30 })
    expect([...h.messages.values()].filter((m) => m.state === 'expired').map((m) => m.seq)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1))
    expect(h.historyFloor).toBeUndefined()
  })
})
