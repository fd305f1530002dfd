/**
 * Exports of a message an admin edited on the server since it was archived (issue 18 §5): every
 * format shows the current text and the original; JSON and JSON Lines carry every version as
 * archived; an older archive's form (original on top, latest as the server note) reads the same.
 */
import MarkdownIt from 'markdown-it'
import { describe, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import { describe as describeDoc } from '../../../src-main/export/model'
import { mergeMessage, type ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { meta } from '../export/corpus'

const say = (text: string): RawMessage['MsgBody'] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
const sent: RawMessage = {
  From_Account: 'alice',
  IsPlaceMsg: 0,
  MsgBody: say('Lunch at noon'),
  MsgRandom: 1,
  MsgSeq: 7,
  MsgTimeStamp: 1_764_547_200,
  MsgPriority: 1
}

function edited(): ArchivedMessage {
  let r = mergeMessage(undefined, sent, 'g1').record
  r = mergeMessage(r, { ...sent, MsgBody: say('Lunch at one') }, 'g1', new Date('2025-12-01T09:00:00Z')).record
  return mergeMessage(r, { ...sent, MsgBody: say('Lunch at <b>two</b>') }, 'g1', new Date('2025-12-01T10:00:00Z')).record
}
const legacy: ArchivedMessage = {
  GroupId: 'g1',
  ...sent,
  MsgSeq: 8,
  _archive: { server: { IsPlaceMsg: 0, MsgBody: say('Dinner instead'), seenAt: '2025-12-01T11:00:00.000Z' } }
}

function render(format: Parameters<typeof createWriter>[0], messages: ArchivedMessage[]): string {
  const w = createWriter(format, 'UTC')
  return w.begin({ ...meta, timeZone: 'UTC' }) + w.write(messages) + w.end()
}

describe('an edited message in every export', () => {
  it('the model knows the current text, the original and the number of versions', () => {
    const d = describeDoc(edited())
    expect(d.parts).toEqual([{ kind: 'text', text: 'Lunch at <b>two</b>' }])
    expect(d.edit).toEqual({ earlier: 2, dropped: 0, seen: '2025-12-01T10:00:00Z', original: [{ kind: 'text', text: 'Lunch at noon' }] })
    // The older form: the latest copy is current, the archived one the original.
    const old = describeDoc(legacy)
    expect(old.parts).toEqual([{ kind: 'text', text: 'Dinner instead' }])
    expect(old.edit?.original).toEqual([{ kind: 'text', text: 'Lunch at noon' }])
    expect(old.serverNote).toBeUndefined()
  })

  it('TXT shows the current text, "edited" and the original', () => {
    const txt = render('txt', [edited(), legacy])
    expect(txt).toContain('#7 (edited on the server (seen 2025-12-01T10:00:00Z); 2 earlier versions): Lunch at <b>two</b>\n    original: Lunch at noon\n')
    expect(txt).toContain('#8 (edited on the server (seen 2025-12-01T11:00:00Z); 1 earlier version): Dinner instead\n    original: Lunch at noon\n')
  })

  it('CSV has the current text in the text column and the original in the server column', () => {
    const csv = render('csv', [edited()])
    const row = csv.split('\r\n')[1]!
    expect(row).toContain(',Lunch at <b>two</b>,')
    expect(row).toContain('original: Lunch at noon')
  })

  it('Markdown quotes the original under the current text, as text', () => {
    const md = render('md', [edited()])
    expect(md).toContain('edited on the server')
    const html = new MarkdownIt().render(md)
    expect(html).toContain('<blockquote>')
    expect(html).toMatch(/<blockquote>[\s\S]*Lunch at noon[\s\S]*<\/blockquote>/)
    // Content is data: the <b> a message holds is text, in the current version and the quote.
    expect(html).not.toContain('<b>two</b>')
  })

  it('HTML marks the message "edited" and shows the original, escaped', () => {
    const html = render('html', [edited()])
    expect(html).toContain('<span class="s">edited</span>')
    expect(html).toMatch(/<blockquote><span class="n">Original:<\/span> [^]*Lunch at noon[^]*<\/blockquote>/)
    expect(html).toContain('Lunch at &lt;b&gt;two&lt;/b&gt;')
    expect(html).not.toContain('<b>two</b>')
  })

  it('JSON and JSON Lines keep every version as archived', () => {
    const rec = edited()
    const line = JSON.parse(render('jsonl', [rec]).trim()) as ArchivedMessage
    expect(line._archive?.versions?.map((v) => v.MsgBody)).toEqual([say('Lunch at noon'), say('Lunch at one')])
    const doc = JSON.parse(render('json', [rec])) as { messages: ArchivedMessage[] }
    expect(doc.messages[0]).toEqual(line)
  })

  it('a message never edited has no edit note', () => {
    const plain = mergeMessage(undefined, sent, 'g1').record
    expect(describeDoc(plain).edit).toBeUndefined()
    expect(render('txt', [plain])).not.toContain('original:')
  })
})
