import { describe, expect, it } from 'vitest'
import {
  datesReversed,
  effectiveScope,
  initialScope,
  localDayStart,
  queryNamesGroups,
  toRequest,
  type SearchFields
} from '../../../src-renderer/src/features/search/search-fields'

const fields = (f: Partial<SearchFields> = {}): SearchFields => ({
  query: 'release',
  scope: 'all',
  groupGk: 'w|@TGS#1',
  fromDate: '',
  toDate: '',
  sender: '',
  ...f
})

describe('the search panel’s request', () => {
  it('reads the date range as local days, the to-day included whole', () => {
    const r = toRequest(fields({ fromDate: '2026-03-01', toDate: '2026-03-31' }))
    expect(r.fromMs).toBe(new Date(2026, 2, 1).getTime())
    expect(r.toMs).toBe(new Date(2026, 3, 1).getTime())
  })

  it('crosses month and year ends for the day after the to-day', () => {
    expect(localDayStart('2025-12-31', 1)).toBe(new Date(2026, 0, 1).getTime())
    expect(localDayStart('2024-02-28', 1)).toBe(new Date(2024, 1, 29).getTime())
    expect(localDayStart('')).toBeUndefined()
  })

  it('searches only the selected group for "this group", every group otherwise', () => {
    expect(toRequest(fields({ scope: 'group' })).gks).toEqual(['w|@TGS#1'])
    expect(toRequest(fields({ scope: 'all' })).gks).toBeUndefined()
    expect(toRequest(fields({ scope: 'group', groupGk: null })).gks).toBeUndefined()
  })

  it('lets the query’s own in: pick the groups over "this group"', () => {
    expect(toRequest(fields({ scope: 'group', query: 'release in:@TGS#2' })).gks).toBeUndefined()
    // Full-width colon, as the parser reads it.
    expect(toRequest(fields({ scope: 'group', query: 'release in：ops' })).gks).toBeUndefined()
    // A negated in: only excludes: "this group" still narrows.
    expect(toRequest(fields({ scope: 'group', query: 'release -in:ops' })).gks).toEqual(['w|@TGS#1'])
    // A word that merely contains "in:" inside a phrase is not a field.
    expect(toRequest(fields({ scope: 'group', query: '"log in: now"' })).gks).toEqual(['w|@TGS#1'])
    // An unreadable query is not taken to name groups.
    expect(queryNamesGroups('in:x "open')).toBe(false)
  })

  it('scopes to the open group unless none is open or the query names groups', () => {
    expect(effectiveScope({ query: 'x', scope: 'group', groupGk: 'w|g' })).toBe('group')
    expect(effectiveScope({ query: 'x', scope: 'group', groupGk: null })).toBe('all')
    expect(effectiveScope({ query: 'x in:g', scope: 'group', groupGk: 'w|g' })).toBe('all')
    expect(effectiveScope({ query: 'x', scope: 'all', groupGk: 'w|g' })).toBe('all')
  })

  it('starts at "this group", and at "all groups" once chosen in the session', () => {
    const store = (v: string | null) => ({ getItem: (k: string) => (k === 'tim-archive.search-scope' ? v : null) })
    expect(initialScope(undefined)).toBe('group')
    expect(initialScope(store(null))).toBe('group')
    expect(initialScope(store('all'))).toBe('all')
    expect(initialScope(store('group'))).toBe('group')
    expect(
      initialScope({
        getItem: () => {
          throw new Error('denied')
        }
      })
    ).toBe('group')
  })

  it('passes the sender trimmed, and no sender when the box is blank', () => {
    expect(toRequest(fields({ sender: '  alice ' })).sender).toBe('alice')
    expect(toRequest(fields({ sender: '   ' })).sender).toBeUndefined()
  })

  it('reads the query’s own dates in the local offset', () => {
    const now = new Date()
    expect(toRequest(fields(), now).timeZoneOffsetMinutes).toBe(-now.getTimezoneOffset())
  })

  it('notices a backwards range', () => {
    expect(datesReversed({ fromDate: '2026-05-02', toDate: '2026-05-01' })).toBe(true)
    expect(datesReversed({ fromDate: '2026-05-01', toDate: '2026-05-01' })).toBe(false)
    expect(datesReversed({ fromDate: '', toDate: '2026-05-01' })).toBe(false)
  })
})
