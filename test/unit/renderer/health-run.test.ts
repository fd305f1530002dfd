// The app's health report reads a group's messages a page at a time and can be cancelled.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppDB, emptyStats, type MessageRow } from '../../../src-renderer/src/lib/db/app-db'
import type { GroupView } from '../../../src-renderer/src/lib/db/groups-repo'
import { mediaInMessage, mediaKey } from '../../../src-main/shared/media/objects'
import { channelName } from '../../../src-renderer/src/lib/db/channel-name'
import { groupsAndTopics, renderJson, renderText } from '../../../src-main/shared/report/render'
import { renderHtml } from '../../../src-main/shared/report/render-html'
import { escapeHtml } from '../../../src-main/shared/escape-html'
import { computeHealth, HealthCancelled, reportFileName, unitsText, type HealthProgress } from '../../../src-renderer/src/features/health/health-run'

const ws = '1400000001@custom'
const groupId = '@TGS#1TEAM'
const gk = `${ws}|${groupId}`
const holes = new Set([57, 58, 233])

function row(seq: number): MessageRow {
  const place = seq === 25 ? 1 : seq === 42 ? 2 : 0
  return {
    gk,
    seq,
    time: 1_715_000_000 + seq,
    from: 'alice',
    raw: { GroupId: groupId, From_Account: 'alice', IsPlaceMsg: place, MsgBody: [], MsgRandom: seq, MsgSeq: seq, MsgTimeStamp: 1_715_000_000 + seq }
  }
}

function view(messages: number, over: Partial<GroupView['row']> = {}): GroupView {
  return {
    row: {
      gk,
      workspaceId: ws,
      groupId,
      profile: { groupId, name: 'Team', type: 'Public', archivable: true },
      addedAt: 0,
      lastSyncAt: Date.UTC(2026, 10, 25, 9),
      lastError: null,
      stats: { ...emptyStats(), messages },
      ...over
    },
    coverage: { ranges: [[1, 300]], floor: 1, top: 300 },
    retentionDays: 7
  }
}

let db: AppDB
beforeEach(async () => {
  db = new AppDB(`health-${Math.random()}`)
  const rows = Array.from({ length: 300 }, (_, i) => i + 1)
    .filter((s) => !holes.has(s))
    .map(row)
  await db.messages.bulkPut(rows)
  // Another group's messages must not leak in.
  await db.messages.bulkPut([{ ...row(1), gk: `${ws}|@TGS#2OTHER`, raw: { ...row(1).raw, GroupId: '@TGS#2OTHER' } }])
})
afterEach(async () => {
  db.close()
  await db.delete()
})

describe('the health report in the app', () => {
  it('reads a group in pages and reports its holes, deleted and recalled messages, last sync and error', async () => {
    const seen: HealthProgress[] = []
    const g = view(297, { lastError: { code: 10007, message: 'operation not permitted' } })
    const h = await computeHealth([g], { pageSize: 50, onProgress: (p) => seen.push({ ...p }) }, db)
    const t = h.groups[0]!
    expect(h.groups).toHaveLength(1)
    expect(t.messages).toBe(297)
    expect(t.coverage).toMatchObject({ known: true, complete: true })
    expect(t.coverage.holes.ranges).toEqual([
      [57, 58],
      [233, 233]
    ])
    expect(t.deleted.ranges).toEqual([[25, 25]])
    expect(t.recalled.ranges).toEqual([[42, 42]])
    expect(t.lastSyncAt).toBe('2026-11-25T09:00:00.000Z')
    expect(t.errors).toEqual([{ code: 10007, message: 'operation not permitted' }])
    // One progress report per page of at most 50, never the whole group at once.
    expect(seen.map((p) => p.done)).toEqual([0, 50, 100, 150, 200, 250, 297])
    expect(seen.every((p) => p.total === 297)).toBe(true)
  })

  it('stops at the next page when cancelled', async () => {
    const controller = new AbortController()
    const seen: number[] = []
    const run = computeHealth(
      [view(297)],
      {
        pageSize: 50,
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.done)
          if (p.done >= 100) controller.abort()
        }
      },
      db
    )
    await expect(run).rejects.toBeInstanceOf(HealthCancelled)
    expect(seen).toEqual([0, 50, 100])
  })

  it('counts the media the host kept for the group (media.outcomes), each object once, the rest as not kept yet', async () => {
    const image = (uuid: string) => ({
      MsgType: 'TIMImageElem',
      MsgContent: {
        UUID: uuid,
        ImageFormat: 1,
        ImageInfoArray: [
          { Type: 1, Size: 100, Width: 10, Height: 10, URL: `https://x.myqcloud.com/${uuid}/o` },
          { Type: 3, Size: 10, Width: 2, Height: 2, URL: `https://x.myqcloud.com/${uuid}/t` }
        ]
      }
    })
    await db.messages.bulkPut([
      { ...row(60), raw: { ...row(60).raw, MsgBody: [image('u1')] } },
      { ...row(61), raw: { ...row(61).raw, MsgBody: [image('u2')] } }
    ])
    const keys = (uuid: string) => mediaInMessage({ MsgBody: [image(uuid)] }).map((r) => mediaKey(r))
    const [o1, t1] = keys('u1')
    const [o2] = keys('u2')
    const asked: string[] = []
    const h = await computeHealth(
      [view(299)],
      {
        mediaOutcomes: async (id) => {
          asked.push(id)
          return {
            [o1!]: { status: 'saved', sha256: 'a'.repeat(64), bytes: 100 },
            [t1!]: { status: 'saved', sha256: 'a'.repeat(64), bytes: 100 },
            [o2!]: { status: 'expired', firstSeenAt: 1 },
            'image:thumb:uuid:elsewhere': { status: 'refused' }
          }
        }
      },
      db
    )
    expect(asked).toEqual([groupId])
    // Two messages, two sizes each: 2 saved (one file on disk), 1 expired, 1 not kept yet; a key no
    // message of the store references is not counted.
    expect(h.groups[0]!.media).toEqual({ referenced: 4, saved: 2, expired: 1, refused: 0, failed: 0, noUrl: 0, pending: 1, bytes: 100 })
    expect(h.totals.media.referenced).toBe(4)
    // Without the host's answer, every object is not kept yet.
    const none = await computeHealth([view(299)], { mediaOutcomes: async () => Promise.reject(new Error('no host')) }, db)
    expect(none.groups[0]!.media).toMatchObject({ referenced: 4, pending: 4 })
  })

  it('names the exported file after the group and the day, safe on every platform', () => {
    expect(reportFileName('@TGS#1DEMOTEAM', 'json', new Date('2026-11-25T10:00:00Z'))).toBe('health-TGS-1DEMOTEAM-2026-11-25.json')
    expect(reportFileName('../产品 Team', 'html', new Date('2026-11-25T10:00:00Z'))).toBe('health-产品-Team-2026-11-25.html')
  })
})

describe('the health report names who sent the messages, as tim-archive report does', () => {
  it('lists the top senders by their current name (account kept), senders, named and former members', async () => {
    // 297 archived rows from alice; 20 more from bob (left the group), 5 from an account without a name, 3 from the system.
    const extra = (seq: number, from: string): MessageRow => ({ ...row(seq), from, raw: { ...row(seq).raw, From_Account: from } })
    await db.messages.bulkPut([
      ...Array.from({ length: 20 }, (_, i) => extra(1000 + i, 'bob')),
      ...Array.from({ length: 5 }, (_, i) => extra(2000 + i, '144115212345678901')),
      ...Array.from({ length: 3 }, (_, i) => extra(3000 + i, '@TIM#SYSTEM'))
    ])
    const h0 = await computeHealth([view(300)], {}, db)
    // No names resolved yet: nothing said of people (as the CLI without a context file).
    expect(h0.groups[0]!.people).toBeUndefined()
    await db.people.bulkPut([
      {
        gk,
        groupId,
        account: 'alice',
        history: [
          { seenAt: 1, nick: 'Alice' },
          { seenAt: 2, nick: 'Alice Wang', nameCard: 'Alice (PM)' }
        ],
        member: true
      },
      { gk, groupId, account: 'bob', history: [{ seenAt: 1, nick: 'Bob Zhang 张博' }], member: false }
    ] as never)
    const h = await computeHealth([view(300)], {}, db)
    expect(h.groups[0]!.people).toEqual({
      senders: 3,
      named: 2,
      formerMembers: 1,
      top: [
        { account: 'alice', name: 'Alice (PM)', messages: 297 },
        { account: 'bob', name: 'Bob Zhang 张博', messages: 20 },
        { account: '144115212345678901', messages: 5 }
      ]
    })
  })
})

describe('the downloaded report names a Community topic as the dialog does (issue 18 §2)', () => {
  it('writes "Group / Topic (topic ID)" into the HTML, text and JSON files, and "Name (ID)" for a group', async () => {
    const community = '@TGS#_@TGS#COMMUNITY'
    const topicId = `${community}@TOPIC#_releases`
    const topic = view(300, {
      groupId: topicId,
      profile: { groupId: topicId, name: 'Releases 发布', type: 'Community', archivable: true },
      topic: { groupId: community, name: 'Releases 发布' }
    })
    const group = view(0, {
      gk: `${ws}|${community}`,
      groupId: community,
      profile: { groupId: community, name: 'Open Community', type: 'Community', archivable: true }
    })
    const rows = [topic.row, group.row]
    const names = new Map([topic, group].map((g) => [g.row.gk, channelName(g.row, rows)]))
    const h = await computeHealth([group, topic], { names }, db)
    const label = `Open Community / Releases 发布 (${topicId})`
    expect(h.groups.map((g) => g.name)).toEqual(['Open Community', 'Open Community / Releases 发布'])
    expect(renderHtml(h, 'report')).toContain(escapeHtml(label))
    expect(renderText(h)).toContain(`${label}: 297 messages`)
    expect(renderText(h)).toContain(`Open Community (${community})`)
    expect(JSON.parse(renderJson(h)).groups[1].name).toBe('Open Community / Releases 发布')
  })
})

describe('the health dialog’s summary counts topics apart from groups, as tim-archive report does', () => {
  it('says "N groups, M topics" in English and Chinese', () => {
    expect(unitsText({ groups: 3, topics: 4 }, 'en')).toBe(`3 groups, 4 topics`)
    expect(unitsText({ groups: 1, topics: 1 }, 'en')).toBe(`1 group, 1 topic`)
    expect(unitsText({ groups: 2, topics: 0 }, 'en')).toBe(`2 groups`)
    expect(unitsText({ groups: 1, topics: 3 }, 'zh-CN')).toBe(`1 个群组，3 个话题`)
    expect(unitsText({ groups: 1, topics: 3 }, 'en')).toBe(groupsAndTopics({ groups: 1, topics: 3 }))
  })
})
