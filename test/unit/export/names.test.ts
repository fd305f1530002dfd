/**
 * Exports name the senders (issue 18 §1): with ExportMeta.names the readable formats write
 * "name (account)" with the name in force at each message's time; JSON keeps the records as
 * archived and writes no function into its metadata; without names nothing changes.
 */
import { describe, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import type { ExportMeta } from '../../../src-main/export/types'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { namesLookup } from '../../../src-main/services/export-host'

const msg = (seq: number, from: string, time: number): ArchivedMessage =>
  ({
    GroupId: '@TGS#1',
    From_Account: from,
    MsgSeq: seq,
    MsgRandom: seq,
    MsgTimeStamp: time,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${seq}` } }]
  }) as ArchivedMessage

const names = namesLookup([
  {
    groupId: '@TGS#1',
    account: 'bob',
    names: [
      [1_000_000, 'Bob'],
      [3_000_000, 'Bobby <b>Z</b>']
    ]
  }
])
const meta = (withNames: boolean): ExportMeta => ({
  app: 'TIM Archive',
  version: '1',
  exportedAt: '2026-01-01T00:00:00Z',
  query: '',
  groups: [{ groupId: '@TGS#1' }],
  timeZone: 'UTC',
  ...(withNames ? { names } : {})
})
const messages = [msg(1, 'bob', 2000), msg(2, 'bob', 4000), msg(3, 'carol', 4000)]

function write(format: 'csv' | 'txt' | 'md' | 'html' | 'json', withNames = true): string {
  const w = createWriter(format, 'UTC')
  return w.begin(meta(withNames)) + w.write(messages) + w.end()
}

describe('names in exports', () => {
  it('CSV, text and Markdown write the name at the message time with the account', () => {
    const csv = write('csv')
    expect(csv).toContain(',Bob (bob),')
    expect(csv).toContain(',Bobby <b>Z</b> (bob),')
    expect(csv).toContain(',carol,')
    expect(write('txt')).toMatch(/\] Bob \(bob\) #1:/)
    expect(write('md')).toContain('**Bob (bob)**')
  })

  it('HTML escapes the name and keeps the account in the title', () => {
    const html = write('html')
    expect(html).toContain('Bobby &lt;b&gt;Z&lt;/b&gt; (bob)')
    expect(html).not.toContain('<b>Z</b>')
    expect(html).toContain('title="bob"')
  })

  it('JSON keeps the records as archived; without names nothing changes', () => {
    const json = write('json')
    expect(json).not.toContain('Bobby')
    expect(JSON.parse(json).messages[0].From_Account).toBe('bob')
    expect(write('csv', false)).toContain(',bob,')
    expect(write('csv', false)).not.toContain('Bob (bob)')
  })
})
