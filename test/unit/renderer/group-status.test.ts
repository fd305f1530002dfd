import { describe, expect, it } from 'vitest'
import { emptyCoverage } from '../../../src-main/shared/coverage'
import { groupStatus, groupStatusText } from '../../../src-renderer/src/features/groups/group-status'

// 3 Dec 2026, 14:05 UTC
const checkedAt = Date.UTC(2026, 11, 3, 14, 5, 0)
const syncedEmpty = { messages: 0, coverage: { ranges: [], floor: 1, top: 0 }, lastSyncAt: checkedAt, imported: false }
const neverSynced = { messages: 0, coverage: emptyCoverage(), lastSyncAt: null, imported: false }

describe('what a group without messages says (issue 15 item 6)', () => {
  it('a synced group with no messages on the server says so, with when it was checked', () => {
    expect(groupStatus(syncedEmpty)).toEqual({ kind: 'empty', checkedAt })
    const en = groupStatusText(groupStatus(syncedEmpty), 'en')!
    expect(en).toMatch(/^No messages on the server \(checked .*2026.*\)$/)
    expect(en).not.toMatch(/complete|yet/)
    expect(groupStatusText(groupStatus(syncedEmpty), 'zh-CN')).toMatch(/^服务器上没有消息（检查于 .*2026.*）$/)
  })

  it('a group never synced says "Not synced yet", in both languages', () => {
    expect(groupStatus(neverSynced)).toEqual({ kind: 'never' })
    expect(groupStatusText(groupStatus(neverSynced), 'en')).toBe('Not synced yet')
    expect(groupStatusText(groupStatus(neverSynced), 'zh-CN')).toBe('尚未同步')
  })

  it('an empty group whose sync was found empty but not recorded as finished still says it is empty', () => {
    expect(groupStatusText(groupStatus({ ...syncedEmpty, lastSyncAt: null }), 'en')).toBe('No messages on the server')
  })

  it('a group with messages or covered seqs gets the usual figures instead', () => {
    expect(groupStatus({ ...syncedEmpty, messages: 3, coverage: { ranges: [[1, 3]], floor: 1, top: 3 } })).toEqual({ kind: 'messages' })
    expect(groupStatus({ ...neverSynced, coverage: { ranges: [[5, 9]], floor: null, top: 9 } })).toEqual({ kind: 'messages' })
    expect(groupStatusText({ kind: 'messages' }, 'en')).toBeNull()
  })
})
