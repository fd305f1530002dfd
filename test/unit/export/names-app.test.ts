/**
 * The app's exports name the senders as `export --in` does (issue 18 §1): the page sends the
 * exported groups' people with export.start (each shown name with when it was first seen), the
 * host turns them into ExportMeta.people (services/export-host.ts personsOf), and the writers show
 * the name in force at each message's time.
 */
import { describe, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import type { ExportMeta } from '../../../src-main/export/types'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { personsOf } from '../../../src-main/services/export-host'

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

// Sent in any order: the host sorts them by when they were seen.
const people = personsOf([
  {
    groupId: '@TGS#1',
    account: 'bob',
    names: [
      [3_000_000, 'Bobby <b>Z</b>'],
      [1_000_000, 'Bob']
    ]
  }
])
const meta = (withPeople: boolean): ExportMeta => ({
  app: 'TIM Archive',
  version: '1',
  exportedAt: '2026-01-01T00:00:00Z',
  query: '',
  groups: [{ groupId: '@TGS#1' }],
  timeZone: 'UTC',
  ...(withPeople ? { people } : {})
})
const messages = [msg(1, 'bob', 2000), msg(2, 'bob', 4000), msg(3, 'carol', 4000)]

function write(format: 'csv' | 'txt' | 'html', withPeople = true): string {
  const w = createWriter(format, 'UTC')
  return w.begin(meta(withPeople)) + w.write(messages) + w.end()
}

describe("the app's exports name the senders", () => {
  it('with the name in force at each message, the account kept', () => {
    expect(write('txt')).toMatch(/\] Bob \(bob\) #1:/)
    expect(write('txt')).toMatch(/\] Bobby <b>Z<\/b> \(bob\) #2:/)
    expect(write('txt')).toMatch(/\] carol #3:/)
    const rows = write('csv').trim().split('\r\n')
    expect(rows[0]).toMatch(/,sender_name$/)
    expect(rows[1]).toMatch(/,bob,.*,Bob$/)
    const html = write('html')
    expect(html).toContain('<span class="f" title="bob">Bobby &lt;b&gt;Z&lt;/b&gt;</span>')
    expect(html).not.toContain('<b>Z</b>')
  })

  it('without people, senders stay account IDs', () => {
    expect(write('txt', false)).toMatch(/\] bob #1:/)
    expect(write('csv', false)).not.toContain('sender_name')
  })
})
