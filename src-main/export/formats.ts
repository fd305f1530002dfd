/**
 * The plain writers: JSON, JSON Lines, CSV, TXT and Markdown. HTML is in html.ts.
 * Each returns text per call and keeps only counters between calls.
 */
import { stringify } from 'csv-stringify/sync'
import type { ArchivedMessage } from '../shared/archive-record'
import { formatCount } from '../shared/format'
import { describe, docText, senderLabel, editNote, isoTime, originalText, safeHttpUrl, stateLabel, partText, type MessageDoc, type Part } from './model'
import { inertCell, mdParagraph, mdText, visibleControls } from './text-safety'
import type { ExportFormatName } from '../shared/ipc/contract'
import type { MediaLinks } from './media'
import type { ExportFormat, ExportMeta, ExportWriter } from './types'
import { senderNames, topicName, mayHoldTopics, unitTitle, type SenderNames } from './names'

/**
 * The exporter's formats (types.ts) and the app's (shared/ipc/contract.ts, which the dialog offers
 * and the host's schema accepts) are one list: this fails to compile when they differ.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const exportFormatsAgree: Same<ExportFormat, ExportFormatName> = true

/** JSON Lines: exactly the lines `tim-archive pull` writes (JSON.stringify of the record). */
export class JsonlWriter implements ExportWriter {
  readonly format = 'jsonl' as const
  begin(): string {
    return ''
  }
  write(messages: readonly ArchivedMessage[]): string {
    let out = ''
    for (const m of messages) out += JSON.stringify(m) + '\n'
    return out
  }
  end(): string {
    return ''
  }
}

/**
 * JSON: `{"export": {…meta}, "messages": [ …records verbatim… ], "count": N}`, one record per line.
 * Lossless: the records are written as archived. `count` comes after the messages because a
 * stream does not know it up front (meta.count is there too when the caller knew it).
 */
export class JsonWriter implements ExportWriter {
  readonly format = 'json' as const
  private count = 0
  begin(meta: ExportMeta): string {
    this.count = 0
    return `{"export":${JSON.stringify({ format: 'tim-archive-export', ...meta })},\n"messages":[`
  }
  write(messages: readonly ArchivedMessage[]): string {
    let out = ''
    for (const m of messages) {
      out += (this.count++ === 0 ? '\n' : ',\n') + JSON.stringify(m)
    }
    return out
  }
  end(): string {
    return `${this.count ? '\n' : ''}],\n"count":${this.count}}\n`
  }
}

export const csvColumns = ['group', 'seq', 'time', 'sender', 'type', 'text', 'state', 'server'] as const
/** The column a CSV adds when the export knows people's names (an archive with a context file): the name at the message's time. */
export const csvNameColumn = 'sender_name'
/**
 * The columns a CSV adds when one of its groups is a Community (issue 18 §2): the line's TopicId
 * ('' for the group's own messages) and the topic's name when the export knows it.
 */
export const csvTopicColumns = ['topic', 'topic_name'] as const

/**
 * CSV by RFC 4180 (csv-stringify does the quoting: quotes doubled, cells with commas, quotes or
 * line breaks quoted; CRLF between records), with a UTF-8 BOM so Excel reads it as UTF-8, and
 * every cell made inert first (inertCell: no cell can start a formula).
 */
export class CsvWriter implements ExportWriter {
  readonly format = 'csv' as const
  constructor(
    private readonly timeZone: string,
    private readonly media?: MediaLinks
  ) {}
  private rows(rows: string[][]): string {
    // Cells made inert before stringify rather than through its cast hook: same result, and the
    // hook costs about a fifth of the CSV writer's time.
    return stringify(
      rows.map((r) => r.map(inertCell)),
      { record_delimiter: 'windows' }
    )
  }
  private names: SenderNames | undefined
  private meta: ExportMeta | undefined
  private topics = false
  begin(meta?: ExportMeta): string {
    this.meta = meta
    this.names = senderNames(meta?.people)
    this.topics = meta ? mayHoldTopics(meta) : false
    return '\uFEFF' + this.rows([[...csvColumns, ...(this.topics ? csvTopicColumns : []), ...(this.names ? [csvNameColumn] : [])]])
  }
  write(messages: readonly ArchivedMessage[]): string {
    const rows: string[][] = []
    for (const m of messages) {
      const d = describe(m, this.timeZone, 'iso', this.media, this.names)
      rows.push([
        d.group,
        d.seq === undefined ? '' : String(d.seq),
        isoTime(d.time, this.timeZone),
        d.from,
        d.types.join(' '),
        docText(d, this.timeZone),
        stateLabel(d.state),
        serverColumn(d, this.timeZone),
        ...(this.topics ? [d.topic ?? '', d.topic && this.meta ? topicName(this.meta, d.group, d.topic) : ''] : []),
        ...(this.names ? [d.fromName ?? ''] : [])
      ])
    }
    return rows.length ? this.rows(rows) : ''
  }
  end(): string {
    return ''
  }
}

/**
 * The CSV's `server` cell: what the server did since the message was archived, and for a message
 * edited since (issue 18 §5) the original's text, so the sheet shows both the current and the original.
 */
function serverColumn(d: MessageDoc, tz: string): string {
  const edit = d.edit ? `${editNote(d.edit)}; original: ${originalText(d.edit, tz)}` : ''
  return [d.serverNote ?? '', edit].filter(Boolean).join('; ')
}

function metaLines(meta: ExportMeta): string[] {
  const lines = [`Groups: ${meta.groups.map((g) => unitTitle(meta, g.groupId)).join(', ') || '(none)'}`, `Query: ${meta.query || '(all messages)'}`]
  if (meta.after || meta.before) lines.push(`Dates: ${meta.after ?? '…'} to ${meta.before ?? '…'}`)
  lines.push(`Time zone: ${meta.timeZone}`, `Exported: ${meta.exportedAt} by ${meta.app} ${meta.version}`)
  if (meta.part) lines.push(`Part ${meta.part.index}: ${meta.part.label}`)
  return lines
}

/** Plain text: a header, then one block per message; invisible characters shown as escapes. */
export class TxtWriter implements ExportWriter {
  readonly format = 'txt' as const
  private group: string | undefined
  private meta!: ExportMeta
  private names: SenderNames | undefined
  private count = 0
  constructor(
    private readonly timeZone: string,
    private readonly media?: MediaLinks
  ) {}
  begin(meta: ExportMeta): string {
    this.meta = meta
    this.names = senderNames(meta.people)
    this.group = undefined
    this.count = 0
    return ['TIM Archive export', ...metaLines(meta).map(visibleControls), ''].join('\n') + '\n'
  }
  write(messages: readonly ArchivedMessage[]): string {
    let out = ''
    for (const m of messages) {
      const d = describe(m, this.timeZone, 'iso', this.media, this.names)
      this.count++
      // A section per group, and per Community topic (issue 18 §2): "Group / Topic".
      const unit = d.topic ?? d.group
      if (unit !== this.group) {
        this.group = unit
        out += `\n=== ${visibleControls(unitTitle(this.meta, d.group, d.topic))} ===\n\n`
      }
      const flags = [d.state !== 'normal' ? d.state : '', d.serverNote ?? '', d.edit ? editNote(d.edit) : ''].filter(Boolean)
      const head = `[${isoTime(d.time, this.timeZone) || 'no time'}] ${visibleControls(senderLabel(d)) || '(no sender)'} #${d.seq ?? '?'}${flags.length ? ` (${visibleControls(flags.join('; '))})` : ''}:`
      const body = visibleControls(docText(d, this.timeZone))
      out += body.includes('\n') ? `${head}\n    ${body.replace(/\n/g, '\n    ')}\n` : `${head} ${body}\n`
      // Edited since archived (issue 18 §5): the original under the current text.
      if (d.edit) out += `    original: ${visibleControls(originalText(d.edit, this.timeZone)).replace(/\n/g, '\n    ')}\n`
    }
    return out
  }
  end(): string {
    return `\n${formatCount(this.count, 'en')} messages\n`
  }
}

const linkable = (url: string): boolean => safeHttpUrl(url) !== undefined

/**
 * Markdown (CommonMark, read the same by GFM renderers). Everything that came from a message (text,
 * names, file names, URLs) is escaped text (text-safety.ts: mdText, mdParagraph), so no content can
 * become a heading, emphasis, an image, raw HTML or a link, except its http(s) URLs, which become
 * autolinks: `[x](javascript:…)` stays those characters, `https://…` stays a working link. Only the
 * writer's own structure (headings, bullets, the bold sender) is markup.
 */
export class MarkdownWriter implements ExportWriter {
  readonly format = 'md' as const
  private group: string | undefined
  private meta!: ExportMeta
  private names: SenderNames | undefined
  private count = 0
  constructor(
    private readonly timeZone: string,
    private readonly media?: MediaLinks
  ) {}
  begin(meta: ExportMeta): string {
    this.meta = meta
    this.names = senderNames(meta.people)
    this.group = undefined
    this.count = 0
    const lines = metaLines(meta).map((l) => {
      const i = l.indexOf(': ')
      return `- ${l.slice(0, i)}: ${mdText(l.slice(i + 2))}`
    })
    return ['# TIM Archive export', '', ...lines, ''].join('\n') + '\n'
  }
  private parts(parts: Part[]): string {
    const out: string[] = []
    for (const p of parts) {
      const text = partText(p, '', this.timeZone)
      if (text.trim() === '') continue
      out.push(mdParagraph(text, linkable))
    }
    return out.join('\n\n')
  }
  private message(d: MessageDoc): string {
    const flags = [d.state !== 'normal' ? `*${d.state}*` : '', d.serverNote ? mdText(d.serverNote) : '', d.edit ? mdText(editNote(d.edit)) : ''].filter(Boolean)
    // Trimmed: a closing ** after a space would not close the emphasis.
    const from = senderLabel(d).trim()
    const head = `**${from === '' ? '(no sender)' : mdText(from)}** · ${isoTime(d.time, this.timeZone) || 'no time'} · #${d.seq ?? '?'}${flags.length ? ' · ' + flags.join(' · ') : ''}`
    const body = this.parts(d.parts) || (d.state === 'deleted' || d.state === 'recalled' ? `*(${d.state})*` : '')
    // Edited since archived (issue 18 §5): the original, as a quote under the current text.
    const original = d.edit ? `> *Original:*\n>\n${(this.parts(d.edit.original) || '(empty)').replace(/^/gm, '> ')}\n\n` : ''
    return `${head}\n\n${body ? body + '\n\n' : ''}${original}`
  }
  write(messages: readonly ArchivedMessage[]): string {
    let out = ''
    for (const m of messages) {
      const d = describe(m, this.timeZone, 'iso', this.media, this.names)
      this.count++
      // A section per group, and per Community topic (issue 18 §2): "Group / Topic".
      const unit = d.topic ?? d.group
      if (unit !== this.group) {
        this.group = unit
        out += `## ${mdText(unitTitle(this.meta, d.group, d.topic))}\n\n`
      }
      out += this.message(d)
    }
    return out
  }
  end(): string {
    return `---\n\n${formatCount(this.count, 'en')} messages\n`
  }
}
