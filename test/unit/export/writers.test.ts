import MarkdownIt from 'markdown-it'
import { describe as group, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import { describe, isoTime } from '../../../src-main/export/model'
import { formatRanges } from '../../../src-main/shared/report/render'
import { formatBytes as appFormatBytes } from '../../../src-renderer/src/lib/format/numbers'
import { inertCell } from '../../../src-main/export/text-safety'
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

/** Markdown as a real CommonMark renderer shows it, raw HTML allowed (the most a renderer can do). */
const commonmark = new MarkdownIt('commonmark')

/** The text a reader sees in rendered HTML: tags dropped, line breaks kept, entities decoded. */
function seenText(html: string): string {
  return html
    .replace(/<br \/>\n/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|amp|#39);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'" })[e]!)
}

// Texts that would be markup if written as they are: each line start, inline construct and raw
// HTML that CommonMark (and GFM's tables and strikethrough) knows.
const markdownHostile = [
  '# not a heading',
  '### nor this ###',
  '> not a quote',
  '- not a bullet',
  '+ nor this',
  '* nor this',
  '1. not a list',
  '2) nor this',
  'not a setext heading\n===',
  'nor this\n---',
  '***',
  '    not indented code',
  '\tnor this',
  '```js\nnot fenced code\n```',
  '~~~\nnor this\n~~~',
  '<div onclick="x()">raw html</div>',
  '<!-- comment --> <?php echo 1 ?> <![CDATA[x]]>',
  '[x](javascript:alert(1)) and [y][ref]\n\n[ref]: javascript:alert(2)',
  '![img](http://evil.example/pixel.png)',
  '<javascript:alert(3)> <mailto:x@example.com> <http://evil.example/auto>',
  '`code` ``more`` and \\`escaped\\`',
  '*em* _em_ **strong** __strong__ ~~strike~~',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '&amp; &lt;b&gt; &#60;script&#62; &copy;',
  'back\\slash at the end\\',
  '  two spaces before, and a hard break after  \nnext'
]

group('Markdown shows content as plain text, with working links', () => {
  const hostile = markdownHostile.map((s, i) => ({
    GroupId: '@TGS#MD',
    MsgSeq: i + 1,
    MsgTimeStamp: 1714989600 + i,
    From_Account: i % 2 ? '*star* <b>x</b>' : '# [me](javascript:x)',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: s } }]
  })) as unknown as ArchivedMessage[]
  const md = render('md', [...corpus, ...hostile])
  const html = commonmark.render(md)

  it("a real CommonMark parser finds only the writer's own markup: no code, image, HTML or content link", () => {
    const tags = new Set((html.match(/<\/?[a-z][a-z0-9]*/gi) ?? []).map((t) => t.replace('/', '').toLowerCase()))
    for (const t of tags) expect(['<h1', '<h2', '<ul', '<li', '<p', '<strong', '<em', '<br', '<hr', '<a']).toContain(t)
    // The writer's own headings and bullets: the title, each group, and the header's lines.
    expect(html.match(/<h1>/g)?.length).toBe(1)
    expect(html.match(/<h2>/g)?.length).toBe(3)
    expect(html.match(/<ul>/g)?.length).toBe(1)
    // Emphasis only where the writer puts it: the sender in bold, a state in italics.
    for (const em of html.match(/<em>[^<]*<\/em>/g) ?? []) expect(em).toMatch(/^<em>\(?(deleted|recalled|system)\)?<\/em>$/)
  })

  it('every link is an http(s) URL that was in the text, shown as itself', () => {
    const anchors = [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)]
    expect(anchors.length).toBe((html.match(/<a /g) ?? []).length)
    for (const [, href, label] of anchors) {
      expect(href).toMatch(/^https?:\/\//)
      expect(seenText(label!)).toBe(seenText(href!))
    }
  })

  it('a URL in a message is a link', () => {
    expect(html).toContain('<a href="http://ok.example/path">http://ok.example/path</a>.')
    expect(html).toContain('<a href="https://cos.example.com/img/abc_1.jpg">')
  })

  it('every hostile text reads exactly as it was written', () => {
    const seen = seenText(html)
    for (const s of [...markdownHostile, ...hostileTexts.filter((h) => !/[\u0000-\u0008\u000b-\u001f\u202a-\u202e\u2066-\u2069]/.test(h))]) {
      // Blank lines separate paragraphs; leading spaces stay (they are written as references).
      for (const para of s.split(/\n\s*\n/)) expect(seen).toContain(para)
    }
    expect(seen).toContain('# [me](javascript:x)')
    expect(seen).toContain('*star* <b>x</b>')
  })
})

group('HTML escapes all content', () => {
  const html = render('html')
  it("has exactly one script, the page's own, allowed by hash in a strict CSP", () => {
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
    const junk: unknown[] = [
      null,
      1,
      'x',
      [],
      {},
      { MsgBody: 'str' },
      { MsgBody: [null, 5, { MsgType: 5 }, { MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: [null, { URL: 7 }] } }] },
      { MsgBody: [{ MsgType: 'TIMRelayElem', MsgContent: { MsgList: [null, { MsgBody: { a: 1 } }], AbstractList: 'x' } }] },
      { MsgTimeStamp: 1e20, MsgSeq: 'x', From_Account: {}, _archive: { server: 'x' } },
      { _archive: { server: { IsPlaceMsg: 1 } }, MsgBody: { MsgType: 'TIMGroupTipElem', MsgContent: { MemberAccount_List: 'bob' } } }
    ]
    const records = junk.map((j) => (j && typeof j === 'object' && !Array.isArray(j) ? { GroupId: 'g', ...j } : j)) as ArchivedMessage[]
    for (const r of records) expect(() => describe(r)).not.toThrow()
    for (const f of ['html', 'json', 'jsonl', 'csv', 'txt', 'md'] as const) {
      expect(() =>
        render(
          f,
          records.filter((r) => r && typeof r === 'object')
        )
      ).not.toThrow()
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

group('One way to write numbers and dates (the app, the exports, the CLI)', () => {
  const image = (size: number): ArchivedMessage =>
    ({
      GroupId: 'g',
      MsgSeq: 1,
      MsgTimeStamp: 1714989600,
      From_Account: 'a',
      IsPlaceMsg: 0,
      MsgBody: [
        { MsgType: 'TIMImageElem', MsgContent: { ImageFormat: 1, ImageInfoArray: [{ Type: 1, Size: size, Width: 1, Height: 1, URL: 'https://x.example/i' }] } }
      ]
    }) as unknown as ArchivedMessage

  it('an image of 1,822,850 bytes reads the same size in the app and in every export', () => {
    const inApp = appFormatBytes(1822850, 'en')
    expect(inApp).toBe('1.8 MB')
    const label = describe(image(1822850)).parts[0]
    expect(label).toMatchObject({ kind: 'media', label: `image 1×1 JPG ${inApp}` })
    for (const f of ['html', 'txt', 'md', 'csv'] as const) expect(render(f, [image(1822850)])).toContain(inApp)
  })

  it('seq ranges always have thousands separators', () => {
    expect(
      formatRanges([
        [7800001, 7800010],
        [12345, 12345]
      ])
    ).toBe('7,800,001–7,800,010, 12,345')
  })

  // Corpus times are 2024-05-06T10:00:00Z + seq × 7 h: seq 1 is 17:00 UTC on 6 May, 01:00 on 7 May
  // in Shanghai; the first group spans 6 to 15 May in UTC, 7 to 15 May in Shanghai.
  it('HTML has a heading per local day and gives times in the zone it names once', () => {
    const html = render('html', corpus, 'Asia/Shanghai')
    const days = [...html.matchAll(/<h3 class="day"><time datetime="([\d-]+)">([^<]*)<\/time><\/h3>/g)]
    // Nine days in the first group, then the second group starts its days again.
    expect(days.map(([, d]) => d)).toEqual([
      '2024-05-07',
      '2024-05-08',
      '2024-05-09',
      '2024-05-10',
      '2024-05-11',
      '2024-05-12',
      '2024-05-13',
      '2024-05-14',
      '2024-05-15',
      '2024-05-07',
      '2024-06-15'
    ])
    expect(days[0]![2]).toBe('Tuesday, May 7, 2024')
    // The record without a time gets its own heading.
    expect(html).toContain('<h3 class="day">No date</h3>')
    // seq 1 at 01:00 local, shown as the app shows times; the ISO instant stays machine-readable.
    expect(html).toContain('<time datetime="2024-05-07T01:00:00+08:00" title="May 7, 2024, 1:00:00 AM">1:00 AM</time>')
    expect(html.match(/Asia\/Shanghai/g)?.length).toBe(1)
    expect(html).toContain('Times are in Asia/Shanghai (UTC+08:00)')
    const visible = html.replace(/<[^>]*>/g, ' ')
    expect(visible).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/)
  })

  it('a zone with daylight saving names both of its offsets', () => {
    expect(render('html', corpus.slice(0, 1), 'America/New_York')).toContain('Times are in America/New_York (UTC-05:00 / UTC-04:00)')
  })
})

group('stickers and forwarded chats read as the timeline shows them (issue 18 §4, §6)', () => {
  const at = (body: unknown[]): ArchivedMessage =>
    ({ GroupId: 'g', MsgSeq: 1, MsgTimeStamp: 1_715_000_000, From_Account: 'yossi', MsgBody: body }) as ArchivedMessage
  const face = (MsgContent: Record<string, unknown>) => at([{ MsgType: 'TIMFaceElem', MsgContent }])

  it("a sticker is named by TUIKit's Data and pack (Index), never as a bare index", () => {
    const txt = render('txt', [face({ Index: 1, Data: 'yz05' })])
    expect(txt).toContain('[sticker yz05 (pack 1)]')
    expect(txt).not.toContain('face')
    expect(render('csv', [face({ Index: 3 })])).toContain('[sticker #3]')
    // Data that is no name (bytes) is shown readable beside the label, not as the name.
    const bytes = describe(face({ Index: 255, Data: 'abc\u0000\u0001' })).parts[0]
    expect(bytes).toMatchObject({ kind: 'media', label: 'sticker #255' })
  })

  it("a forwarded chat kept on Tencent's server says no server API reads it, in every text format", () => {
    const relay = at([{ MsgType: 'TIMRelayElem', MsgContent: { Title: 'Big', MsgNum: 1240, AbstractList: ['a: x'], JsonMsgKey: 'k' } }])
    const words =
      "1,240 messages are kept on Tencent's server under a key; Tencent offers no server API to read them, so the archive has the title and summary only"
    for (const f of ['txt', 'csv', 'md'] as const) expect(render(f, [relay]).replace(/\\|&#32;/g, '')).toContain(words)
    expect(render('html', [relay])).toContain(words.replace("'", '&#39;'))
    // No key and no list: the messages were simply not put in this message.
    const bare = at([{ MsgType: 'TIMRelayElem', MsgContent: { Title: 'x', MsgNum: 2 } }])
    expect(render('txt', [bare])).toContain('the messages are not included in this message')
  })
})
