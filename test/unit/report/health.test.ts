import { describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { SeqRange } from '../../../src-main/shared/coverage'
import { HealthAccumulator, type GroupSyncState } from '../../../src-main/shared/report/health'
import { renderJson, renderText } from '../../../src-main/shared/report/render'
import { renderHtml } from '../../../src-main/shared/report/render-html'
import { RunSet, subtractRuns } from '../../../src-main/shared/report/run-set'
import { Rng } from '../../../tools/sim/seed'

function msg(groupId: string, seq: number, extra: Partial<ArchivedMessage> = {}): ArchivedMessage {
  return {
    GroupId: groupId,
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `#${seq}` } }],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq,
    ...extra
  }
}

const place = (groupId: string, seq: number, p: 1 | 2): ArchivedMessage => msg(groupId, seq, { IsPlaceMsg: p, MsgBody: [] })

function shuffled<T>(xs: T[], seed: number): T[] {
  const rng = new Rng(seed)
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** The runs of a set of seqs, computed the obvious way. */
function naiveRuns(seqs: Iterable<number>): SeqRange[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b)
  const out: SeqRange[] = []
  for (const s of sorted) {
    const last = out.at(-1)
    if (last && s === last[1] + 1) last[1] = s
    else out.push([s, s])
  }
  return out
}

const state = (ranges: SeqRange[], floor: number | null, top: number, extra: Partial<GroupSyncState> = {}): GroupSyncState => ({ ranges, floor, top, ...extra })

describe('archive health report', () => {
  it('finds the holes inside a complete group and says it is complete', () => {
    const acc = new HealthAccumulator({ g: state([[1, 10]], 1, 10, { lastSyncAt: '2026-11-25T08:00:00.000Z' }) })
    for (const s of [10, 9, 8, 7, 6, 3, 2, 1]) acc.add(msg('g', s))
    const g = acc.finish().groups[0]!
    expect(g.messages).toBe(8)
    expect(g.coverage).toMatchObject({ known: true, complete: true, floor: 1, top: 10 })
    expect(g.coverage.holes).toEqual({ count: 2, ranges: [[4, 5]] })
    expect(g.coverage.missing.count).toBe(0)
    expect(g.archived.ranges).toEqual([
      [1, 3],
      [6, 10]
    ])
    expect(g.lastSyncAt).toBe('2026-11-25T08:00:00.000Z')
    expect(g.firstTime).toBe(1_700_000_001)
    expect(g.lastTime).toBe(1_700_000_010)
  })

  it('counts placeholder runs: the oldest run of IsPlaceMsg 1 as expired, other 1s as deleted, 2s as recalled', () => {
    const acc = new HealthAccumulator({ g: state([[1, 12]], 1, 12) })
    const lines = [
      ...[1, 2, 3].map((s) => place('g', s, 1)),
      msg('g', 4),
      msg('g', 5),
      place('g', 6, 1),
      place('g', 7, 2),
      place('g', 8, 2),
      msg('g', 9),
      place('g', 10, 1),
      place('g', 11, 1),
      msg('g', 12, { IsSystemMsg: 1, From_Account: '@TIM#SYSTEM' })
    ]
    for (const m of shuffled(lines, 3)) acc.add(m)
    const g = acc.finish().groups[0]!
    expect(g.expired).toEqual({ count: 3, ranges: [[1, 3]] })
    expect(g.deleted).toEqual({
      count: 3,
      ranges: [
        [6, 6],
        [10, 11]
      ]
    })
    expect(g.recalled).toEqual({ count: 2, ranges: [[7, 8]] })
    expect(g.withContent).toBe(4)
    expect(g.system).toBe(1)
    expect(g.coverage.holes.count).toBe(0)
  })

  it('does not call a deletion expired when the oldest archived message has content', () => {
    const acc = new HealthAccumulator()
    for (const m of [msg('g', 1), place('g', 2, 1), place('g', 3, 1)]) acc.add(m)
    const g = acc.finish().groups[0]!
    expect(g.expired.count).toBe(0)
    expect(g.deleted).toEqual({ count: 2, ranges: [[2, 3]] })
  })

  it('reports content the server removed after it was archived, by what the server did', () => {
    const acc = new HealthAccumulator()
    const at = '2026-11-20T00:00:00.000Z'
    acc.add(msg('g', 1))
    acc.add(msg('g', 2, { _archive: { server: { IsPlaceMsg: 1, seenAt: at } } }))
    acc.add(msg('g', 3, { _archive: { server: { IsPlaceMsg: 1, seenAt: at } } }))
    acc.add(msg('g', 5, { _archive: { server: { IsPlaceMsg: 2, seenAt: at } } }))
    acc.add(msg('g', 9, { _archive: { server: { IsPlaceMsg: 0, MsgBody: [], seenAt: at } } }))
    const g = acc.finish().groups[0]!
    expect(g.removedLater.count).toBe(4)
    expect(g.removedLater.deleted.ranges).toEqual([[2, 3]])
    expect(g.removedLater.recalled.ranges).toEqual([[5, 5]])
    expect(g.removedLater.changed.ranges).toEqual([[9, 9]])
    // The archive kept their content: they still count as messages with content, not placeholders.
    expect(g.withContent).toBe(5)
    expect(g.deleted.count + g.recalled.count).toBe(0)
  })

  it('counts messages edited on the server since archived, every version kept (issue 18 §5)', () => {
    const acc = new HealthAccumulator()
    const at = '2026-11-20T00:00:00.000Z'
    const v = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'before' } }] }
    acc.add(msg('g', 1))
    acc.add(msg('g', 2, { _archive: { versions: [v], seenAt: at } }))
    acc.add(msg('g', 3, { _archive: { versions: [v, v], seenAt: at } }))
    // Edited, then recalled: what the server did last.
    acc.add(msg('g', 4, { _archive: { versions: [v], seenAt: at, server: { IsPlaceMsg: 2, seenAt: at } } }))
    const g = acc.finish().groups[0]!
    expect(g.removedLater.changed).toEqual({ count: 2, ranges: [[2, 3]] })
    expect(g.removedLater.recalled.ranges).toEqual([[4, 4]])
    expect(acc.finish().totals).toMatchObject({ removedLater: 3, edited: 2 })
  })

  it('counts forwarded chats whose messages stay on the server (JsonMsgKey), nested ones too, per group and in all (issue 18 §6)', () => {
    const onServer = { MsgType: 'TIMRelayElem', MsgContent: { Title: 'Big', MsgNum: 240, AbstractList: ['a: x'], JsonMsgKey: 'k1' } }
    const inline = (inner: unknown[]) => ({
      MsgType: 'TIMRelayElem',
      MsgContent: { Title: 'Small', MsgNum: 1, MsgList: [{ From_Account: 'bob', MsgTimeStamp: 1, MsgBody: inner }] }
    })
    const acc = new HealthAccumulator()
    acc.add(msg('g', 1))
    acc.add(msg('g', 2, { MsgBody: [onServer] }))
    acc.add(msg('g', 3, { MsgBody: [inline([{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }])] }))
    acc.add(msg('g', 4, { MsgBody: [inline([onServer])] }))
    // A relay with neither MsgList nor a key, and a key beside a MsgList: nothing held on the server.
    acc.add(msg('g', 5, { MsgBody: [{ MsgType: 'TIMRelayElem', MsgContent: { Title: 'x', MsgNum: 2 } }] }))
    acc.add(msg('g', 6, { MsgBody: [{ MsgType: 'TIMRelayElem', MsgContent: { Title: 'x', JsonMsgKey: 'k', MsgList: [] } }] }))
    acc.add(msg('h', 7, { MsgBody: [onServer] }))
    const h = acc.finish()
    expect(h.groups.find((g) => g.groupId === 'g')!.relayOnServer).toEqual({
      count: 2,
      ranges: [
        [2, 2],
        [4, 4]
      ]
    })
    expect(h.groups.find((g) => g.groupId === 'h')!.relayOnServer).toEqual({ count: 1, ranges: [[7, 7]] })
    expect(h.totals.relayOnServer).toBe(3)
    const text = renderText(h, { timeZone: 'UTC' })
    expect(text).toMatch(/forwarded, on server 3 forwarded chats not expandable: .*no server API/)
    expect(text).toMatch(/ {2}forwarded, on server +2 {3}2, 4/)
    expect(renderHtml(h, 'r', { timeZone: 'UTC' })).toContain('Forwarded chats kept on Tencent&#39;s server')
  })

  it('reports several groups and the whole archive, including a synced group with no messages', () => {
    const states = {
      a: state([[1, 5]], 1, 5, { lastSyncAt: '2026-11-24T10:00:00.000Z' }),
      b: state([[1, 3]], 1, 4, { lastSyncAt: '2026-11-25T10:00:00.000Z', errors: [{ code: 10002, message: 'internal error' }] }),
      empty: state([], 1, 0, { lastSyncAt: '2026-11-23T10:00:00.000Z' })
    }
    const acc = new HealthAccumulator(states)
    const lines = [...[1, 2, 4, 5].map((s) => msg('a', s)), place('a', 3, 2), msg('b', 1), place('b', 2, 1), msg('b', 3)]
    for (const m of shuffled(lines, 9)) acc.add(m)
    const h = acc.finish(new Date('2026-11-25T12:00:00Z'))
    expect(h.groups.map((g) => g.groupId)).toEqual(['a', 'b', 'empty'])
    const [a, b, empty] = h.groups
    expect(a!.coverage.complete).toBe(true)
    expect(b!.coverage.complete).toBe(false)
    expect(b!.coverage.missing).toEqual({ count: 1, ranges: [[4, 4]] })
    expect(b!.deleted.count).toBe(1)
    expect(empty).toMatchObject({ messages: 0, firstSeq: null, coverage: { complete: true } })
    expect(h.totals).toMatchObject({
      groups: 3,
      completeGroups: 2,
      messages: 8,
      recalled: 1,
      deleted: 1,
      missing: 1,
      errors: 1,
      lastSyncAt: '2026-11-25T10:00:00.000Z',
      firstTime: 1_700_000_001,
      lastTime: 1_700_000_005
    })
    expect(h.generatedAt).toBe('2026-11-25T12:00:00.000Z')
    const text = renderText(h, { timeZone: 'UTC' })
    expect(text).toMatch(/^b: 3 messages; incomplete: seq 1–4, 1 seqs not pulled yet in 1 gap$/m)
    expect(text).toMatch(/error: 10002 internal error/)
    expect(text).toMatch(/^empty: 0 messages; no messages on the server \(checked Nov 23, 2026, 10:00:00 AM\)$/m)
    expect(JSON.parse(renderJson(h))).toEqual(h)
  })

  it('says the same of an empty group everywhere: synced and empty on the server, or not synced yet (issue 15 item 6)', () => {
    const acc = new HealthAccumulator({
      a: state([[1, 2]], 1, 2, { lastSyncAt: '2026-12-03T14:05:00.000Z' }),
      empty: state([], 1, 0, { lastSyncAt: '2026-12-03T14:05:00.000Z' }),
      fresh: state([], null, 0)
    })
    acc.add(msg('a', 1))
    acc.add(msg('a', 2))
    const h = acc.finish(new Date('2026-12-03T15:00:00Z'))
    expect(h.totals).toMatchObject({ groups: 3, completeGroups: 2, emptyGroups: 1, unsyncedGroups: 1 })
    const text = renderText(h, { timeZone: 'UTC' })
    expect(text).toMatch(/^empty: 0 messages; no messages on the server \(checked Dec 3, 2026, 2:05:00 PM\)$/m)
    expect(text).toMatch(/^fresh: 0 messages; not synced yet$/m)
    expect(text).toMatch(/^ {2}complete groups +2\/3 \(1 with no messages on the server, 1 not synced yet\)$/m)
    expect(text).not.toMatch(/nothing synced|has no messages$/m)
    const html = renderHtml(h, undefined, { timeZone: 'UTC' })
    expect(html).toContain('no messages on the server (checked Dec 3, 2026, 2:05:00 PM)')
    expect(html).toContain('not synced yet')
    expect(html).toContain('2/3 complete (1 with no messages on the server, 1 not synced yet)')
  })

  it("counts a Community's topics apart from its groups: '1 group, 2 topics', not '3 groups' (issue 18 §2)", () => {
    const G = '@TGS#_C'
    const general = `${G}@TOPIC#_general`
    const ideas = `${G}@TOPIC#_ideas`
    const acc = new HealthAccumulator({
      [G]: state([], 1, 0, { lastSyncAt: '2026-12-07T04:00:00.000Z' }),
      [general]: state([[1, 2]], 1, 2, { lastSyncAt: '2026-12-07T04:00:00.000Z' }),
      [ideas]: state([], null, 0)
    })
    acc.add(msg(general, 1))
    acc.add(msg(general, 2))
    const h = acc.finish(new Date('2026-12-07T05:00:00Z'))
    expect(h.totals).toMatchObject({ groups: 1, completeGroups: 1, topics: 2, completeTopics: 1, messages: 2 })
    const text = renderText(h, { timeZone: 'UTC' })
    expect(text).toMatch(/^Archive health — 1 group, 2 topics, 2 messages /)
    expect(text).toMatch(/^ {2}complete groups +1\/1 \(1 with no messages on the server\)$/m)
    expect(text).toMatch(/^ {2}complete topics +1\/2$/m)
    expect(renderHtml(h, undefined, { timeZone: 'UTC' })).toContain(
      ' · 1 group, 2 topics · 2 messages · 1/1 complete (1 with no messages on the server) · 1/2 topics complete · '
    )
    // Without topics the header is as before.
    const plain = new HealthAccumulator({ a: state([[1, 1]], 1, 1) })
    plain.add(msg('a', 1))
    expect(renderText(plain.finish(), { timeZone: 'UTC' })).toMatch(/^Archive health — 1 group, 1 messages /)
  })

  it('tells purged history below the oldest message apart from holes', () => {
    // A group whose history starts near seq 7,800,000: the sync covered down to where it proved
    // there is nothing.
    const acc = new HealthAccumulator({ big: state([[7_796_722, 7_800_010]], 7_796_722, 7_800_010) })
    for (let s = 7_800_001; s <= 7_800_010; s++) if (s !== 7_800_005) acc.add(msg('big', s))
    const g = acc.finish().groups[0]!
    expect(g.coverage.purged).toEqual({ count: 3279, ranges: [[7_796_722, 7_800_000]] })
    expect(g.coverage.holes).toEqual({ count: 1, ranges: [[7_800_005, 7_800_005]] })
    expect(renderText(acc.finish())).toMatch(/complete: seq 7,800,001–7,800,010 \(history below seq 7,800,001 is gone from the server\)/)
  })

  it('without a sync state, shows the gaps between archived seqs and claims no completeness', () => {
    const acc = new HealthAccumulator()
    for (const s of [20, 21, 25, 22, 30]) acc.add(msg('g', s))
    const g = acc.finish().groups[0]!
    expect(g.coverage).toMatchObject({ known: false, complete: false })
    expect(g.coverage.gaps.ranges).toEqual([
      [23, 24],
      [26, 29]
    ])
    expect(g.coverage.holes.count).toBe(0)
  })

  it('keeps compressed runs that match a naive computation over 200,000 shuffled messages', () => {
    const rng = new Rng(77)
    const all: number[] = []
    const p1: number[] = []
    const p2: number[] = []
    const lines: ArchivedMessage[] = []
    for (let s = 1; s <= 200_000; s++) {
      const r = rng.float()
      if (r < 0.1) continue // a hole
      all.push(s)
      if (r < 0.12) {
        p1.push(s)
        lines.push(place('big', s, 1))
      } else if (r < 0.13) {
        p2.push(s)
        lines.push(place('big', s, 2))
      } else lines.push(msg('big', s))
    }
    // Windows of 200 seqs in random order, newest first inside each: how the engine writes.
    const windows = new Map<number, ArchivedMessage[]>()
    for (const m of lines) {
      const w = Math.floor(m.MsgSeq / 200)
      if (!windows.has(w)) windows.set(w, [])
      windows.get(w)!.unshift(m)
    }
    const acc = new HealthAccumulator({ big: state([[1, 200_000]], 1, 200_000) })
    for (const w of shuffled([...windows.keys()], 5)) for (const m of windows.get(w)!) acc.add(m)
    const g = acc.finish().groups[0]!
    expect(g.messages).toBe(all.length)
    expect(g.archived.ranges).toEqual(naiveRuns(all))
    expect(g.coverage.holes.ranges).toEqual(subtractRuns([[all[0]!, 200_000]], naiveRuns(all)).filter((r) => r[0] > all[0]!))
    const place1 = naiveRuns(p1)
    const leading = place1[0]![0] === all[0] ? 1 : 0
    expect([...g.expired.ranges, ...g.deleted.ranges]).toEqual(place1)
    expect(g.expired.ranges.length).toBe(leading)
    expect(g.recalled.ranges).toEqual(naiveRuns(p2))
  })

  it('counts the media objects each group references by what pull --media recorded, each once, the bytes of each file once', () => {
    const image = (uuid: string, url: string) => ({
      MsgType: 'TIMImageElem',
      MsgContent: {
        UUID: uuid,
        ImageFormat: 1,
        ImageInfoArray: [
          { Type: 1, Size: 900, Width: 40, Height: 30, URL: `https://x.myqcloud.com/${url}_1.jpg` },
          { Type: 3, Size: 90, Width: 20, Height: 15, URL: `https://x.myqcloud.com/${url}_3.jpg` }
        ]
      }
    })
    const sound = { MsgType: 'TIMSoundElem', MsgContent: { UUID: 'v1', Size: 500, Second: 3, Url: 'https://x.myqcloud.com/v1.m4a', Download_Flag: 2 } }
    const saved = (sha: string, bytes: number) => ({ status: 'saved', sha256: sha, bytes, type: 'image/jpeg', at: 1 })
    const h = new HealthAccumulator()
    const first = msg('g', 1, { MsgBody: [image('A', 'a')] })
    h.add(first)
    // pull --media's later line of seq 1: the original saved, the thumbnail failed.
    h.add({
      ...first,
      _archive: { media: { 'image:original:uuid:A': saved('s1', 900), 'image:thumb:uuid:A': { status: 'failed', error: 'reset', attempts: 1, at: 1 } } }
    })
    // A third line: the thumbnail saved after all; the original's saved note is never undone.
    h.add({
      ...first,
      _archive: { media: { 'image:thumb:uuid:A': saved('s2', 90), 'image:original:uuid:A': { status: 'failed', error: 'x', attempts: 1, at: 2 } } }
    })
    // The same image forwarded in seq 2 (one object), and a voice message nobody fetched yet.
    h.add(msg('g', 2, { MsgBody: [image('A', 'a'), sound] }))
    // Another group with its own copy of the same file (same bytes): counted there too, stored once.
    h.add(
      msg('h', 1, {
        MsgBody: [image('B', 'b')],
        _archive: {
          media: { 'image:original:uuid:B': saved('s1', 900), 'image:thumb:uuid:B': { status: 'expired', httpStatus: 404, firstSeenAt: 1, lastSeenAt: 1 } }
        }
      })
    )
    const r = h.finish(new Date(0))
    const [g, hh] = r.groups
    expect(g!.media).toEqual({ referenced: 3, saved: 2, expired: 0, refused: 0, failed: 0, noUrl: 0, pending: 1, bytes: 990 })
    expect(hh!.media).toEqual({ referenced: 2, saved: 1, expired: 1, refused: 0, failed: 0, noUrl: 0, pending: 0, bytes: 900 })
    expect(r.totals.media).toEqual({ referenced: 5, saved: 3, expired: 1, refused: 0, failed: 0, noUrl: 0, pending: 1, bytes: 990 })
    const text = renderText(r, { timeZone: 'UTC' })
    expect(text).toContain(
      'media                5 objects: 3 saved (990 byte), 1 expired before they were saved, 1 not kept yet (at risk of expiring with the history)'
    )
    expect(renderHtml(r, 'r', { timeZone: 'UTC' })).toContain('<p class="warn">Media: 5 objects: 3 saved')
  })

  it('renders one self-contained HTML file in which archive strings stay text', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    const acc = new HealthAccumulator({ [hostile]: state([[1, 2]], 1, 2, { errors: [{ message: '<b>bold</b> & "quoted"' }] }) })
    acc.add(msg(hostile, 1))
    acc.add(place(hostile, 2, 2))
    const html = renderHtml(acc.finish())
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;')
    // No network: nothing is loaded from anywhere, and the CSP forbids it anyway.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//)
    expect(html).toMatch(/prefers-color-scheme: dark/)
  })
})

describe('RunSet', () => {
  it('merges seqs arriving in any order, including duplicates, into disjoint runs', () => {
    const r = new RunSet()
    for (const s of [5, 3, 4, 10, 1, 5, 11, 9, 20]) r.add(s)
    expect(r.ranges()).toEqual([
      [1, 1],
      [3, 5],
      [9, 11],
      [20, 20]
    ])
    expect(r.count()).toBe(8)
  })
})
