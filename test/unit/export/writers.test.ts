import { describe as group, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import { describe, isoTime } from '../../../src-main/export/model'
import { inertCell, mdCode } from '../../../src-main/export/text-safety'
import { parseSplit } from '../../../src-main/export/types'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { corpus, hostileTexts, meta } from './corpus'

function render(format: Parameters<typeof createWriter>[0], messages = corpus, tz = 'UTC'): string {
  const w = createWriter(format, tz)
  return w.begin({ ...meta, timeZone: tz }) + w.write(messages) + w.end()
}

/** RFC 4180 parsing, to read the CSV back as a spreadsheet would. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

group('JSON and JSON Lines keep every record exactly', () => {
  it('JSON Lines are the lines tim-archive pull writes', () => {
    expect(render('jsonl')).toBe(corpus.map((m) => JSON.stringify(m) + '\n').join(''))
  })
  it('JSON parses back to the same records with the export metadata and count', () => {
    const doc = JSON.parse(render('json')) as { export: Record<string, unknown>; messages: unknown[]; count: number }
    expect(doc.messages).toEqual(JSON.parse(JSON.stringify(corpus)))
    expect(doc.count).toBe(corpus.length)
    expect(doc.export).toMatchObject({ app: 'tim-archive', timeZone: 'UTC', query: '', exportedAt: meta.exportedAt })
    expect((doc.export['groups'] as unknown[]).length).toBe(2)
  })
  it('an empty JSON export is valid JSON', () => {
    expect(JSON.parse(render('json', []))).toMatchObject({ messages: [], count: 0 })
  })
})

group('CSV opens safely in a spreadsheet', () => {
  const rows = parseCsv(render('csv').replace(/^\uFEFF/, ''))
  it('starts with a UTF-8 BOM and a header row', () => {
    expect(render('csv').startsWith('\uFEFFgroup,seq,time,sender,type,text,state,server\r\n')).toBe(true)
    expect(rows[0]).toEqual(['group', 'seq', 'time', 'sender', 'type', 'text', 'state', 'server'])
  })
  it('has one row per message with the same columns', () => {
    expect(rows.length).toBe(corpus.length + 1)
    for (const r of rows) expect(r.length).toBe(8)
  })
  it('no cell can start a formula: = + - @ tab and CR are prefixed with a quote', () => {
    for (const r of rows) for (const c of r) expect(c).not.toMatch(/^\s*[=+\-@\t\r]/)
    const texts = rows.map((r) => r[5])
    for (const h of hostileTexts.filter((s) => /^\s*[=+\-@\t\r]/.test(s))) expect(texts).toContain(`'${h}`)
  })
  it('other text is kept as written, quotes and line breaks included', () => {
    const texts = rows.map((r) => r[5])
    expect(texts).toContain('<script>window.__pwned=1;alert(1)</script>')
    expect(texts).toContain('"><svg/onload=window.__pwned=4>&lt;b&gt;escaped&lt;/b&gt; &amp;')
    expect(texts).toContain('line1\nline2 \u0000 nul \u001b[31mred\u001b[0m \u0007 bell')
  })
  it('inertCell leaves ordinary text alone', () => {
    expect(inertCell('hello = world')).toBe('hello = world')
    expect(inertCell('')).toBe('')
    expect(inertCell('=1')).toBe("'=1")
  })
})

/** Markdown with every code span and fenced block removed: what a renderer would parse as markup. */
function outsideCode(md: string): string {
  return md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '')
}

group('Markdown cannot turn content into markup', () => {
  const md = render('md')
  it('no link, image, HTML or autolink appears outside code', () => {
    const rest = outsideCode(md)
    expect(rest).not.toMatch(/\]\(|<[a-z/!]|https?:|www\.|javascript:/i)
  })
  it('a code span survives backticks in the content', () => {
    expect(mdCode('a `b` c')).toBe('``a `b` c``')
    expect(mdCode('``x``')).toBe('``` ``x`` ```')
  })
  it('the hostile texts are all there, inside code', () => {
    for (const h of ['<script>window.__pwned=1;alert(1)</script>', '[click here](javascript:window.__pwned=3)']) {
      expect(md).toContain(h)
    }
  })
})

group('HTML escapes all content', () => {
  const html = render('html')
  it('has exactly one script, the page\'s own, allowed by hash in a strict CSP', () => {
    expect(html.match(/<script/gi)?.length).toBe(1)
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/)
  })
  it('no tag or handler from a message survives', () => {
    expect(html).not.toMatch(/<(img|svg|a href="javascript)/i)
    // Content's < is escaped, so every tag in the file is the writer's own: none has a handler.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? []
    for (const t of tags) expect(t).not.toMatch(/\son[a-z]+=/i)
  })
  it('every link is http(s), opened without opener or referrer', () => {
    const anchors = html.match(/<a [^>]*>/g) ?? []
    expect(anchors.length).toBeGreaterThan(0)
    for (const a of anchors) expect(a).toMatch(/^<a href="https?:\/\/[^"]*" rel="noopener noreferrer" target="_blank">$/)
  })
  it('bidi overrides and controls are shown as escapes', () => {
    expect(html).toContain('invoice_\\u202efdp.exe')
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u0008]/)
  })
})

group('Times and malformed records', () => {
  it('times are ISO 8601 in the chosen time zone', () => {
    expect(isoTime(1714989600, 'UTC')).toBe('2024-05-06T10:00:00Z')
    expect(isoTime(1714989600, 'Asia/Shanghai')).toBe('2024-05-06T18:00:00+08:00')
    expect(isoTime(1714989600, 'America/New_York')).toBe('2024-05-06T06:00:00-04:00')
    expect(isoTime(undefined, 'UTC')).toBe('')
    expect(render('txt', corpus.slice(1, 2), 'Asia/Shanghai')).toContain('[2024-05-07T08:00:00+08:00] alice #2')
  })
  it('no writer throws on records with missing or wrongly typed fields', () => {
    const junk: unknown[] = [null, 1, 'x', [], {}, { MsgBody: 'str' }, { MsgBody: [null, 5, { MsgType: 5 }, { MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: [null, { URL: 7 }] } }] }, { MsgBody: [{ MsgType: 'TIMRelayElem', MsgContent: { MsgList: [null, { MsgBody: { a: 1 } }], AbstractList: 'x' } }] }, { MsgTimeStamp: 1e20, MsgSeq: 'x', From_Account: {}, _archive: { server: 'x' } }, { _archive: { server: { IsPlaceMsg: 1 } }, MsgBody: { MsgType: 'TIMGroupTipElem', MsgContent: { MemberAccount_List: 'bob' } } }]
    const records = junk.map((j) => (j && typeof j === 'object' && !Array.isArray(j) ? { GroupId: 'g', ...j } : j)) as ArchivedMessage[]
    for (const r of records) expect(() => describe(r)).not.toThrow()
    for (const f of ['html', 'json', 'jsonl', 'csv', 'txt', 'md'] as const) {
      expect(() => render(f, records.filter((r) => r && typeof r === 'object'))).not.toThrow()
    }
  })
  it('a relay nested deeper than any real one does not recurse without end', () => {
    let body: unknown = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'bottom' } }]
    for (let i = 0; i < 5000; i++) body = [{ MsgType: 'TIMRelayElem', MsgContent: { Title: 't', MsgList: [{ From_Account: 'a', MsgBody: body }] } }]
    expect(() => render('html', [{ GroupId: 'g', MsgSeq: 1, MsgBody: body } as unknown as ArchivedMessage])).not.toThrow()
  })
})

group('--split values', () => {
  it('reads count:N, size:MB, year, month and day, and explains anything else', () => {
    expect(parseSplit('count:5000')).toEqual({ kind: 'count', messages: 5000 })
    expect(parseSplit('size:1.5')).toEqual({ kind: 'size', bytes: 1572864 })
    expect(parseSplit('month')).toEqual({ kind: 'month' })
    expect(parseSplit('Year')).toEqual({ kind: 'year' })
    expect(parseSplit(' day ')).toEqual({ kind: 'day' })
    expect(parseSplit('count:0')).toHaveProperty('error')
    expect(parseSplit('weekly')).toMatchObject({ error: expect.stringContaining('count:N') })
  })
})
