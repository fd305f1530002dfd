/**
 * HTML: one self-contained page (or one per part plus an index), readable offline.
 *
 * Safety, each part load-bearing:
 * - every piece of message content goes through escapeHtml (text nodes and quoted attributes
 *   only; nothing from a message is ever placed in a tag name, an unquoted attribute, a URL
 *   attribute other than a checked http(s) href, a style or a script);
 * - a Content-Security-Policy meta tag with default-src 'none' and the page's own script and style
 *   allowed by their SHA-256 hashes: were escaping ever wrong, an injected <script> or on*= handler
 *   still would not run, and no image, font, frame or fetch can load (the page makes no network
 *   request of any kind). Remove it and an escaping bug becomes script execution;
 * - links from messages are anchors only for http(s) URLs, with rel="noopener noreferrer" and
 *   referrer policy no-referrer; remote media (the COS URLs) are links, never fetched;
 * - kept media (export/media.ts), only when the export carries it: images, audio and video load
 *   from the export's own `media/` folder by relative paths the exporter wrote (`media/<sha>.<ext>`,
 *   never a value from a message), allowed by img-src/media-src 'self'; a self-contained page
 *   allows only img-src data: (its inlined thumbnails) and loads nothing else;
 * - the script reads message data through textContent and attributes only (no innerHTML).
 */
import { createHash } from 'node:crypto'
import type { ArchivedMessage } from '../shared/archive-record'
import { describeTimeZone, formatBytes, formatCount, formatDateTime, formatDay, formatIsoDateTime, formatTime } from '../shared/format'
import { describe, editNote, isoTime, safeHttpUrl, type MessageDoc, type Part } from './model'
import { escapeHtml } from '../shared/escape-html'
import { visibleControls } from './text-safety'
import type { ExportMeta, ExportWriter } from './types'
import { mayHoldTopics, senderNames, unitTitle, type SenderNames } from './names'
import { inlineImage, type MediaFile, type MediaLinks, type MediaMode } from './media'
import { chromiumPlays } from '../shared/media/sniff'

const css = `
:root{color-scheme:light;--bg:#fff;--fg:#1d1f23;--muted:#646a73;--line:#e3e5e8;--card:#f6f7f9;--accent:#2563eb;--warn:#b45309}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]){color-scheme:dark;--bg:#16181c;--fg:#e6e8eb;--muted:#9aa1ab;--line:#2c3036;--card:#1f2227;--accent:#7aa2ff;--warn:#f0b45a}}
:root[data-theme=dark]{color-scheme:dark;--bg:#16181c;--fg:#e6e8eb;--muted:#9aa1ab;--line:#2c3036;--card:#1f2227;--accent:#7aa2ff;--warn:#f0b45a}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif}
header.bar{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding:10px 16px;z-index:1}
h1{font-size:18px;margin:0 0 4px}
.meta{color:var(--muted);font-size:13px;margin:0 0 8px;overflow-wrap:anywhere}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.controls input,.controls select,.controls button{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg)}
.controls input[type=search]{flex:1 1 220px}
#shown{color:var(--muted);font-size:13px}
main{padding:8px 16px 40px;max-width:980px}
h2.g{font-size:16px;margin:24px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
h3.day{display:flex;align-items:center;gap:10px;font-size:13px;font-weight:600;color:var(--muted);margin:16px 0 4px}
h3.day::before,h3.day::after{content:"";flex:1;border-top:1px solid var(--line)}
.m{padding:6px 0;border-bottom:1px solid var(--line)}
[hidden]{display:none!important}
.h{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline;font-size:13px;color:var(--muted)}
.f{font-weight:600;color:var(--fg);unicode-bidi:isolate}
.t{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:isolate}
.e{display:inline-block;margin:2px 0;padding:2px 8px;border-radius:6px;background:var(--card);font-size:14px;overflow-wrap:anywhere;unicode-bidi:isolate}
.d{display:block;color:var(--muted);font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}
.s{font-size:12px;padding:0 6px;border-radius:4px;background:var(--card);color:var(--warn)}
.n{font-size:12px;color:var(--warn)}
details.r{margin:4px 0;padding:4px 8px;border-left:3px solid var(--line)}
details.r ol{margin:4px 0;padding-left:20px}
a{color:var(--accent)}
nav.parts{display:inline}nav.parts a{margin-right:12px}
.foot{padding:8px 16px 24px;color:var(--muted)}
table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left}
.k{display:block;margin:4px 0}
.mi{display:block;max-width:min(100%,360px);height:auto;border-radius:4px;background:var(--line)}
video.mi{max-width:min(100%,480px)}
`.trim()

const script = `
(function(){
var d=document,root=d.documentElement,arts=d.getElementsByClassName('m'),days=d.getElementsByClassName('day');
var q=d.getElementById('q'),fr=d.getElementById('from'),af=d.getElementById('after'),bf=d.getElementById('before'),shown=d.getElementById('shown'),tp=d.getElementById('topic'),gs=d.getElementsByClassName('g');
var texts=null,seen=Object.create(null),names=[],i;
for(i=0;i<arts.length;i++){var f=arts[i].getAttribute('data-f')||'';if(f&&!seen[f]){seen[f]=arts[i].getAttribute('data-n')||f;names.push(f)}else if(f&&arts[i].getAttribute('data-n'))seen[f]=arts[i].getAttribute('data-n')}
names.sort(function(x,y){return seen[x]<seen[y]?-1:seen[x]>seen[y]?1:0});
for(i=0;i<names.length;i++){var o=d.createElement('option');o.value=names[i];o.textContent=seen[names[i]]===names[i]?names[i]:seen[names[i]]+' ('+names[i]+')';fr.appendChild(o)}
if(tp){var tseen=Object.create(null);for(i=0;i<gs.length;i++){var tid=gs[i].getAttribute('data-t');if(tid&&!tseen[tid]){tseen[tid]=1;var to=d.createElement('option');to.value=tid;to.textContent=gs[i].textContent;tp.appendChild(to)}}}
function apply(){
var words=q.value.toLowerCase().split(/\\s+/).filter(Boolean),f=fr.value,a=af.value,b=bf.value,tv=tp?tp.value:'',n=0,k;
if(words.length&&!texts){texts=[];for(k=0;k<arts.length;k++)texts.push(arts[k].textContent.toLowerCase())}
for(k=0;k<arts.length;k++){var el=arts[k],dd=el.getAttribute('data-d')||'',ok=true;
if(f&&el.getAttribute('data-f')!==f)ok=false;else if(tv&&el.getAttribute('data-t')!==tv)ok=false;else if(a&&(!dd||dd<a))ok=false;else if(b&&(!dd||dd>b))ok=false;
else for(var w=0;w<words.length;w++){if(texts[k].indexOf(words[w])<0){ok=false;break}}
el.hidden=!ok;if(ok)n++}
for(k=0;k<days.length;k++){var e=days[k].nextElementSibling,any=false;
while(e&&e.classList.contains('m')){if(!e.hidden){any=true;break}e=e.nextElementSibling}
days[k].hidden=!any}
for(k=0;k<gs.length;k++){var ge=gs[k].nextElementSibling,gany=false;
while(ge&&!ge.classList.contains('g')){if(ge.classList.contains('m')&&!ge.hidden){gany=true;break}ge=ge.nextElementSibling}
gs[k].hidden=!gany}
shown.textContent=n.toLocaleString('en-US')+' of '+arts.length.toLocaleString('en-US')+' messages';
}
var timer;
q.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(apply,150)});
fr.addEventListener('change',apply);if(tp)tp.addEventListener('change',apply);af.addEventListener('change',apply);bf.addEventListener('change',apply);
d.getElementById('theme').addEventListener('click',function(){
var t=root.getAttribute('data-theme'),dark=t?t==='dark':matchMedia('(prefers-color-scheme: dark)').matches;
root.setAttribute('data-theme',dark?'light':'dark')});
apply();
})();
`.trim()

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64')
}

const scriptHash = sha256(script)
const styleHash = sha256(css)

/**
 * The page's policy: only this file's own script and style run. Without media nothing loads; with
 * a media folder images, audio and video load from the page's own place ('self': the relative
 * `media/` files); a self-contained page loads images only from data: URLs it carries.
 */
export function contentSecurityPolicy(withScript: boolean, media?: MediaMode): string {
  const loads = media === 'folder' ? ["img-src 'self'", "media-src 'self'"] : media === 'inline' ? ['img-src data:'] : ["img-src 'none'"]
  return [
    "default-src 'none'",
    withScript ? `script-src 'sha256-${scriptHash}'` : "script-src 'none'",
    `style-src 'sha256-${styleHash}'`,
    ...loads,
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ')
}

/** Untrusted text for HTML: invisible characters shown, then escaped. */
function h(s: string): string {
  return escapeHtml(visibleControls(s))
}

function anchor(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">${h(label)}</a>`
}

// http(s) URLs written in text, stopping at whitespace, controls, quotes and angle brackets.
const textUrl = /\bhttps?:\/\/[^\s\u0000-\u001f\u007f-\u009f<>"'`]+/gi

/** Message text with its http(s) URLs as safe anchors; everything else escaped text. */
function linkify(text: string): string {
  let out = ''
  let last = 0
  textUrl.lastIndex = 0
  for (let m = textUrl.exec(text); m; m = textUrl.exec(text)) {
    let url = m[0]
    // Sentence punctuation after a URL is not part of it.
    const trail = /[.,;:!?)\]}，。！？）]+$/.exec(url)
    if (trail) url = url.slice(0, -trail[0].length)
    const safe = safeHttpUrl(url)
    if (!safe) continue
    out += h(text.slice(last, m.index)) + anchor(safe, safe)
    last = m.index + url.length
    textUrl.lastIndex = last
  }
  return out + h(text.slice(last))
}

/** A kept file's own relative path, as an attribute value (the exporter wrote it: media/<hex>.<ext>). */
function local(f: MediaFile): string {
  return escapeHtml(f.path!.split('/').map(encodeURIComponent).join('/'))
}

function dims(f: MediaFile): string {
  return f.width && f.height ? ` width="${f.width}" height="${f.height}"` : ''
}

function sizeOf(f: MediaFile): string {
  return formatBytes(f.bytes, 'en')
}

/** A kept file that is neither copied nor inlined (a self-contained page): named, with its size. */
function named(what: string, f: MediaFile): string {
  return `<span class="k d">${h(what)} kept as ${escapeHtml(f.name)} (${sizeOf(f)}), not included in this file</span>`
}

function fileLink(f: MediaFile, label: string): string {
  const download = f.fileName ? ` download="${h(f.fileName)}"` : ''
  return `<a class="k" href="${local(f)}"${download}>${h(label)}</a>`
}

const bySize = (files: readonly MediaFile[], order: readonly (string | null)[]): MediaFile[] =>
  order.flatMap((s) => files.filter((f) => f.kind === 'image' && f.size === s))

/**
 * The kept copies of one element: an image's thumbnail inline (at its declared size) linking to
 * the largest copy; voice and video with players when Chromium plays their type; files as links
 * with their name and size. Every src and href is a path the exporter wrote or a data: URL it made.
 */
function keptHtml(files: readonly MediaFile[]): string {
  const out: string[] = []
  const images = files.filter((f) => f.kind === 'image')
  if (images.length) {
    const show = bySize(images, ['thumb', 'large', 'original']).find((f) => (f.path || f.dataUrl) && inlineImage(f.type))
    const full = bySize(images, ['original', 'large', 'thumb']).find((f) => f.path)
    const img = show ? `<img class="mi" src="${show.dataUrl ? escapeHtml(show.dataUrl) : local(show)}"${dims(show)} alt="image" loading="lazy">` : ''
    if (full)
      out.push(
        `<a class="k" href="${local(full)}" title="${escapeHtml(`${full.size ?? 'image'}, ${sizeOf(full)}`)}">${img || h(`kept image (${sizeOf(full)})`)}</a>`
      )
    else if (img) out.push(`<span class="k">${img}</span>`)
    else out.push(named('image', bySize(images, ['original', 'large', 'thumb'])[0]!))
  }
  const thumb = files.find((f) => f.kind === 'video-thumb')
  const video = files.find((f) => f.kind === 'video')
  if (video?.path) {
    const poster = thumb?.path && inlineImage(thumb.type) ? ` poster="${local(thumb)}"` : ''
    if (chromiumPlays(video.type) && video.type.startsWith('video/'))
      out.push(`<video class="mi k" controls preload="none" src="${local(video)}"${poster}${dims(thumb ?? video)}></video>`)
    else if (thumb?.path && inlineImage(thumb.type)) out.push(`<img class="mi k" src="${local(thumb)}"${dims(thumb)} alt="video thumbnail" loading="lazy">`)
    out.push(fileLink(video, `video file (${sizeOf(video)})`))
  } else {
    if (thumb?.dataUrl || (thumb?.path && inlineImage(thumb.type))) {
      out.push(`<img class="mi k" src="${thumb.dataUrl ? escapeHtml(thumb.dataUrl) : local(thumb)}"${dims(thumb)} alt="video thumbnail" loading="lazy">`)
    } else if (thumb) out.push(named('video thumbnail', thumb))
    if (video) out.push(named('video', video))
  }
  const sound = files.find((f) => f.kind === 'sound')
  if (sound?.path) {
    if (chromiumPlays(sound.type) && sound.type.startsWith('audio/')) out.push(`<audio class="k" controls preload="none" src="${local(sound)}"></audio>`)
    out.push(fileLink(sound, `voice file (${sizeOf(sound)})`))
  } else if (sound) out.push(named('voice', sound))
  const file = files.find((f) => f.kind === 'file')
  if (file?.path) out.push(fileLink(file, `${file.fileName ?? file.name} (${sizeOf(file)})`))
  else if (file) out.push(named(file.fileName ?? 'file', file))
  return out.join('')
}

function partHtml(p: Part, tz: string): string {
  switch (p.kind) {
    case 'text':
      return `<div class="t" dir="auto">${linkify(p.text)}</div>`
    case 'media':
      return `<div class="e" data-type="${escapeHtml(p.type)}">[${h(p.label)}]${p.url ? ' ' + anchor(p.url, 'open link') : ''}${p.data ? `<span class="d">${h(p.data)}</span>` : ''}${p.files ? keptHtml(p.files) : ''}</div>`
    case 'relay': {
      const items = p.items
        .map((i) => `<li><span class="f">${h(i.from)}</span> ${timeHtml(i.time, tz, 'long')} ${i.parts.map((x) => partHtml(x, tz)).join('')}</li>`)
        .join('')
      return `<details class="r"><summary>Forwarded: ${h(p.title)}${p.count !== undefined ? ` (${formatCount(p.count, 'en')} messages)` : ''}</summary>${items ? `<ol>${items}</ol>` : ''}${p.note ? `<div class="d">${h(p.note)}</div>` : ''}</details>`
    }
  }
}

/**
 * A time as the app shows it (shared/format.ts, English like the rest of the export), in the
 * export's zone, which the header names once: "10:00 AM" under its day's heading, or with the date
 * ("May 6, 2024, 10:00:00 AM") where no heading gives it. The ISO instant with its offset is in the
 * datetime attribute, the full date and time in the tooltip.
 */
function timeHtml(sec: number | undefined, tz: string, style: 'short' | 'long'): string {
  const iso = isoTime(sec, tz)
  if (!iso || sec === undefined) return ''
  const full = formatDateTime(sec, 'en', tz)
  return `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(full)}">${escapeHtml(style === 'short' ? formatTime(sec, 'en', tz) : full)}</time>`
}

/** The local calendar day of a message in the export's zone ('' without a usable time). */
function dayOf(d: MessageDoc, tz: string): string {
  return isoTime(d.time, tz).slice(0, 10)
}

function dayHeading(d: MessageDoc, tz: string): string {
  const day = dayOf(d, tz)
  return day && d.time !== undefined
    ? `<h3 class="day"><time datetime="${day}">${escapeHtml(formatDay(d.time, 'en', tz))}</time></h3>\n`
    : '<h3 class="day">No date</h3>\n'
}

/** The sender's kept avatar (issue 18 §1): a relative media/ path or a data: URL the exporter made, never a URL from the archive. */
function avatarHtml(f: MediaFile | undefined): string {
  const src = f?.path ?? f?.dataUrl
  // Sized by its attributes: the page's stylesheet (and so its CSP hash) is unchanged.
  return src ? `<img class="av" src="${escapeHtml(src)}" alt="" width="20" height="20" data-avatar>` : ''
}

function messageHtml(d: MessageDoc, tz: string, current?: string, avatar?: MediaFile): string {
  const iso = isoTime(d.time, tz)
  const state = d.state !== 'normal' ? ` <span class="s">${d.state}</span>` : ''
  let note = d.serverNote ? `<div class="n">${h(d.serverNote)}</div>` : ''
  // Edited on the server since archived (issue 18 §5): marked, with the original's text quoted below
  // (a plain blockquote: no style of its own, so the page's CSP hash is unchanged by it).
  const edited = d.edit ? ' <span class="s">edited</span>' : ''
  if (d.edit) {
    const original = d.edit.original.map((p) => partHtml(p, tz)).join('') || '(empty)'
    note += `<div class="n">${h(editNote(d.edit))}</div><blockquote><span class="n">Original:</span> ${original}</blockquote>`
  }
  let body = d.parts.map((p) => partHtml(p, tz)).join('')
  if (!body && (d.state === 'deleted' || d.state === 'recalled')) body = `<div class="e">[${d.state}]</div>`
  return (
    `<article class="m" data-f="${h(d.from)}"${current ? ` data-n="${h(current)}"` : ''}${d.topic ? ` data-t="${h(d.topic)}"` : ''} data-d="${iso.slice(0, 10)}">` +
    `<div class="h">${avatarHtml(avatar)}${d.fromName ? `<span class="f" title="${h(d.from)}">${h(d.fromName)}</span>` : `<span class="f">${h(d.from) || '(no sender)'}</span>`}${timeHtml(d.time, tz, 'short')}<span>#${d.seq ?? '?'}</span>${state}${edited}</div>` +
    `${body}${note}</article>\n`
  )
}

function head(title: string, withScript: boolean, media?: MediaMode): string {
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(withScript, media)}">\n` +
    '<meta name="referrer" content="no-referrer">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${h(title)}</title>\n<style>${css}</style>\n</head>\n`
  )
}

/** "Asia/Shanghai (UTC+08:00)": the export's zone, named once in each page's header. */
function zoneOf(meta: ExportMeta): string {
  const at = Date.parse(meta.exportedAt)
  return describeTimeZone(meta.timeZone, Number.isNaN(at) ? Date.now() / 1000 : at / 1000)
}

function metaLine(meta: ExportMeta): string {
  const bits = [
    `${meta.groups.length === 1 ? 'Group' : 'Groups'}: ${meta.groups.map((g) => unitTitle(meta, g.groupId)).join(', ')}`,
    meta.query ? `Query: ${meta.query}` : '',
    meta.after || meta.before ? `Dates: ${meta.after ?? '…'} to ${meta.before ?? '…'}` : '',
    `Times are in ${zoneOf(meta)}`,
    `Exported ${formatIsoDateTime(meta.exportedAt, 'en', meta.timeZone)} by ${meta.app} ${meta.version}`
  ].filter(Boolean)
  return h(bits.join(' · '))
}

export interface HtmlNav {
  index?: string
  prev?: string
  next?: string
}

export class HtmlWriter implements ExportWriter {
  readonly format = 'html' as const
  private meta!: ExportMeta
  private group: string | undefined
  private day: string | undefined
  private count = 0
  private names: SenderNames | undefined
  constructor(
    private readonly timeZone: string,
    private readonly nav: () => HtmlNav = () => ({}),
    private readonly media?: MediaLinks
  ) {}
  begin(meta: ExportMeta): string {
    this.meta = meta
    this.names = senderNames(meta.people)
    this.group = undefined
    this.day = undefined
    this.count = 0
    const title = meta.groups.length === 1 ? unitTitle(meta, meta.groups[0]!.groupId) : 'TIM Archive export'
    const part = meta.part ? ` — part ${meta.part.index}: ${meta.part.label}` : ''
    return (
      head(title + part, true, this.media?.mode) +
      '<body>\n<header class="bar">\n' +
      `<h1>${h(title)}${h(part)}</h1>\n<p class="meta">${metaLine(meta)}</p>\n` +
      '<div class="controls">' +
      '<input type="search" id="q" placeholder="Search these messages" aria-label="Search">' +
      '<select id="from" aria-label="Sender"><option value="">All senders</option></select>' +
      // A Community's topics (issue 18 §2): the script lists those the page holds.
      (mayHoldTopics(meta) ? '<select id="topic" aria-label="Topic"><option value="">All topics</option></select>' : '') +
      '<label>From <input type="date" id="after" aria-label="From date"></label>' +
      '<label>To <input type="date" id="before" aria-label="To date"></label>' +
      '<button type="button" id="theme">Light / dark</button><span id="shown"></span></div>\n' +
      '</header>\n<main id="log">\n'
    )
  }
  write(messages: readonly ArchivedMessage[]): string {
    let out = ''
    for (const m of messages) {
      const d = describe(m, this.timeZone, 'en', this.media, this.names)
      this.count++
      // A section per group, and per Community topic (issue 18 §2): "Group / Topic".
      const unit = d.topic ?? d.group
      if (unit !== this.group) {
        this.group = unit
        // A topic's heading carries its ID: the page's topic filter lists the topics from them.
        out += `<h2 class="g"${d.topic ? ` data-t="${h(d.topic)}"` : ''}>${h(unitTitle(this.meta, d.group, d.topic))}</h2>\n`
        this.day = undefined
      }
      // A heading per local day (in the export's zone), as the app's timeline has.
      const day = dayOf(d, this.timeZone)
      if (day !== this.day) {
        this.day = day
        out += dayHeading(d, this.timeZone)
      }
      // The sender filter lists each person by their current name (the account ID beside it).
      out += messageHtml(d, this.timeZone, d.fromName ? this.names?.(d.group, d.from, d.time)?.current : undefined, this.media?.avatarOf?.(m))
    }
    return out
  }
  end(): string {
    const nav = this.nav()
    const links = [
      nav.prev ? anchorLocal(nav.prev, '← previous part') : '',
      nav.index ? anchorLocal(nav.index, 'all parts') : '',
      nav.next ? anchorLocal(nav.next, 'next part →') : ''
    ].filter(Boolean)
    return (
      `</main>\n<footer class="foot">${formatCount(this.count, 'en')} messages${links.length ? `<nav class="parts"> · ${links.join(' ')}</nav>` : ''}</footer>\n` +
      `<script>${script}</script>\n</body>\n</html>\n`
    )
  }
}

/** A link to a sibling file of the export (a name the exporter chose: no scheme, no slash). */
function anchorLocal(name: string, label: string): string {
  return `<a href="${escapeHtml(encodeURIComponent(name))}">${escapeHtml(label)}</a>`
}

export interface IndexEntry {
  file: string
  label: string
  count: number
  first?: number
  last?: number
}

/** index.html of a partitioned HTML export: a table of the parts (no script at all). */
export function htmlIndex(meta: ExportMeta, parts: readonly IndexEntry[]): string {
  const title = meta.groups.length === 1 ? unitTitle(meta, meta.groups[0]!.groupId) : 'TIM Archive export'
  const rows = parts
    .map(
      (p) =>
        `<tr><td>${anchorLocal(p.file, p.label)}</td><td>${formatCount(p.count, 'en')}</td><td>${timeHtml(p.first, meta.timeZone, 'long')}</td><td>${timeHtml(p.last, meta.timeZone, 'long')}</td></tr>`
    )
    .join('\n')
  const total = parts.reduce((n, p) => n + p.count, 0)
  return (
    head(title, false) +
    `<body>\n<header class="bar"><h1>${h(title)}</h1><p class="meta">${metaLine(meta)}</p></header>\n<main>\n` +
    `<table><thead><tr><th>Part</th><th>Messages</th><th>First</th><th>Last</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>\n` +
    `<p>${formatCount(total, 'en')} messages in ${formatCount(parts.length, 'en')} parts</p>\n</main>\n</body>\n</html>\n`
  )
}
