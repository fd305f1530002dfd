import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { ok, fail } from '../../../src-main/services/app-errors'
import { commitBatch } from '../../../src-renderer/src/lib/db/archive-repo'
import { channelName } from '../../../src-renderer/src/lib/db/channel-name'
import { groupKey, topicGroupId, unitOfKey } from '../../../src-renderer/src/lib/db/group-key'
import { addGroups, listGroups, syncAllTargets, withTopics } from '../../../src-renderer/src/lib/db/groups-repo'
import { exportGroups, withTheirTopics } from '../../../src-renderer/src/features/export/export-groups'
import { nestTopics } from '../../../src-renderer/src/lib/db/channel-name'
import { freshDbs } from './fresh-db'

const freshDb = freshDbs('topics')
const ws = '1400000001@china'
const C = '@TGS#_DEMOCOMMUNITY'
const general = `${C}@TOPIC#_general`
const releases = `${C}@TOPIC#_releases`

function msg(seq: number, text: string) {
  return {
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
    MsgPriority: 1,
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_800_000_000 + seq
  }
}

describe('a Community topic is a channel of its group, under its own key', () => {
  it('reads the group off a topic ID (Tencent: group ID + @TOPIC#_…)', () => {
    expect(topicGroupId(general)).toBe(C)
    expect(topicGroupId('@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic')).toBe('@TGS#_@TGS#cQVLVHIM62CJ')
    expect(topicGroupId(C)).toBeUndefined()
    // Only a Community's ID (@TGS#_) has topics.
    expect(topicGroupId('team@TOPIC#_x')).toBeUndefined()
    expect(unitOfKey(groupKey(ws, releases))).toEqual({ groupId: C, topicId: releases })
    expect(unitOfKey(groupKey(ws, C))).toEqual({ groupId: C })
  })

  it("keeps a topic's seqs apart from another topic's, each record with GroupId and TopicId", async () => {
    const d = freshDb()
    await commitBatch(groupKey(ws, general), { messages: [msg(1, 'hello general')], range: [1, 1] }, d)
    await commitBatch(groupKey(ws, releases), { messages: [msg(1, 'v1.0 released')], range: [1, 1] }, d)
    const g = await d.messages.get([groupKey(ws, general), 1])
    const r = await d.messages.get([groupKey(ws, releases), 1])
    expect(g!.raw).toMatchObject({ GroupId: C, TopicId: general, MsgBody: [{ MsgContent: { Text: 'hello general' } }] })
    expect(r!.raw).toMatchObject({ GroupId: C, TopicId: releases, MsgBody: [{ MsgContent: { Text: 'v1.0 released' } }] })
    expect(await d.coverage.get(groupKey(ws, releases))).toMatchObject({ ranges: [[1, 1]] })
  })

  it('a sync of a Community adds its topics as rows and syncs them; a later sync finds a new topic', async () => {
    const d = freshDb()
    await addGroups(
      ws,
      [
        { groupId: C, name: 'Community', type: 'Community', archivable: true },
        { groupId: 'team', name: 'Team', type: 'Work', archivable: true }
      ],
      d
    )
    let listed = [
      { topicId: general, name: 'General' },
      { topicId: releases, name: 'Releases' }
    ]
    const asked: string[] = []
    const list = async (groupId: string) => {
      asked.push(groupId)
      return ok(listed)
    }
    const first = await withTopics(ws, [groupKey(ws, C), groupKey(ws, 'team')], list, d)
    expect(asked).toEqual([C])
    expect(first.gks).toEqual([groupKey(ws, C), groupKey(ws, 'team'), groupKey(ws, general), groupKey(ws, releases)])
    const row = await d.groups.get(groupKey(ws, releases))
    expect(row).toMatchObject({
      groupId: releases,
      topic: { groupId: C, name: 'Releases' },
      profile: { name: 'Releases', type: 'Community', archivable: true }
    })
    const rows = await d.groups.toArray()
    expect(channelName(row!, rows)).toBe('Community / Releases')

    listed = [...listed, { topicId: `${C}@TOPIC#_ideas`, name: 'Ideas' }]
    const second = await withTopics(ws, [groupKey(ws, C)], list, d)
    expect(second.gks).toContain(groupKey(ws, `${C}@TOPIC#_ideas`))
    expect(second.gks).toHaveLength(4)

    // Sync all takes the topics; Stop syncing on the Community stops its topics too.
    expect(syncAllTargets(await listGroups([ws], d)).map((g) => g.row.gk)).toHaveLength(5)
    await d.groups.update(groupKey(ws, C), { syncStopped: true })
    expect(syncAllTargets(await listGroups([ws], d)).map((g) => g.row.groupId)).toEqual(['team'])
    await d.groups.update(groupKey(ws, C), { syncStopped: false })

    // Topics cannot be listed: the known ones are still synced, and the error is answered.
    const failed = await withTopics(ws, [groupKey(ws, C)], async () => fail('API', 'get_topic failed'), d)
    expect(failed.gks).toHaveLength(4)
    expect(failed.errors).toMatchObject([{ groupId: C, error: { message: 'get_topic failed' } }])
  })

  it('a Community exports with its topics, a topic alone; the meta lists each group once with its topics; the sidebar nests them', () => {
    const row = (groupId: string, name: string, topic?: { groupId: string; name: string }) => ({
      row: { gk: groupKey(ws, groupId), workspaceId: ws, groupId, profile: { groupId, name, type: 'Community', archivable: true }, ...(topic ? { topic } : {}) }
    })
    const all = [
      row(C, 'Community'),
      row(general, 'General', { groupId: C, name: 'General' }),
      row('team', 'Team'),
      row(releases, 'Releases', { groupId: C, name: 'Releases' })
    ]
    expect(withTheirTopics([all[0]!], all).map((g) => g.row.groupId)).toEqual([C, general, releases])
    expect(withTheirTopics([all[3]!], all).map((g) => g.row.groupId)).toEqual([releases])
    const rows = all.map((g) => g.row)
    expect(exportGroups([rows[3]!], rows)).toEqual([{ groupId: C, name: 'Community', topics: [{ topicId: releases, name: 'Releases' }] }])
    expect(exportGroups([rows[0]!, rows[1]!, rows[2]!], rows)).toEqual([
      { groupId: C, name: 'Community', topics: [{ topicId: general, name: 'General' }] },
      { groupId: 'team', name: 'Team' }
    ])
    const views = all.map((g) => ({ ...g, coverage: { ranges: [], floor: null, top: null }, retentionDays: 7 })) as never[]
    const nested = nestTopics(views, new Set(all.map((g) => g.row.gk)))
    expect(
      nested.map((n: { group: { row: { groupId: string } }; topics: { row: { groupId: string } }[] }) => [
        n.group.row.groupId,
        n.topics.map((x) => x.row.groupId)
      ])
    ).toEqual([
      [C, [general, releases]],
      ['team', []]
    ])
    // Filtering on a topic's name keeps its group, with the matching topic only.
    const onlyReleases = nestTopics(views, new Set([groupKey(ws, releases)]))
    expect(
      onlyReleases.map((n: { group: { row: { groupId: string } }; topics: { row: { groupId: string } }[] }) => [
        n.group.row.groupId,
        n.topics.map((x) => x.row.groupId)
      ])
    ).toEqual([[C, [releases]]])
  })
})
