import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExport } from '../../../src-main/export/exporter'
import { scanJsonl } from '../../../src-main/export/jsonl-source'
import { checkRecord } from '../../../src-main/shared/record-line'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { compileQuery, parseQuery, type Query } from '../../../src-main/shared/search/query'
import { corpus, meta } from './corpus'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tim-export-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function* chunks(messages: readonly ArchivedMessage[], size = 7): AsyncGenerator<ArchivedMessage[]> {
  for (let i = 0; i < messages.length; i += size) yield messages.slice(i, i + size)
}

function many(n: number): ArchivedMessage[] {
  const t0 = Date.UTC(2024, 0, 1) / 1000
  return Array.from({ length: n }, (_, i) => ({
    GroupId: 'g',
    From_Account: 'a',
    IsPlaceMsg: 0,
    MsgRandom: i,
    MsgSeq: i + 1,
    MsgTimeStamp: t0 + i * 86400 * 3,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `message ${i + 1}` } }]
  }))
}

describe('exporting to a file', () => {
  it('I get the whole file under the name I chose, and nothing else in the folder', async () => {
    const sub = join(dir, 'single')
    await mkdir(sub)
    const out = join(sub, 'chat.jsonl')
    const r = await runExport(chunks(corpus), { format: 'jsonl', out, meta })
    expect(r.messages).toBe(corpus.length)
    expect(await readFile(out, 'utf8')).toBe(corpus.map((m) => JSON.stringify(m) + '\n').join(''))
    expect(await readdir(sub)).toEqual(['chat.jsonl'])
  })

  it('a cancelled export leaves no file, not even a partial one', async () => {
    const sub = join(dir, 'cancel')
    await mkdir(sub)
    const abort = new AbortController()
    const p = runExport(chunks(many(500), 10), {
      format: 'html',
      out: join(sub, 'chat.html'),
      meta,
      signal: abort.signal,
      onProgress: (pr) => {
        if (pr.messages >= 100) abort.abort(new Error('cancelled by the user'))
      }
    })
    await expect(p).rejects.toThrow('cancelled by the user')
    expect(await readdir(sub)).toEqual([])
  })

  it('a failing source leaves no file, and an existing file of that name is untouched', async () => {
    const sub = join(dir, 'fail')
    await mkdir(sub)
    const out = join(sub, 'chat.csv')
    await writeFile(out, 'the previous export')
    async function* broken(): AsyncGenerator<ArchivedMessage[]> {
      yield corpus.slice(0, 5)
      throw new Error('store went away')
    }
    await expect(runExport(broken(), { format: 'csv', out, meta })).rejects.toThrow('store went away')
    expect(await readdir(sub)).toEqual(['chat.csv'])
    expect(await readFile(out, 'utf8')).toBe('the previous export')
  })
})

describe('splitting an export', () => {
  it('by count: parts of N messages, and an HTML index linking them', async () => {
    const out = join(dir, 'by-count')
    const r = await runExport(chunks(many(25)), { format: 'html', out, meta, split: { kind: 'count', messages: 10 } })
    expect((await readdir(out)).sort()).toEqual(['index.html', 'part-0001.html', 'part-0002.html', 'part-0003.html'])
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual(['part-0001.html', 'part-0002.html', 'part-0003.html', 'index.html'])
    const index = await readFile(join(out, 'index.html'), 'utf8')
    for (const p of ['part-0001.html', 'part-0002.html', 'part-0003.html']) expect(index).toContain(`href="${p}"`)
    expect(index).not.toContain('<script')
    const two = await readFile(join(out, 'part-0002.html'), 'utf8')
    expect(two.match(/<article/g)?.length).toBe(10)
    expect(two).toContain('href="part-0001.html"')
    expect(two).toContain('href="part-0003.html"')
    expect(two).toContain('message 11')
  })

  it('the index of a split HTML export shows local times and names the zone once', async () => {
    const out = join(dir, 'by-count-local')
    // many() starts at 2024-01-01T00:00:00Z, which is 08:00 on 1 January in Shanghai.
    await runExport(chunks(many(25)), { format: 'html', out, meta: { ...meta, timeZone: 'Asia/Shanghai' }, split: { kind: 'count', messages: 10 } })
    const index = await readFile(join(out, 'index.html'), 'utf8')
    const shown = index.replace(/<[^>]*>/g, ' ')
    expect(shown).toContain('Jan 1, 2024, 8:00:00 AM')
    expect(shown).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/)
    expect(shown.match(/Asia\/Shanghai \(UTC\+08:00\)/g)?.length).toBe(1)
    expect(shown).toContain('25 messages in 3 parts')
  })

  it('by month: one file per calendar month in the export time zone', async () => {
    const out = join(dir, 'by-month')
    await runExport(chunks(many(40)), { format: 'jsonl', out, meta, split: { kind: 'month' } })
    const files = (await readdir(out)).sort()
    expect(files).toEqual(['2024-01.jsonl', '2024-02.jsonl', '2024-03.jsonl', '2024-04.jsonl'])
    const jan = (await readFile(join(out, '2024-01.jsonl'), 'utf8')).trim().split('\n')
    expect(jan.length).toBe(11) // Jan 1, 4, …, 31
    let total = 0
    for (const f of files) total += (await readFile(join(out, f), 'utf8')).trim().split('\n').length
    expect(total).toBe(40)
  })

  it('by year and by day: one file per calendar year or day, named by it', async () => {
    const byYear = join(dir, 'by-year')
    const t0 = Date.UTC(2023, 11, 31, 12) / 1000
    const span = (n: number, step: number): ArchivedMessage[] => many(n).map((m, i) => ({ ...m, MsgTimeStamp: t0 + i * step }))
    await runExport(chunks(span(4, 43_200)), { format: 'txt', out: byYear, meta, split: { kind: 'year' } })
    expect((await readdir(byYear)).sort()).toEqual(['2023.txt', '2024.txt'])
    expect((await readFile(join(byYear, '2023.txt'), 'utf8')).match(/message \d+/g)).toEqual(['message 1'])
    expect((await readFile(join(byYear, '2024.txt'), 'utf8')).match(/message \d+/g)).toEqual(['message 2', 'message 3', 'message 4'])
    const byDay = join(dir, 'by-day')
    await runExport(chunks(span(5, 43_200)), { format: 'jsonl', out: byDay, meta: { ...meta, timeZone: 'Asia/Shanghai' }, split: { kind: 'day' } })
    // In Shanghai (UTC+8) 00:00 and 12:00 UTC are 08:00 and 20:00 of the same day: two per day.
    expect((await readdir(byDay)).sort()).toEqual(['2023-12-31.jsonl', '2024-01-01.jsonl', '2024-01-02.jsonl'])
    expect((await readFile(join(byDay, '2024-01-01.jsonl'), 'utf8')).trim().split('\n').length).toBe(2)
  })

  it('by size: every part but the last reaches the size, none holds much more', async () => {
    const out = join(dir, 'by-size')
    const limit = 2000
    await runExport(chunks(many(100)), { format: 'csv', out, meta, split: { kind: 'size', bytes: limit } })
    const files = (await readdir(out)).sort()
    expect(files.length).toBeGreaterThan(2)
    let rows = 0
    for (const [i, f] of files.entries()) {
      const text = await readFile(join(out, f), 'utf8')
      const size = Buffer.byteLength(text)
      if (i < files.length - 1) expect(size).toBeGreaterThanOrEqual(limit)
      expect(size).toBeLessThan(limit + 200)
      expect(text.startsWith('\uFEFFgroup,seq')).toBe(true)
      rows += text.trim().split('\r\n').length - 1
    }
    expect(rows).toBe(100)
  })

  it('refuses to write a split export into a folder that has files in it', async () => {
    const out = join(dir, 'busy')
    await mkdir(out)
    await writeFile(join(out, 'keep.txt'), 'mine')
    await expect(runExport(chunks(many(5)), { format: 'txt', out, meta, split: { kind: 'count', messages: 2 } })).rejects.toThrow(/not empty/)
    expect(await readdir(out)).toEqual(['keep.txt'])
    expect((await readdir(dir)).filter((f) => f.includes('.partial'))).toEqual([])
  })
})

describe('reading a pull file for export', () => {
  const all = compileQuery({ clauses: [] })
  it('gives each group in seq order, whatever order the lines are in, skipping torn lines', async () => {
    const path = join(dir, 'unordered.jsonl')
    const msgs = many(30)
    const other = many(5).map((m) => ({ ...m, GroupId: 'h' }))
    const shuffled = [...msgs.slice(20), ...other.slice(3), ...msgs.slice(0, 20).reverse(), ...other.slice(0, 3)]
    await writeFile(path, shuffled.map((m) => JSON.stringify(m)).join('\n') + '\n{"GroupId":"g","MsgSe')
    const scan = await scanJsonl(path, { keep: all, groupOrder: ['h'] })
    expect(scan.count).toBe(35)
    expect(scan.badLines).toEqual([36])
    expect(scan.groups).toEqual(['h', 'g'])
    const out: ArchivedMessage[] = []
    for await (const c of scan.read(4)) out.push(...c)
    expect(out.map((m) => `${m.GroupId}${m.MsgSeq}`)).toEqual([...other, ...msgs].map((m) => `${m.GroupId}${m.MsgSeq}`))
    expect(out[0]).toEqual(other[0])
  })

  it("reads a Community's own messages first, then its topics in the order of their IDs, whatever order the pull wrote them in", async () => {
    const path = join(dir, 'topics.jsonl')
    const c = '@TGS#_C'
    const inTopic = (t: string) => many(3).map((m) => ({ ...m, GroupId: c, TopicId: `${c}@TOPIC#_${t}` }))
    const own = many(2).map((m) => ({ ...m, GroupId: c }))
    // The pull writes its topics side by side: releases' lines happen to come first.
    const lines = [...inTopic('releases').slice(0, 2), ...inTopic('general'), ...own, ...inTopic('releases').slice(2)]
    await writeFile(path, lines.map((m) => JSON.stringify(m)).join('\n') + '\n')
    const scan = await scanJsonl(path, { keep: all })
    const out: ArchivedMessage[] = []
    for await (const ch of scan.read(4)) out.push(...ch)
    expect(out.map((m) => `${m.TopicId?.split('#_').pop() ?? 'own'}${m.MsgSeq}`)).toEqual([
      'own1',
      'own2',
      'general1',
      'general2',
      'general3',
      'releases1',
      'releases2',
      'releases3'
    ])
  })

  it('counts a message once when a later line repeats it (pull --media adds its outcomes so), and exports the later line', async () => {
    const path = join(dir, 'repeated.jsonl')
    const msgs = many(10)
    const later = { ...msgs[3]!, _archive: { media: {} } }
    await writeFile(path, [...msgs, later].map((m) => JSON.stringify(m)).join('\n') + '\n')
    const scan = await scanJsonl(path, { keep: compileQuery(parseQuery('-from:nobody') as Query) })
    expect(scan.records).toBe(10)
    expect(scan.count).toBe(10)
    const out: ArchivedMessage[] = []
    for await (const c of scan.read(4)) out.push(...c)
    expect(out[3]).toEqual(later)
  })

  it('filters with the search language', async () => {
    const path = join(dir, 'corpus.jsonl')
    // Only the corpus' valid records: its deliberately malformed ones (for the writers) are not
    // lines a pull file can hold, and a scan refuses them (shared/record-line).
    const valid = corpus.filter((m) => checkRecord(m) === null)
    expect(corpus.length - valid.length).toBe(2)
    await writeFile(path, valid.map((m) => JSON.stringify(m)).join('\r\n'))
    const q = parseQuery('has:image OR from:zed') as Query
    const byQuery = await scanJsonl(path, { keep: compileQuery(q) })
    expect(byQuery.count).toBe(0) // every word must match: "OR" is a word here
    const zed = await scanJsonl(path, { keep: compileQuery(parseQuery('from:zed') as Query) })
    expect(zed.count).toBe(2)
    expect(zed.groups).toEqual(['@TGS#2OTHER'])
    const images = await scanJsonl(path, { keep: compileQuery(parseQuery('has:image') as Query) })
    const got: ArchivedMessage[] = []
    for await (const c of images.read()) got.push(...c)
    expect(got.map((m) => m.MsgSeq)).toEqual([6])
  })
})
