import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { importedWorkspaceId } from '../../../src-renderer/src/lib/db/app-db'
import { groupKey } from '../../../src-renderer/src/lib/db/group-key'
import { commitBatch } from '../../../src-renderer/src/lib/db/archive-repo'
import { addGroups, getCoverage, listGroups, recordSyncOutcome } from '../../../src-renderer/src/lib/db/groups-repo'
import { retentionKey, setSetting, workspaceRetentionKey } from '../../../src-renderer/src/lib/db/settings'
import { freshDbs } from './fresh-db'

const freshDb = freshDbs('groups')

const ws = '1400000001@china'

describe('the group list', () => {
  it('lists a workspace’s groups, then imported ones, with coverage and retention', async () => {
    const d = freshDb()
    await addGroups(
      ws,
      [
        { groupId: 'b', name: 'Beta', type: 'Public', archivable: true },
        { groupId: 'a', name: 'Alpha', type: 'Work', archivable: true }
      ],
      d
    )
    await addGroups(importedWorkspaceId, [{ groupId: 'x', name: 'x', type: 'Imported', archivable: false }], d)
    await addGroups('other@china', [{ groupId: 'z', name: 'Zeta', type: 'Public', archivable: true }], d)
    await commitBatch(groupKey(ws, 'a'), { messages: [], range: null, floor: 1, top: 0 }, d)
    await setSetting(retentionKey(groupKey(ws, 'b')), 30, d)
    const list = await listGroups([ws, importedWorkspaceId], d)
    expect(list.map((g) => g.row.groupId)).toEqual(['a', 'b', 'x'])
    expect(list[0]!.coverage).toEqual({ ranges: [], floor: 1, top: 0 })
    expect(list.map((g) => g.retentionDays)).toEqual([7, 30, 7])
  })

  it('a group without a retention of its own follows its workspace’s plan', async () => {
    const d = freshDb()
    await addGroups(
      ws,
      [
        { groupId: 'a', name: 'Alpha', type: 'Work', archivable: true },
        { groupId: 'b', name: 'Beta', type: 'Public', archivable: true }
      ],
      d
    )
    await setSetting(workspaceRetentionKey(ws), 90, d)
    await setSetting(retentionKey(groupKey(ws, 'b')), 30, d)
    const list = await listGroups([ws, importedWorkspaceId], d)
    expect(list.map((g) => [g.row.groupId, g.retentionDays])).toEqual([
      ['a', 90],
      ['b', 30]
    ])
  })

  it('re-adding a group refreshes its profile and keeps its archive state', async () => {
    const d = freshDb()
    const gk = groupKey(ws, 'a')
    await addGroups(ws, [{ groupId: 'a', name: 'Old', type: 'Public', archivable: true }], d)
    await recordSyncOutcome(gk, { ok: true }, d, 1234)
    const again = await addGroups(ws, [{ groupId: 'a', name: 'New', type: 'Public', archivable: true }], d)
    expect(again).toEqual({ added: [], refreshed: [gk] })
    const row = await d.groups.get(gk)
    expect(row!.profile.name).toBe('New')
    expect(row!.lastSyncAt).toBe(1234)
  })

  it('records a failed sync without forgetting the last good one', async () => {
    const d = freshDb()
    const gk = groupKey(ws, 'a')
    await addGroups(ws, [{ groupId: 'a', name: 'A', type: 'Public', archivable: true }], d)
    await recordSyncOutcome(gk, { ok: true }, d, 1000)
    await recordSyncOutcome(gk, { ok: false, error: { code: 10010, message: '10010 (dismissed)' } }, d, 2000)
    const row = await d.groups.get(gk)
    expect(row!.lastSyncAt).toBe(1000)
    expect(row!.lastError).toEqual({ code: 10010, message: '10010 (dismissed)' })
    expect(await getCoverage(groupKey(ws, 'nope'), d)).toEqual({ ranges: [], floor: null, top: 0 })
  })
})
