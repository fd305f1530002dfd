/**
 * A Community's topics in exports (issue 18 §2): a topic's messages (lines with TopicId) get their
 * own section headed "<group name> / <topic name>", in the CLI's exports and the app's (the export
 * host's meta carries the topics the page sends); CSV gets topic columns, JSON keeps TopicId.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MarkdownIt from 'markdown-it'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import { unitTitle } from '../../../src-main/export/names'
import type { ExportMeta } from '../../../src-main/export/types'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { ExportHost } from '../../../src-main/services/export-host'
import { channels, type ExportStartInput, type Result } from '../../../src-main/shared/ipc/contract'
import { parseInvokeArgs } from '../../../src-main/shared/ipc/schemas'

const G = '@TGS#_COMMUNITY'
const general = `${G}@TOPIC#_general`
const releases = `${G}@TOPIC#_releases`

function msg(seq: number, text: string, topic?: string): ArchivedMessage {
  return {
    GroupId: G,
    ...(topic ? { TopicId: topic } : {}),
    From_Account: 'alice',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
    MsgPriority: 2,
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1714989600 + seq
  } as ArchivedMessage
}

// As the CLI's source orders them: the group's own messages, then each topic's (same seqs apart).
const messages = [msg(1, 'group hello'), msg(1, 'general one', general), msg(2, 'general two', general), msg(1, 'release one', releases)]

const meta: ExportMeta = {
  app: 'tim-archive',
  version: 't',
  exportedAt: '2026-01-01T00:00:00.000Z',
  query: '',
  groups: [{ groupId: G, name: 'Open Source', groupType: 'Community', topics: [{ topicId: general, name: 'General 综合' }, { topicId: releases }] }],
  timeZone: 'UTC'
}

/** The text of a Markdown file's level-2 headings, as a CommonMark reader shows them. */
function h2s(md: string): string[] {
  const tokens = new MarkdownIt().parse(md, {})
  return tokens.flatMap((t, i) => (t.type === 'heading_open' && t.tag === 'h2' ? [tokens[i + 1]!.children!.map((c) => c.content).join('')] : []))
}

function render(format: Parameters<typeof createWriter>[0], m: ExportMeta = meta): string {
  const w = createWriter(format, 'UTC')
  return w.begin(m) + w.write(messages) + w.end()
}

describe('a Community topic is a section of its own in every readable format', () => {
  it('titles: the group, then "Group / Topic (ID)", with IDs where no name is known', () => {
    expect(unitTitle(meta, G)).toBe(`Open Source (${G})`)
    expect(unitTitle(meta, G, general)).toBe(`Open Source / General 综合 (${general})`)
    expect(unitTitle(meta, G, releases)).toBe(`Open Source / releases (${releases})`)
    expect(unitTitle({ groups: [] }, G, general)).toBe(`${G} / general (${general})`)
  })

  it('Markdown: one heading for the group and one per topic, each over its own messages', () => {
    const md = render('md')
    expect(h2s(md)).toEqual([`Open Source (${G})`, `Open Source / General 综合 (${general})`, `Open Source / releases (${releases})`])
    expect(md.indexOf('general two')).toBeGreaterThan(md.indexOf('General 综合'))
    expect(md.indexOf('general two')).toBeLessThan(md.indexOf('/ releases'))
  })

  it('text: "=== Group / Topic ===" sections', () => {
    const txt = render('txt')
    expect(txt.split('\n').filter((l) => l.startsWith('=== '))).toEqual([
      `=== Open Source (${G}) ===`,
      `=== Open Source / General 综合 (${general}) ===`,
      `=== Open Source / releases (${releases}) ===`
    ])
  })

  it('HTML: an h2 per topic, names escaped', () => {
    const html = render('html', { ...meta, groups: [{ ...meta.groups[0]!, topics: [{ topicId: general, name: '<b>x</b>' }] }] })
    const h2 = [...html.matchAll(/<h2 class="g"[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1])
    expect(h2).toEqual([`Open Source (${G})`, `Open Source / &lt;b&gt;x&lt;/b&gt; (${general})`, `Open Source / releases (${releases})`])
  })

  it('HTML: a topic filter when the export may hold topics; each topic heading and message carries its ID', () => {
    const html = render('html')
    expect(html).toContain('<select id="topic" aria-label="Topic"><option value="">All topics</option></select>')
    expect([...html.matchAll(/<h2 class="g"( data-t="[^"]*")?>/g)].map((m) => m[1] ?? '')).toEqual([
      '',
      ` data-t="${general}"`,
      ` data-t="${general}"`.replace(general, releases)
    ])
    expect([...html.matchAll(/<article class="m"[^>]*?(?: data-t="([^"]*)")? data-d=/g)].map((m) => m[1] ?? '')).toEqual(['', general, general, releases])
    // A group without topics: no topic filter.
    const w = createWriter('html', 'UTC')
    expect(w.begin({ ...meta, groups: [{ groupId: '@TGS#1DEMO' }] })).not.toContain('id="topic"')
  })

  it('CSV: topic and topic_name columns for a Community; none for other groups', () => {
    const rows = render('csv')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    // IDs start with @, so the CSV makes them inert with a leading quote, as it does the group's.
    expect(rows[0]).toBe('group,seq,time,sender,type,text,state,server,topic,topic_name')
    expect(rows[1]!.endsWith(',,')).toBe(true)
    expect(rows[2]!.endsWith(`,'${general},General 综合`)).toBe(true)
    expect(rows[4]!.endsWith(`,'${releases},`)).toBe(true)
    const plain = createWriter('csv', 'UTC').begin({ ...meta, groups: [{ groupId: '@TGS#1DEMO' }] })
    expect(plain).toBe('\uFEFFgroup,seq,time,sender,type,text,state,server\r\n')
  })

  it('JSON: every record keeps its TopicId, and the header carries the topics and their names', () => {
    const doc = JSON.parse(render('json')) as { export: ExportMeta; messages: ArchivedMessage[] }
    expect(doc.messages.map((m) => m.TopicId ?? null)).toEqual([null, general, general, releases])
    expect(doc.export.groups[0]!.topics).toEqual([{ topicId: general, name: 'General 综合' }, { topicId: releases }])
  })
})

describe("the app's export: the page sends a Community's topics with its groups", () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-export-topics-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const input: ExportStartInput = {
    format: 'md',
    query: '',
    groups: [{ groupId: G, name: 'Open Source', groupType: 'Community', topics: [{ topicId: general, name: 'General 综合' }, { topicId: releases }] }],
    timeZone: 'UTC',
    suggestedName: 'c.md'
  }

  it('through export.start as the renderer calls it, the file has "Group / Topic" headings', async () => {
    const target = join(dir, 'c.md')
    const host = new ExportHost({ version: 't', chooseDestination: async () => target })
    const started = (await host.start(input)) as Result<{ exportId: string }>
    if (!started.ok) throw new Error(started.error.message)
    await host.write(started.value.exportId, messages)
    await host.finish(started.value.exportId)
    expect(h2s(await readFile(target, 'utf8'))).toEqual([
      `Open Source (${G})`,
      `Open Source / General 综合 (${general})`,
      `Open Source / releases (${releases})`
    ])
  })

  it('the channel schema accepts topics and refuses a topic without an ID', () => {
    expect(parseInvokeArgs(channels.exportStart, [input]).ok).toBe(true)
    const bad = { ...input, groups: [{ groupId: G, topics: [{ topicId: '' }] }] }
    expect(parseInvokeArgs(channels.exportStart, [bad]).ok).toBe(false)
  })
})
