/**
 * The health report as one self-contained HTML file: no script, no network request (the CSP says
 * so), light and dark by the reader's system setting. Every string from the archive (group IDs,
 * error messages) goes through escapeHtml: a group ID is chosen by whoever created the group.
 */
import { groupLabel, type ArchiveHealth, type GroupHealth, type MediaHealth, type PeopleHealth, type SeqRuns } from './health'
import { formatCount } from '../format'
import { escapeHtml } from '../escape-html'
import {
  coverageSummary,
  peopleSummary,
  emptyGroupsNote,
  groupsAndTopics,
  mediaSummary,
  formatIso,
  formatRanges,
  formatTime,
  relayOnServerWords,
  reportZone,
  zoneSentence,
  type ReportOptions
} from './render'

const n = (x: number): string => formatCount(x, 'en')
/** Ranges listed per category in the HTML; the JSON report has them all. */
const maxRangesShown = 200

const css = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --card: #f5f7fa; --ok: #0f7b3d; --warn: #b44d12; --accent: #2563eb; }
@media (prefers-color-scheme: dark) { :root { --bg: #111827; --fg: #e5e7eb; --muted: #9ca3af; --line: #374151; --card: #1f2937; --ok: #4ade80; --warn: #fb923c; --accent: #60a5fa; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 8px; word-break: break-all; }
.muted { color: var(--muted); }
.ok { color: var(--ok); } .warn { color: var(--warn); }
table { border-collapse: collapse; width: 100%; margin: 12px 0; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
section.group { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 16px 0; }
.ranges { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-word; }
a { color: var(--accent); }
`

function row(label: string, r: SeqRuns): string {
  const cls = r.count ? 'num warn' : 'num'
  return `<tr><th>${escapeHtml(label)}</th><td class="${cls}">${n(r.count)}</td><td class="ranges">${r.count ? escapeHtml(formatRanges(r.ranges, maxRangesShown)) : ''}</td></tr>`
}

/** The media objects' line, marked when some are at risk or failed; '' when none are referenced. */
function mediaLine(m: MediaHealth): string {
  const text = mediaSummary(m)
  if (!text) return ''
  return `<p class="${m.pending || m.failed ? 'warn' : 'ok'}">Media: ${escapeHtml(text)}</p>`
}

function groupSection(g: GroupHealth, i: number, tz: string): string {
  const c = g.coverage
  const state = c.known ? (c.complete ? 'ok' : 'warn') : 'muted'
  const rows = [
    c.known ? row('Holes (seqs the server never sent)', c.holes) : row('Seqs without a line (no sync state)', c.gaps),
    c.known && c.purged.count ? row('Purged (below the oldest message the server holds)', c.purged) : '',
    c.known && c.missing.count ? row('Not pulled yet', c.missing) : '',
    row('Deleted (IsPlaceMsg 1)', g.deleted),
    row('Expired (oldest IsPlaceMsg 1 run)', g.expired),
    row('Recalled (IsPlaceMsg 2)', g.recalled),
    row('Deleted on the server since archived', g.removedLater.deleted),
    row('Recalled on the server since archived', g.removedLater.recalled),
    row('Edited on the server since archived (every version kept)', g.removedLater.changed),
    g.relayOnServer.count ? row("Forwarded chats kept on Tencent's server (not expandable: no server API reads them)", g.relayOnServer) : ''
  ].join('')
  const errors = g.errors.length
    ? `<ul class="warn">${g.errors.map((e) => `<li>${e.code !== undefined ? `${e.code} ` : ''}${escapeHtml(e.message)}${e.at ? ` <span class="muted">(${escapeHtml(formatIso(e.at, tz))})</span>` : ''}</li>`).join('')}</ul>`
    : ''
  return `<section class="group" id="g${i}">
<h2>${escapeHtml(groupLabel(g))}</h2>
<p class="${state}">${escapeHtml(coverageSummary(g, tz))}</p>
<p class="muted">${n(g.messages)} messages (${n(g.withContent)} with content, ${n(g.system)} system) · first ${escapeHtml(formatTime(g.firstTime, tz))} · last ${escapeHtml(formatTime(g.lastTime, tz))} · last sync ${escapeHtml(formatIso(g.lastSyncAt, tz))}</p>
<table><thead><tr><th>Seqs</th><th class="num">Count</th><th>Ranges</th></tr></thead><tbody>${rows}</tbody></table>${mediaLine(g.media)}${peopleLine(g.people)}${errors}
</section>`
}

/** Who sent the group's messages: counts, and the top senders by name with the account on hover. */
function peopleLine(p: PeopleHealth | undefined): string {
  if (!p) return ''
  const top = p.top
    .map(
      (t) =>
        (t.name && t.name !== t.account ? `<span title="${escapeHtml(t.account)}">${escapeHtml(t.name)}</span>` : escapeHtml(t.account)) + ` ${n(t.messages)}`
    )
    .join(', ')
  return `<p class="muted">People: ${escapeHtml(peopleSummary(p))}${top ? ` · top senders: ${top}` : ''}</p>`
}

export function renderHtml(h: ArchiveHealth, title = 'TIM Archive health report', opts: ReportOptions = {}): string {
  const tz = reportZone(opts)
  const t = h.totals
  const overview = h.groups
    .map(
      (g, i) =>
        `<tr><td><a href="#g${i}">${escapeHtml(groupLabel(g))}</a></td><td class="num">${n(g.messages)}</td><td class="${g.coverage.complete ? 'ok' : 'warn'}">${escapeHtml(coverageSummary(g, tz))}</td><td class="num">${n(g.coverage.holes.count)}</td><td class="num">${n(g.deleted.count)}</td><td class="num">${n(g.expired.count)}</td><td class="num">${n(g.recalled.count)}</td><td class="num">${n(g.removedLater.count)}</td><td>${escapeHtml(formatIso(g.lastSyncAt, tz))}</td></tr>`
    )
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">Generated ${escapeHtml(formatIso(h.generatedAt, tz))} · ${escapeHtml(groupsAndTopics(t))} · ${n(t.messages)} messages · ${t.completeGroups}/${t.groups} complete${escapeHtml(emptyGroupsNote(t))}${t.topics ? ` · ${t.completeTopics}/${t.topics} topics complete` : ''} · first message ${escapeHtml(formatTime(t.firstTime, tz))} · last ${escapeHtml(formatTime(t.lastTime, tz))} · last sync ${escapeHtml(formatIso(t.lastSyncAt, tz))}</p>
<p class="muted">${escapeHtml(zoneSentence(h, tz))}</p>${mediaLine(t.media)}${t.relayOnServer ? `<p class="warn">${n(t.relayOnServer)} ${escapeHtml(relayOnServerWords)}</p>` : ''}
<table>
<thead><tr><th>Group</th><th class="num">Messages</th><th>Coverage</th><th class="num">Holes</th><th class="num">Deleted</th><th class="num">Expired</th><th class="num">Recalled</th><th class="num">Removed later</th><th>Last sync</th></tr></thead>
<tbody>
${overview}
</tbody>
<tfoot><tr><th>All groups</th><td class="num">${n(t.messages)}</td><td>${t.completeGroups}/${t.groups} complete${escapeHtml(emptyGroupsNote(t))}${t.topics ? `; topics ${t.completeTopics}/${t.topics}` : ''}${t.missing ? `, ${n(t.missing)} seqs not pulled yet` : ''}</td><td class="num">${n(t.holes)}</td><td class="num">${n(t.deleted)}</td><td class="num">${n(t.expired)}</td><td class="num">${n(t.recalled)}</td><td class="num">${n(t.removedLater)}</td><td>${escapeHtml(formatIso(t.lastSyncAt, tz))}</td></tr></tfoot>
</table>
${h.groups.map((g, i) => groupSection(g, i, tz)).join('\n')}
</body>
</html>
`
}
