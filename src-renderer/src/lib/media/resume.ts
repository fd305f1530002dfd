/**
 * Media left behind (issue 17 §2): the host learns of media only from the batches a sync commits,
 * so an object whose download failed, or that was still queued when the app quit, would never be
 * fetched again. After the app starts and after each sync run ends, this walks the media projection
 * (db/projections/media.ts) of each group of the connected workspace, asks the host what became of
 * each object (media.lookup), and sends the messages whose objects are pending or failed back
 * (media.enqueue), in chunks. The host skips what is settled or already queued.
 *
 * What a walk found settled (saved, expired, refused, no URL) is remembered for the session, so
 * later walks look up only what was still open.
 */
import Dexie from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import { maxMediaEnqueueMessages, maxMediaLookupKeys, type MediaStatus } from '@shared/ipc/contract'
import { LIMITS } from '@shared/media/objects'
import { db as appDb, type AppDB } from '@renderer/lib/db/app-db'
import { groupIdOf } from '@renderer/lib/db/group-key'
import { rowKeys, type MediaRow } from '@renderer/lib/db/projections/media'

/** What a walk needs of the host (api.media; tests pass their own). */
export interface ResumeHost {
  lookup(groupId: string, keys: string[]): Promise<Record<string, MediaStatus>>
  enqueue(groupId: string, messages: ArchivedMessage[]): Promise<void>
}

export interface ResumeResult {
  /** Objects whose outcome was looked up. */
  looked: number
  /** Messages sent back to the host. */
  sent: number
}

/** Media rows read per step. */
const ROWS = 500
/** The most JSON one media.enqueue call carries (browser mode's requests are at most 1 MiB). */
const CHUNK_CHARS = 600_000

/** Objects of this session found settled, per group key: `seq:i`. */
const settled = new Map<string, Set<string>>()

function open(s: MediaStatus | undefined): boolean {
  return !s || s.status === 'pending' || s.status === 'failed'
}

/** A message as the host's media walk reads it: seq, time and body (at most the elements it reads). */
function forHost(raw: ArchivedMessage): ArchivedMessage {
  const body = Array.isArray(raw.MsgBody) ? raw.MsgBody.slice(0, LIMITS.elementsPerBody) : raw.MsgBody
  return { GroupId: raw.GroupId, MsgSeq: raw.MsgSeq, MsgTimeStamp: raw.MsgTimeStamp, MsgBody: body } as ArchivedMessage
}

/** One group's walk: rows in seq order, one lookup per chunk of keys, messages sent in chunks. */
async function resumeGroup(gk: string, host: ResumeHost, database: AppDB, out: ResumeResult, signal?: AbortSignal): Promise<void> {
  const groupId = groupIdOf(gk)
  let done = settled.get(gk)
  if (!done) settled.set(gk, (done = new Set()))
  let after: [string, number, number] | null = null
  const toSend: number[] = []
  const flush = async (all: boolean) => {
    while (toSend.length >= maxMediaEnqueueMessages || (all && toSend.length > 0)) {
      const seqs = toSend.splice(0, maxMediaEnqueueMessages)
      const rows = await database.messages.bulkGet(seqs.map((s) => [gk, s] as [string, number]))
      // Calls stay under CHUNK_CHARS of JSON too (browser mode takes 1 MiB per request).
      let chunk: ArchivedMessage[] = []
      let chars = 0
      for (const r of rows) {
        if (!r) continue
        const m = forHost(r.raw)
        const size = JSON.stringify(m).length
        if (size > CHUNK_CHARS) continue
        if (chars + size > CHUNK_CHARS) {
          await host.enqueue(groupId, chunk)
          out.sent += chunk.length
          chunk = []
          chars = 0
        }
        chunk.push(m)
        chars += size
      }
      if (chunk.length) await host.enqueue(groupId, chunk)
      out.sent += chunk.length
    }
  }
  for (;;) {
    if (signal?.aborted) return
    const lower: [string, number, number] | [string] = after ?? [gk]
    const page: MediaRow[] = await database.media
      .where('[gk+seq+i]')
      .between(lower, [gk, Dexie.maxKey], after === null, true)
      .limit(ROWS)
      .toArray()
    if (page.length === 0) break
    const last = page[page.length - 1]!
    after = [gk, last.seq, last.i]
    const rows = page.filter((r) => !done.has(`${r.seq}:${r.i}`))
    const keys = [...new Set(rows.flatMap(rowKeys))]
    const status: Record<string, MediaStatus> = {}
    for (let i = 0; i < keys.length; i += maxMediaLookupKeys) {
      const chunk = keys.slice(i, i + maxMediaLookupKeys)
      Object.assign(status, await host.lookup(groupId, chunk))
      out.looked += chunk.length
    }
    for (const r of rows) {
      if (rowKeys(r).some((k) => open(status[k]))) {
        if (toSend[toSend.length - 1] !== r.seq) toSend.push(r.seq)
      } else done.add(`${r.seq}:${r.i}`)
    }
    await flush(false)
    if (page.length < ROWS) break
  }
  await flush(true)
}

/**
 * Sends back to the host the messages of every group of `workspaceId` with media pending or
 * failed. A group's failure is logged and the walk goes on with the next.
 */
export async function resumeMedia(workspaceId: string, host: ResumeHost, database: AppDB = appDb, signal?: AbortSignal): Promise<ResumeResult> {
  const out: ResumeResult = { looked: 0, sent: 0 }
  const gks = (await database.groups.where('workspaceId').equals(workspaceId).primaryKeys()) as string[]
  for (const gk of gks) {
    if (signal?.aborted) break
    try {
      await resumeGroup(gk, host, database, out, signal)
    } catch (e) {
      console.warn('could not resume the media of a group', e)
    }
  }
  return out
}

/** Forgets what earlier walks found settled (tests). */
export function forgetSettled(): void {
  settled.clear()
}

/**
 * One walk at a time: a request while one runs runs once more after it (a sync that ended
 * during a walk may have left new media).
 */
export class MediaResumer {
  private running: Promise<void> | null = null
  private again = false

  constructor(
    private readonly host: () => ResumeHost,
    private readonly database: AppDB = appDb
  ) {}

  request(workspaceId: string | null): Promise<void> {
    if (!workspaceId) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          await resumeMedia(workspaceId, this.host(), this.database)
        } while (this.again)
      } catch (e) {
        console.warn('could not resume media', e)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }
}
