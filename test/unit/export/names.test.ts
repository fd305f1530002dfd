// Names in exports (issue 18 §1, §3): the sender's name in force at each message's time, the
// account ID kept (HTML title, CSV column `sender`, JSON records verbatim), the group's name.
import { describe, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import { contextForExport } from '../../../src-main/export/context'
import { parseContext } from '../../../src-main/archive/context-file'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { ExportMeta } from '../../../src-main/export/types'

const G = '@TGS#1DEMOTEAM'
const ctxText = [
  { type: 'group', groupId: G, seenAt: '2026-01-01T00:00:00Z', name: '产品研发 Team 🚀', groupType: 'Work' },
  { type: 'person', groupId: G, account: 'bob', seenAt: '2026-01-01T00:00:00Z', nick: 'Bob', member: true },
  { type: 'person', groupId: G, account: 'bob', seenAt: '2026-02-01T00:00:00Z', nick: 'Bob Zhang <b>', member: true },
  { type: 'person', groupId: G, account: 'li_lei', seenAt: '2026-02-01T00:00:00Z', nick: '李雷', member: false }
]
  .map((l) => JSON.stringify(l))
  .join('\n')

const msg = (seq: number, from: string, iso: string, text: string): ArchivedMessage =>
  ({
    GroupId: G,
    MsgSeq: seq,
    MsgTimeStamp: Date.parse(iso) / 1000,
    From_Account: from,
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
  }) as unknown as ArchivedMessage

const messages = [
  msg(1, 'bob', '2026-01-15T00:00:00Z', 'first'),
  msg(2, 'bob', '2026-02-15T00:00:00Z', 'second'),
  // Sent before the archive saw any name of li_lei: the current name, the only one known.
  msg(3, 'li_lei', '2025-12-01T00:00:00Z', 'old'),
  msg(4, 'stranger', '2026-02-15T00:00:00Z', 'who')
]

function meta(withContext: boolean): ExportMeta {
  const base: ExportMeta = { app: 'tim-archive', version: '0', exportedAt: '2026-03-01T00:00:00Z', query: '', groups: [{ groupId: G }], timeZone: 'UTC' }
  return withContext ? { ...base, ...contextForExport(parseContext(ctxText), [G]) } : base
}

function render(format: 'html' | 'csv' | 'txt' | 'md' | 'json', withContext = true): string {
  const w = createWriter(format, 'UTC')
  return w.begin(meta(withContext)) + w.write(messages) + w.end()
}

describe('exports name people from the context', () => {
  it('HTML: the name at the message time, the account on hover, the group name as the title; names are text, never markup', () => {
    const html = render('html')
    expect(html).toContain('<title>产品研发 Team 🚀 (@TGS#1DEMOTEAM)</title>')
    expect(html).toContain('<span class="f" title="bob">Bob</span>')
    expect(html).toContain('<span class="f" title="bob">Bob Zhang &lt;b&gt;</span>')
    expect(html).toContain('<span class="f" title="li_lei">李雷</span>')
    expect(html).toContain('<span class="f">stranger</span>')
    expect(html).not.toContain('Zhang <b>')
    // The sender filter lists people by current name, filtering by account.
    expect(html).toContain('data-f="bob" data-n="Bob Zhang &lt;b&gt;"')
  })

  it('CSV keeps the account in `sender` and adds `sender_name`; without a context the columns are as before', () => {
    const rows = render('csv')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
    expect(rows[0]).toBe('group,seq,time,sender,type,text,state,server,sender_name')
    expect(rows[1]).toMatch(/^'@TGS#1DEMOTEAM,1,.*,bob,TIMTextElem,first,.*,Bob$/)
    expect(rows[2]).toMatch(/,bob,.*,Bob Zhang <b>$/)
    expect(rows[4]).toMatch(/,stranger,.*,$/)
    expect(
      render('csv', false)
        .replace(/^\uFEFF/, '')
        .split('\r\n')[0]
    ).toBe('group,seq,time,sender,type,text,state,server')
  })

  it('text and Markdown write "Name (account)"', () => {
    expect(render('txt')).toContain('] Bob (bob) #1:')
    expect(render('txt')).toContain('] Bob Zhang <b> (bob) #2:')
    expect(render('txt')).toContain('=== 产品研发 Team 🚀 (@TGS#1DEMOTEAM) ===')
    expect(render('md')).toContain('**Bob Zhang \\<b\\> (bob)**')
    expect(render('txt', false)).toContain('] bob #1:')
  })

  it('JSON keeps the records verbatim and carries the people with their history', () => {
    const doc = JSON.parse(render('json')) as { export: ExportMeta; messages: ArchivedMessage[] }
    expect(doc.messages).toEqual(messages)
    expect(doc.export.groups[0]).toMatchObject({ groupId: G, name: '产品研发 Team 🚀', groupType: 'Work' })
    const bob = doc.export.people!.find((p) => p.account === 'bob')!
    expect(bob.history.map((h) => h.nick)).toEqual(['Bob', 'Bob Zhang <b>'])
  })
})
