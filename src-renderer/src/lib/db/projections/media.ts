/**
 * The media a group's messages reference (issue 17 §3, the Media view and the image viewer's
 * previous/next), kept in step with the messages as they are written: one row per media object
 * of a message (shared/media/objects.ts mediaInMessage), an image's three sizes and a video with
 * its thumbnail on one row. What became of each object (kept, expired, failed…) is the host's
 * (media.lookup); this table says only what the messages declare.
 */
import type { Transaction } from 'dexie'
import Dexie from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { mediaInMessage, mediaKey, type MediaRef } from '@shared/media/objects'
import { deleteRange } from '../delete-range'
import { pages } from '../pager'
import type { Projection } from './projection'

/** Messages read per step of a rebuild. */
const PAGE = 2000

/** What the Media view shows an object as. */
export type MediaViewKind = 'image' | 'video' | 'voice' | 'file'

/** Where the Media view shows it: the grid (images, videos) or the list (files, voice messages). */
export type MediaShelf = 'grid' | 'list'

export interface MediaRow {
  gk: string
  seq: number
  /** The object's place among the message's objects (0, 1, …), in body order. */
  i: number
  /** MsgTimeStamp (Unix s). */
  t: number
  kind: MediaViewKind
  shelf: MediaShelf
  /**
   * The objects' keys (mediaKey), by role: an image's `original`, `large`, `thumb`; a video's
   * `video` and `thumb`; a file's `file`; a voice message's `sound`.
   */
  keys: Record<string, string>
  /** Declared width and height (an image's original or largest size, a video's thumbnail). */
  w: number | null
  h: number | null
  /** Declared size in bytes of the object itself (an image's original, a video's video). */
  bytes: number | null
  /** A file's name. */
  name: string | null
  /** A voice message's or video's length. */
  seconds: number | null
  /** ImageFormat, VideoFormat, as declared. */
  format: string | null
}

export type MediaRowKey = [string, number, number]

const SIZE_ORDER = ['original', 'large', 'thumb'] as const

/** The rows of one archived message (none when it has no media). */
export function mediaRows(gk: string, m: ArchivedMessage): MediaRow[] {
  const refs = mediaInMessage(m)
  if (refs.length === 0) return []
  // One object per element: an image's sizes and a video's thumbnail share the element's path.
  const byPath = new Map<string, MediaRef[]>()
  for (const r of refs) {
    const p = r.path.join('.')
    const list = byPath.get(p)
    if (list) list.push(r)
    else byPath.set(p, [r])
  }
  const seq = typeof m.MsgSeq === 'number' ? m.MsgSeq : 0
  const t = typeof m.MsgTimeStamp === 'number' ? m.MsgTimeStamp : 0
  const rows: MediaRow[] = []
  for (const list of byPath.values()) {
    const first = list[0]!
    const keys: Record<string, string> = {}
    let main: MediaRef = first
    let dims: MediaRef | undefined
    let kind: MediaViewKind
    switch (first.kind) {
      case 'image': {
        kind = 'image'
        for (const r of list) if (r.size) keys[r.size] = mediaKey(r)
        main = SIZE_ORDER.map((s) => list.find((r) => r.size === s)).find((r) => r) ?? first
        dims = main
        break
      }
      case 'video':
      case 'video-thumb': {
        kind = 'video'
        const video = list.find((r) => r.kind === 'video')
        const thumb = list.find((r) => r.kind === 'video-thumb')
        if (video) keys.video = mediaKey(video)
        if (thumb) keys.thumb = mediaKey(thumb)
        main = video ?? first
        dims = thumb
        break
      }
      case 'sound':
        kind = 'voice'
        keys.sound = mediaKey(first)
        break
      default:
        kind = 'file'
        keys.file = mediaKey(first)
    }
    rows.push({
      gk,
      seq,
      i: rows.length,
      t,
      kind,
      shelf: kind === 'image' || kind === 'video' ? 'grid' : 'list',
      keys,
      w: dims?.width ?? null,
      h: dims?.height ?? null,
      bytes: main.declaredBytes,
      name: main.fileName,
      seconds: main.seconds,
      format: main.format
    })
  }
  return rows
}

/** Every key of a row, each once. */
export function rowKeys(row: MediaRow): string[] {
  return [...new Set(Object.values(row.keys))]
}

/** The image row of message `seq` whose objects have one of these keys (an image element of that message), if any. */
export async function imageRowOf(gk: string, seq: number, keys: readonly string[], database: Dexie): Promise<MediaRow | undefined> {
  const rows = await database
    .table<MediaRow, MediaRowKey>('media')
    .where('[gk+seq+i]')
    .between([gk, seq, 0], [gk, seq, Number.MAX_SAFE_INTEGER], true, true)
    .toArray()
  return rows.find((r) => r.kind === 'image' && Object.values(r.keys).some((k) => keys.includes(k)))
}

/**
 * The image next to `row` in its group, newest first: the `older` one (→ in the viewer) or the
 * newer one (←); undefined at either end.
 */
export async function neighbourImage(row: Pick<MediaRow, 'gk' | 't' | 'seq' | 'i'>, older: boolean, database: Dexie): Promise<MediaRow | undefined> {
  const c = database.table<MediaRow, MediaRowKey>('media').where('[gk+kind+t+seq+i]')
  const at = [row.gk, 'image', row.t, row.seq, row.i]
  return older
    ? c.between([row.gk, 'image', -Infinity, -Infinity, -Infinity], at, true, false).last()
    : c.between(at, [row.gk, 'image', Infinity, Infinity, Infinity], false, true).first()
}

/** Where `row` stands among its group's images, newest first (1 = the newest), and how many there are. */
export async function countImages(row: Pick<MediaRow, 'gk' | 't' | 'seq' | 'i'>, database: Dexie): Promise<{ index: number; total: number }> {
  const c = () => database.table<MediaRow, MediaRowKey>('media').where('[gk+kind+t+seq+i]')
  const [newer, total] = await Promise.all([
    c().between([row.gk, 'image', row.t, row.seq, row.i], [row.gk, 'image', Infinity, Infinity, Infinity], false, true).count(),
    c().between([row.gk, 'image', -Infinity, -Infinity, -Infinity], [row.gk, 'image', Infinity, Infinity, Infinity]).count()
  ])
  return { index: newer + 1, total }
}

function table(tx: Transaction) {
  return tx.table<MediaRow, MediaRowKey>('media')
}

export const mediaProjection: Projection = {
  name: 'media',
  tables: ['media'],

  // Cost at ingest: nothing for a message without media; one range delete and one put for one with.
  async apply(tx, changes) {
    const media = table(tx)
    for (const g of changes) {
      const put: MediaRow[] = []
      for (const m of g.messages) {
        const before = m.before ? mediaInMessage(m.before).length : 0
        const after = mediaRows(g.gk, m.after)
        if (before === 0 && after.length === 0) continue
        if (before > 0) await deleteRange(tx, 'media', [g.gk, m.seq], [g.gk, m.seq, Dexie.maxKey])
        // The row is keyed by the stored seq, whatever the record says.
        for (const r of after) put.push({ ...r, seq: m.seq })
      }
      if (put.length) await media.bulkPut(put)
    }
  },

  /** Derives every group's rows from the archived messages (the schema upgrade to v7, app-db.ts). */
  async rebuild(tx) {
    const groups = tx.table<{ gk: string }, string>('groups')
    const messages = tx.table<{ gk: string; seq: number; raw: ArchivedMessage }, [string, number]>('messages')
    const media = table(tx)
    await media.clear()
    for (const gk of (await groups.toCollection().primaryKeys()) as string[]) {
      for await (const page of pages(messages, gk, { size: PAGE })) {
        const put: MediaRow[] = []
        for (const row of page) for (const r of mediaRows(gk, row.raw)) put.push({ ...r, seq: row.seq })
        if (put.length) await media.bulkPut(put)
      }
    }
  },

  // Every [gk, seq, i]: [gk] sorts before them all, [gk, maxKey] after.
  forget(tx, gk) {
    return deleteRange(tx, 'media', [gk], [gk, Dexie.maxKey])
  }
}
