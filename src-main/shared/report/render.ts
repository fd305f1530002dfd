/**
 * Renderers of the health report: a readable text summary and JSON. (HTML: render-html.ts.)
 * Pure code, shared by the CLI and the app.
 */
import type { SeqRange } from '../coverage'
import { describeTimeZone, formatBytes, formatCount, formatDateTime, formatIsoDateTime, formatSeqRange, formatSeqRanges, localTimeZone } from '../format'
import { groupLabel, personLabel, withoutMessages, type ArchiveHealth, type GroupHealth, type MediaHealth, type PeopleHealth, type SeqRuns } from './health'

/** How a report writes times: in this IANA zone (default: the local one), named once at the top. */
export interface ReportOptions {
  timeZone?: string
}

/** "57–58, 233, 411 … and 3 more runs" (seqs with grouping, as everywhere: shared/format). */
export function formatRanges(ranges: readonly SeqRange[], max = 8): string {
  if (ranges.length === 0) return '—'
  const { text, rest } = formatSeqRanges(ranges, 'en', max)
  return text + (rest > 0 ? ` … and ${rest} more run${rest === 1 ? '' : 's'}` : '')
}

/** Unix seconds → "Nov 25, 2026, 5:30:00 PM" in the report's zone. */
export function formatTime(sec: number | null, timeZone?: string): string {
  if (sec === null) return '—'
  return formatDateTime(sec, 'en', timeZone)
}

/** ISO 8601 → "Nov 25, 2026, 5:30:00 PM" in the report's zone. */
export function formatIso(iso: string | null, timeZone?: string): string {
  if (!iso) return 'never'
  return formatIsoDateTime(iso, 'en', timeZone)
}

/** "Times are in Asia/Shanghai (UTC+08:00)": the one place a report names its zone. */
export function zoneSentence(h: ArchiveHealth, timeZone: string): string {
  const at = Date.parse(h.generatedAt)
  return `Times are in ${describeTimeZone(timeZone, Number.isNaN(at) ? 0 : at / 1000)}`
}

export function reportZone(opts: ReportOptions): string {
  return opts.timeZone ?? localTimeZone()
}

const n = (x: number): string => formatCount(x, 'en')
const seqs = (lo: number | null | undefined, hi: number | null | undefined): string =>
  typeof lo === 'number' && typeof hi === 'number' ? formatSeqRange(lo, hi, 'en') : `${lo ?? '?'}–${hi ?? '?'}`

function runsLine(label: string, r: SeqRuns): string {
  return `  ${label.padEnd(20)} ${n(r.count).padStart(9)}   ${r.ranges.length ? formatRanges(r.ranges) : ''}`.trimEnd()
}

/** One line on the coverage of a group: "complete: seq 1–600" or what is missing. */
export function coverageSummary(g: GroupHealth, timeZone?: string): string {
  const c = g.coverage
  if (!c.known) {
    if (g.messages === 0) return 'no sync state and no messages'
    return `no sync state: seq ${seqs(g.firstSeq, g.lastSeq)} archived${c.gaps.count ? `, ${n(c.gaps.count)} seqs without a line` : ''}`
  }
  const none = withoutMessages(g)
  if (none === 'never') return 'not synced yet'
  if (none === 'empty') return g.lastSyncAt ? `no messages on the server (checked ${formatIso(g.lastSyncAt, timeZone)})` : 'no messages on the server'
  const span = `seq ${seqs(g.firstSeq ?? c.floor, c.top)}`
  const purged = c.purged.count ? ` (history below seq ${n(g.firstSeq ?? c.top + 1)} is gone from the server)` : ''
  if (c.complete) return `complete: ${span}${purged}`
  return `incomplete: ${span}, ${n(c.missing.count)} seqs not pulled yet in ${c.missing.ranges.length} gap${c.missing.ranges.length === 1 ? '' : 's'}`
}

/**
 * "52 objects: 38 saved (115 MB), 3 expired before they were saved, 3 refused, 3 failed, 5 without a
 * URL, 0 not kept yet", or null when the messages reference none.
 */
export function mediaSummary(m: MediaHealth): string | null {
  if (m.referenced === 0) return null
  const parts = [
    `${n(m.saved)} saved (${formatBytes(m.bytes, 'en')})`,
    m.expired ? `${n(m.expired)} expired before they were saved` : '',
    m.refused ? `${n(m.refused)} refused` : '',
    m.failed ? `${n(m.failed)} failed (tried again on the next pull)` : '',
    m.noUrl ? `${n(m.noUrl)} without a URL (old SDK)` : '',
    m.pending ? `${n(m.pending)} not kept yet (at risk of expiring with the history)` : ''
  ]
  return `${n(m.referenced)} object${m.referenced === 1 ? '' : 's'}: ${parts.filter(Boolean).join(', ')}`
}

/** "3 groups" or "1 group, 3 topics": a Community's topics are counted apart from the groups. */
export function groupsAndTopics(t: Pick<ArchiveHealth['totals'], 'groups' | 'topics'>): string {
  const groups = `${n(t.groups)} group${t.groups === 1 ? '' : 's'}`
  return t.topics ? `${groups}, ${n(t.topics)} topic${t.topics === 1 ? '' : 's'}` : groups
}

/** " (2 with no messages on the server, 1 not synced yet)" after the complete groups, or ''. */
export function emptyGroupsNote(t: ArchiveHealth['totals']): string {
  const parts = [t.emptyGroups ? `${n(t.emptyGroups)} with no messages on the server` : '', t.unsyncedGroups ? `${n(t.unsyncedGroups)} not synced yet` : '']
  const note = parts.filter(Boolean).join(', ')
  return note ? ` (${note})` : ''
}

/** What the forwarded-chats-on-the-server count means, after the count. */
export const relayOnServerWords =
  "forwarded chats not expandable: their messages are kept on Tencent's server under a key, and Tencent offers no server API to read them (title and summary archived)"

export function renderText(h: ArchiveHealth, opts: ReportOptions = {}): string {
  const tz = reportZone(opts)
  const at = (iso: string | null): string => formatIso(iso, tz)
  const time = (sec: number | null): string => formatTime(sec, tz)
  const t = h.totals
  const out: string[] = []
  out.push(`Archive health — ${groupsAndTopics(t)}, ${n(t.messages)} messages (generated ${at(h.generatedAt)})`)
  out.push(`  ${zoneSentence(h, tz)}`)
  out.push(`  complete groups      ${t.completeGroups}/${t.groups}${emptyGroupsNote(t)}`)
  if (t.topics) out.push(`  complete topics      ${t.completeTopics}/${t.topics}`)
  out.push(`  messages             ${n(t.messages)} (${n(t.withContent)} with content, ${n(t.system)} system)`)
  out.push(`  first / last message ${time(t.firstTime)} / ${time(t.lastTime)}`)
  out.push(`  last sync            ${at(t.lastSyncAt)}`)
  out.push(`  holes (never sent)   ${n(t.holes)}`)
  if (t.purged) out.push(`  purged (gone)        ${n(t.purged)} seqs below the oldest message the server still holds`)
  out.push(`  not pulled yet       ${n(t.missing)}`)
  out.push(`  deleted              ${n(t.deleted)}`)
  out.push(`  expired              ${n(t.expired)}`)
  out.push(`  recalled             ${n(t.recalled)}`)
  out.push(`  removed later        ${n(t.removedLater)} (content kept in the archive)`)
  if (t.relayOnServer) out.push(`  forwarded, on server ${n(t.relayOnServer)} ${relayOnServerWords}`)
  if (t.errors) out.push(`  sync errors          ${t.errors}`)
  const media = mediaSummary(t.media)
  if (media) out.push(`  media                ${media}`)
  for (const g of h.groups) {
    out.push('')
    out.push(`${groupLabel(g)}: ${n(g.messages)} messages; ${coverageSummary(g, tz)}`)
    out.push(`  first / last message ${time(g.firstTime)} / ${time(g.lastTime)}`)
    out.push(`  last sync            ${at(g.lastSyncAt)}`)
    out.push(`  system messages      ${n(g.system).padStart(9)}`)
    if (g.coverage.known) {
      out.push(runsLine('holes (never sent)', g.coverage.holes))
      if (g.coverage.purged.count) out.push(runsLine('purged (gone)', g.coverage.purged))
      if (g.coverage.missing.count) out.push(runsLine('not pulled yet', g.coverage.missing))
    } else if (g.coverage.gaps.count) {
      out.push(runsLine('seqs without a line', g.coverage.gaps))
    }
    out.push(runsLine('deleted', g.deleted))
    out.push(runsLine('expired', g.expired))
    out.push(runsLine('recalled', g.recalled))
    const later = g.removedLater
    out.push(runsLine('removed later', { count: later.count, ranges: [] }))
    if (later.deleted.count) out.push(runsLine('  deleted since', later.deleted))
    if (later.recalled.count) out.push(runsLine('  recalled since', later.recalled))
    if (later.changed.count) out.push(runsLine('  edited since', later.changed))
    if (g.relayOnServer.count) out.push(runsLine('forwarded, on server', g.relayOnServer))
    const groupMedia = mediaSummary(g.media)
    if (groupMedia) out.push(`  media                ${groupMedia}`)
    if (g.people) {
      out.push(`  people               ${peopleSummary(g.people)}`)
      if (g.people.top.length) out.push(`  top senders          ${g.people.top.map((p) => `${personLabel(p.account, p.name)} ${n(p.messages)}`).join(', ')}`)
    }
    for (const e of g.errors) out.push(`  error: ${e.code !== undefined ? `${e.code} ` : ''}${e.message}${e.at ? ` (${at(e.at)})` : ''}`)
  }
  return out.join('\n') + '\n'
}

export function renderJson(h: ArchiveHealth): string {
  return JSON.stringify(h, null, 2) + '\n'
}

/** "5 senders, 5 named (1 no longer a member)". */
export function peopleSummary(p: PeopleHealth): string {
  const n = (v: number): string => formatCount(v, 'en')
  return `${n(p.senders)} sender${p.senders === 1 ? '' : 's'}, ${n(p.named)} named${p.formerMembers ? ` (${n(p.formerMembers)} no longer a member)` : ''}`
}
