/**
 * Renderers of the health report: a readable text summary and JSON. (HTML: render-html.ts.)
 * Pure code, shared by the CLI and the app.
 */
import type { SeqRange } from '../coverage'
import { withoutMessages, type ArchiveHealth, type GroupHealth, type SeqRuns } from './health'

/** "57–58, 233, 411 … and 3 more runs". */
export function formatRanges(ranges: readonly SeqRange[], max = 8): string {
  if (ranges.length === 0) return '—'
  const shown = ranges.slice(0, max).map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}–${hi}`))
  const rest = ranges.length - shown.length
  return shown.join(', ') + (rest > 0 ? ` … and ${rest} more run${rest === 1 ? '' : 's'}` : '')
}

/** Unix seconds → "2026-11-25 09:30 UTC". */
export function formatTime(sec: number | null): string {
  if (sec === null) return '—'
  return new Date(sec * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

/** ISO 8601 → "2026-11-25 09:30 UTC". */
export function formatIso(iso: string | null): string {
  if (!iso) return 'never'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

const n = (x: number): string => x.toLocaleString('en-US')

function runsLine(label: string, r: SeqRuns): string {
  return `  ${label.padEnd(20)} ${n(r.count).padStart(9)}   ${r.ranges.length ? formatRanges(r.ranges) : ''}`.trimEnd()
}

/** One line on the coverage of a group: "complete: seq 1–600" or what is missing. */
export function coverageSummary(g: GroupHealth): string {
  const c = g.coverage
  if (!c.known) {
    if (g.messages === 0) return 'no sync state and no messages'
    return `no sync state: seq ${g.firstSeq}–${g.lastSeq} archived${c.gaps.count ? `, ${n(c.gaps.count)} seqs without a line` : ''}`
  }
  const none = withoutMessages(g)
  if (none === 'never') return 'not synced yet'
  if (none === 'empty') return g.lastSyncAt ? `no messages on the server (checked ${formatIso(g.lastSyncAt)})` : 'no messages on the server'
  const span = `seq ${g.firstSeq ?? c.floor ?? '?'}–${c.top}`
  const purged = c.purged.count ? ` (history below seq ${g.firstSeq ?? c.top + 1} is gone from the server)` : ''
  if (c.complete) return `complete: ${span}${purged}`
  return `incomplete: ${span}, ${n(c.missing.count)} seqs not pulled yet in ${c.missing.ranges.length} gap${c.missing.ranges.length === 1 ? '' : 's'}`
}

/** " (2 with no messages on the server, 1 not synced yet)" after the complete groups, or ''. */
export function emptyGroupsNote(t: ArchiveHealth['totals']): string {
  const parts = [t.emptyGroups ? `${t.emptyGroups} with no messages on the server` : '', t.unsyncedGroups ? `${t.unsyncedGroups} not synced yet` : '']
  const note = parts.filter(Boolean).join(', ')
  return note ? ` (${note})` : ''
}

export function renderText(h: ArchiveHealth): string {
  const t = h.totals
  const out: string[] = []
  out.push(`Archive health — ${t.groups} group${t.groups === 1 ? '' : 's'}, ${n(t.messages)} messages (generated ${formatIso(h.generatedAt)})`)
  out.push(`  complete groups      ${t.completeGroups}/${t.groups}${emptyGroupsNote(t)}`)
  out.push(`  messages             ${n(t.messages)} (${n(t.withContent)} with content, ${n(t.system)} system)`)
  out.push(`  first / last message ${formatTime(t.firstTime)} / ${formatTime(t.lastTime)}`)
  out.push(`  last sync            ${formatIso(t.lastSyncAt)}`)
  out.push(`  holes (never sent)   ${n(t.holes)}`)
  if (t.purged) out.push(`  purged (gone)        ${n(t.purged)} seqs below the oldest message the server still holds`)
  out.push(`  not pulled yet       ${n(t.missing)}`)
  out.push(`  deleted              ${n(t.deleted)}`)
  out.push(`  expired              ${n(t.expired)}`)
  out.push(`  recalled             ${n(t.recalled)}`)
  out.push(`  removed later        ${n(t.removedLater)} (content kept in the archive)`)
  if (t.errors) out.push(`  sync errors          ${t.errors}`)
  for (const g of h.groups) {
    out.push('')
    out.push(`${g.groupId}: ${n(g.messages)} messages; ${coverageSummary(g)}`)
    out.push(`  first / last message ${formatTime(g.firstTime)} / ${formatTime(g.lastTime)}`)
    out.push(`  last sync            ${formatIso(g.lastSyncAt)}`)
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
    if (later.changed.count) out.push(runsLine('  changed since', later.changed))
    for (const e of g.errors) out.push(`  error: ${e.code !== undefined ? `${e.code} ` : ''}${e.message}${e.at ? ` (${formatIso(e.at)})` : ''}`)
  }
  return out.join('\n') + '\n'
}

export function renderJson(h: ArchiveHealth): string {
  return JSON.stringify(h, null, 2) + '\n'
}
