/**
 * Exports: one streaming writer per format, shared by the app and the CLI.
 *
 * A writer turns messages into text and never holds more than the chunk it is given:
 * `begin(meta)` returns the preamble, `write(chunk)` the text of those messages, `end()` the
 * postamble. The exporter (exporter.ts) puts that text into file sinks (file-sink.ts), rotates
 * partitions and always writes the postamble of a finished part.
 */
import type { ArchivedMessage } from '../shared/archive-record'

export const exportFormats = ['html', 'json', 'jsonl', 'csv', 'txt', 'md'] as const
export type ExportFormat = (typeof exportFormats)[number]

export const formatExtension: Record<ExportFormat, string> = {
  html: 'html',
  json: 'json',
  jsonl: 'jsonl',
  csv: 'csv',
  txt: 'txt',
  md: 'md'
}

export interface ExportGroup {
  groupId: string
  name?: string
}

/** What an export says about itself (the JSON export's `export` object; headers of the others). */
export interface ExportMeta {
  app: string
  version: string
  /** ISO 8601, UTC. */
  exportedAt: string
  /** The search query the messages matched ('' for all). */
  query: string
  groups: ExportGroup[]
  /** Inclusive lower and exclusive upper bounds, ISO 8601, when a date range was asked for. */
  after?: string
  before?: string
  /** The IANA time zone times are shown in ('UTC' by default in the CLI). */
  timeZone: string
  /** Set when the exporter knows the count up front (the CLI does: it indexes first). */
  count?: number
  /** Set on a partitioned export: this file's place among the parts. */
  part?: { index: number; label: string }
  /**
   * The name a sender had when a message was sent (issue 18 §1; `timeMs`: the message's time in ms),
   * or undefined when none is known: the readable formats show "name (account)". Not written to a
   * JSON export's metadata (a function).
   */
  names?: NamesLookup
}

/** A sender's name at a message's time (shared/people.ts nameAt over the archive's people). */
export type NamesLookup = (groupId: string, account: string, timeMs: number) => string | undefined

export interface ExportWriter {
  readonly format: ExportFormat
  begin(meta: ExportMeta): string
  write(messages: readonly ArchivedMessage[]): string
  end(): string
}

/** How an export is cut into several files. */
export type Split = { kind: 'count'; messages: number } | { kind: 'size'; bytes: number } | { kind: Period }

/** The calendar periods an export can be cut by, one file per period (in the export's time zone). */
export const splitPeriods = ['year', 'month', 'day'] as const
export type Period = (typeof splitPeriods)[number]

/** The period a split cuts by, or undefined for a split by count or size. */
export function splitPeriod(split: Split | undefined): Period | undefined {
  return split && split.kind !== 'count' && split.kind !== 'size' ? split.kind : undefined
}

/** Parses `count:N`, `size:MB`, `year`, `month` or `day`; a sentence for the user when it is none of them. */
export function parseSplit(s: string): Split | { error: string } {
  const m = /^(count|size):(\d+(?:\.\d+)?)$/i.exec(s.trim())
  if (m) {
    const n = Number(m[2])
    if (m[1]!.toLowerCase() === 'count') {
      if (!Number.isSafeInteger(n) || n < 1) return { error: `count:${m[2]} needs a whole number of messages of at least 1.` }
      return { kind: 'count', messages: n }
    }
    if (!(n > 0)) return { error: `size:${m[2]} needs a size in MB above 0.` }
    return { kind: 'size', bytes: Math.round(n * 1024 * 1024) }
  }
  const period = splitPeriods.find((p) => p === s.trim().toLowerCase())
  if (period) return { kind: period }
  return { error: `"${s}" is not a split: use count:N (messages per file), size:MB (megabytes per file), year, month or day.` }
}
