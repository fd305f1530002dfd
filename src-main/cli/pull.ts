import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { syncGroup, type ArchiveSink, type SyncProgress, type SyncResult } from '../archive/engine'
import type { Coverage } from '../shared/coverage'
import { JsonlArchive } from '../archive/jsonl-archive'
import { Semaphore } from '../archive/semaphore'
import { TimClient } from '../tim/client'
import { TimApiError } from '../tim/errors'
import { formatBytes, formatCount } from '../shared/format'
import { DEFAULT_LIMITS, type MediaLimits, type MediaOutcome } from '../media/outcome'
import { DEFAULT_CONCURRENCY } from '../media/queue'
import { makeFetchPolicy, normalizeHostPattern } from '../media/url-policy'
import { UsageError, credsFromEnv } from './env-creds'
import { ProgressReporter } from './progress'
import { MediaPull } from './pull-media'
import { ContextWriter, contextPathFor } from '../archive/context-file'
import { SenderIndex } from '../people/resolve'
import { pullGroupContext, contextSummary, type GroupContextResult } from './pull-context'

export const pullHelp = `tim-archive pull --group ID [--group ID ...] --out FILE.jsonl [options]
tim-archive pull (--group ID ... | --all-groups) --db postgres://USER@HOST/DB [options]

Pulls the full history of each group into one JSON Lines file, one line per message. Later runs
add only what is new; an interrupted run resumes where it stopped. A Community's topics (found
anew on every run) are pulled too, each with its own resume point; their lines carry "TopicId". Progress counts messages
fetched; the closing line splits them into new and already archived.
  --group ID         a group to archive (repeat for several)
  --out FILE         the archive file (created if missing); resume state is kept in FILE.state.json
  --db URL           instead of --out: the team archive in PostgreSQL (postgres://…; the password,
                     if any, from PGPASSWORD or ~/.pgpass rather than the URL). Same guarantees;
                     the schema is created or migrated first; each group is locked, and a group
                     another pull is busy with is skipped (said on stderr). People go to the
                     database, media outcomes too (with --media DIR)
  --all-groups       with --db: also every group of the app (get_appid_group_list), so a nightly
                     job archives new groups without anyone listing them
  --recheck          walk archived history again and record what the server has since deleted,
                     recalled or let expire (archived content is kept); with --media, also try
                     again media refused before (failed media is retried on every pull)
  --rate N           requests per second for this SDKAppID (default 200, the API's limit)
  --concurrency N    requests in flight across all groups (default 16)
  --timeout MS       per-request timeout (default 20000)
  --no-people        do not read the group's name, topics and people: by default, after each
                     group, its name and type, a Community's topics, the members' name cards and
                     the nicknames and avatars of members and past senders are appended (only
                     what changed, with when it was seen) to FILE.context.jsonl beside the archive

Media (images, files, voice messages, videos), off unless --media is given:
  --media DIR        keep the media of archived messages in DIR, each file named by its SHA-256;
                     every message line records its objects' outcomes under "_archive.media"
  --media-types LIST which kinds to keep: images,files,voice,video (default: all four)
  --media-video thumbnail|all
                     keep videos, or only their thumbnails (default all)
  --media-image-sizes LIST
                     which image sizes to keep: original,large,thumb (default: all three)
  --media-max-file MB
                     largest file kept, in MB of 1,048,576 bytes (default 100)
  --media-budget MB  the most the media folder may hold: a warning from 90%, and once it is
                     reached no new download starts (those objects stay "not kept yet" and are
                     fetched by a later pull with a larger budget); default none
  --media-allow-host HOST
                     also download from HOST (example.com, or *.example.com for its subdomains);
                     repeat for several. Tencent's COS and IM file hosts and the endpoint's host
                     are always allowed; private and loopback addresses never are
  --media-concurrency N
                     downloads in flight (default ${DEFAULT_CONCURRENCY})

Credentials come from the environment, never from the command line:
  TIM_SDKAPPID, TIM_IDENTIFIER (an app admin), TIM_SECRET_KEY or TIM_USERSIG,
  and one of TIM_REGION (china, singapore, seoul, tokyo, frankfurt, mumbai, silicon-valley,
  jakarta) or TIM_ENDPOINT (a custom base URL): there is no default region.

Exit status: 0 when every group is complete; 1 when any group failed (one line each on stderr,
naming the API error code and its meaning); 2 for usage errors.`

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${name} must be a positive integer, got "${v}".`)
  return Number(v)
}

export async function runPull(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      group: { type: 'string', multiple: true },
      out: { type: 'string' },
      recheck: { type: 'boolean' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'no-people': { type: 'boolean' },
      media: { type: 'string' },
      'media-types': { type: 'string' },
      'media-video': { type: 'string' },
      'media-max-file': { type: 'string' },
      'media-image-sizes': { type: 'string' },
      'media-budget': { type: 'string' },
      'media-allow-host': { type: 'string', multiple: true },
      'media-concurrency': { type: 'string' },
      db: { type: 'string' },
      'all-groups': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(pullHelp + '\n')
    return 0
  }
  // The team archive (issue 20): the same pull into PostgreSQL (pull-db.ts, loaded only then: a
  // pull to a file does not load the PostgreSQL client).
  if (values.db !== undefined) {
    if (values.out !== undefined) throw new UsageError('Give --out FILE.jsonl or --db URL, not both.')
    const { runPullDb } = await import('./pull-db')
    return runPullDb(
      {
        db: values.db,
        groups: values.group ?? [],
        allGroups: values['all-groups'] === true,
        recheck: values.recheck === true,
        rate: positiveInt('--rate', values.rate, 200),
        concurrency: positiveInt('--concurrency', values.concurrency, 16),
        timeoutMs: positiveInt('--timeout', values.timeout, 20_000),
        people: !values['no-people'],
        media: parseMediaFlags(values)
      },
      env
    )
  }
  if (values['all-groups']) throw new UsageError('--all-groups needs --db URL (the team archive).')
  const groups = [...new Set(values.group ?? [])]
  if (groups.length === 0) throw new UsageError('Give at least one --group ID.')
  if (!values.out) throw new UsageError('Give --out FILE.jsonl, the archive file to write.')
  const rate = positiveInt('--rate', values.rate, 200)
  const concurrency = positiveInt('--concurrency', values.concurrency, 16)
  const timeoutMs = positiveInt('--timeout', values.timeout, 20_000)
  const mediaFlags = parseMediaFlags(values)
  const creds = credsFromEnv(env, { needIdentifier: true, needEndpoint: true })
  const client = new TimClient(creds, { rate, timeoutMs })
  const out = resolve(values.out)

  const abort = new AbortController()
  const progress = new ProgressReporter(process.stderr, groups.length)
  let media: MediaPull | null = null
  if (mediaFlags) {
    media = await MediaPull.open({
      dir: mediaFlags.dir,
      // The API endpoint's host is allowed (and, when it is loopback, plain http to its own port):
      // that is how the simulator serves media.
      policy: makeFetchPolicy({ endpoint: client.baseUrl, extraHosts: mediaFlags.hosts }),
      limits: mediaFlags.limits,
      budgetBytes: mediaFlags.budgetBytes,
      recheck: values.recheck,
      concurrency: mediaFlags.concurrency,
      signal: abort.signal,
      onChange: () => progress.tick()
    })
    const m = media
    progress.showMedia(() => m.counts)
  }
  const people = !values['no-people']
  const senders = new SenderIndex()
  const mediaHooks = media?.hooks
  const hooks = people
    ? {
        onRecord: (rec: Parameters<SenderIndex['note']>[0]) => {
          senders.note(rec)
          mediaHooks?.onRecord?.(rec)
        },
        onAppend: (recs: Parameters<SenderIndex['note']>[0][]) => {
          for (const r of recs) senders.note(r)
          mediaHooks?.onAppend?.(recs)
        }
      }
    : mediaHooks
  const archive = await JsonlArchive.open(out, hooks).catch(async (e: unknown) => {
    await media?.close()
    throw e
  })
  // Downloads of what earlier runs left start now; each batch's start once it commits (hooks).
  media?.start(archive)
  const onSignal = () => abort.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const slots = new Semaphore(concurrency)
  const before = archive.messageCount()
  let results: PromiseSettledResult<SyncResult>[]
  const contexts = new Map<string, GroupContextResult>()
  const topicRuns = new Map<string, TopicRun[]>()
  const pullTopics = (groupId: string): Promise<TopicRun[]> =>
    pullCommunityTopics(groupId, {
      client,
      sink: archive,
      coverage: (topicId) => archive.coverage(groupId, topicId),
      recheck: values.recheck === true,
      slots,
      signal: abort.signal,
      onProgress: (p) => progress.update(p)
    })
  let context: ContextWriter | null = null
  try {
    // A context file that cannot be read is a warning: the messages are the archive.
    if (people) {
      context = await ContextWriter.open(contextPathFor(out)).catch((e: unknown) => {
        process.stderr.write(`${contextPathFor(out)}: not read (${e instanceof Error ? e.message : String(e)}); names are not saved this run.\n`)
        return null
      })
    }
    results = await Promise.allSettled(
      groups.map(async (groupId) => {
        const r = await syncGroup({
          source: client,
          groupId,
          sink: archive,
          coverage: archive.coverage(groupId),
          recheck: values.recheck,
          slots,
          signal: abort.signal,
          onProgress: (p) => progress.update(p)
        })
        // A Community's topics, each its own sync unit: its own seqs, coverage and resume state.
        topicRuns.set(groupId, await pullTopics(groupId))
        // The group's context once its messages are in (their senders known); its failures are notes, never the group's.
        if (context && !abort.signal.aborted) {
          contexts.set(
            groupId,
            await pullGroupContext(
              client,
              context,
              groupId,
              senders.senders(groupId),
              abort.signal,
              Date.now,
              media ? (g, u) => media?.keepAvatars(g, u) : undefined
            )
          )
        }
        return r
      })
    )
    // The sync is done; the media it referenced may still be downloading.
    await media?.drain()
    progress.finish()
    await archive.close()
    await media?.close()
  } catch (e) {
    await archive.abandon()
    await media?.close()
    throw e
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }

  let failed = 0
  for (const [i, r] of results.entries()) {
    const groupId = groups[i]!
    if (r.status === 'fulfilled' && r.value.complete) {
      process.stdout.write(`${groupId}: complete, ${formatCount(archive.messageCount(groupId), 'en')} messages archived\n`)
      for (const t of topicRuns.get(groupId) ?? []) {
        if (t.complete) process.stdout.write(`${t.topicId}: complete, ${formatCount(archive.messageCount(groupId, t.topicId), 'en')} messages archived\n`)
        else {
          failed++
          process.stderr.write(`FAILED ${t.topicId}: ${t.error ?? 'incomplete: the server ended the history early'}\n`)
        }
      }
      const c = contexts.get(groupId)
      if (c) {
        process.stdout.write(`${groupId}: ${contextSummary(c)}\n`)
        for (const w of c.warnings) process.stderr.write(`${groupId}: ${w}\n`)
      }
    } else {
      failed++
      const reason = r.status === 'rejected' ? describeFailure(r.reason) : 'incomplete: the server ended the history early'
      process.stderr.write(`FAILED ${groupId}: ${reason}\n`)
    }
  }
  const added = archive.messageCount() - before
  process.stdout.write(
    `${out}: ${pullSummary(progress.fetched, added, archive.changed)}; ${n(client.stats.requests)} requests (${n(client.stats.retries)} retried)\n`
  )
  if (media && mediaFlags) {
    process.stdout.write(`${mediaFlags.dir}: ${mediaSummary(media.byStatus, media.savedBytes, media.avatarsByStatus)}\n`)
    const budget = media.budget()
    if (budget.state !== 'ok' && mediaFlags.budgetBytes !== null) {
      const used = `${formatBytes(budget.usedBytes, 'en')} of the ${formatBytes(mediaFlags.budgetBytes, 'en')} media budget`
      process.stderr.write(
        budget.skipped > 0
          ? `Media budget reached: ${used} used; ${n(budget.skipped)} object${budget.skipped === 1 ? '' : 's'} not fetched (raise --media-budget to keep them).\n`
          : `Media budget nearly reached: ${used} used.\n`
      )
    }
  }
  if (abort.signal.aborted) {
    process.stderr.write('Interrupted: what was pulled is saved; run the same command to resume.\n')
    return 130
  }
  return failed > 0 ? 1 : 0
}

const n = (v: number): string => formatCount(v, 'en')

export interface TopicRun {
  topicId: string
  complete: boolean
  error?: string
}

/**
 * A Community's topics (get_topic), each pulled as a unit of its own (`pull --out` and `--db`).
 * A Community's ID starts with @TGS#_ (Tencent's group ID rules); only those can have topics.
 * get_topic answers a Community without topics enabled with an error: then there are none.
 */
export async function pullCommunityTopics(
  groupId: string,
  o: {
    client: TimClient
    sink: ArchiveSink
    coverage: (topicId: string) => Coverage | Promise<Coverage>
    recheck: boolean
    slots: Semaphore
    signal: AbortSignal
    onProgress: (p: SyncProgress) => void
  }
): Promise<TopicRun[]> {
  if (!groupId.startsWith('@TGS#_') || o.signal.aborted) return []
  let ids: string[]
  try {
    ids = (await o.client.getTopics(groupId, { signal: o.signal })).topics.map((t) => t.TopicId)
  } catch (e) {
    if (o.signal.aborted) throw e
    return []
  }
  return Promise.all(
    ids.map(async (topicId): Promise<TopicRun> => {
      try {
        const r = await syncGroup({
          source: o.client,
          groupId,
          topicId,
          sink: o.sink,
          coverage: await o.coverage(topicId),
          recheck: o.recheck,
          slots: o.slots,
          signal: o.signal,
          onProgress: o.onProgress
        })
        return { topicId, complete: r.complete }
      } catch (e) {
        if (o.signal.aborted) throw e
        return { topicId, complete: false, error: describeFailure(e) }
      }
    })
  )
}

const MEDIA_TYPES = ['images', 'files', 'voice', 'video'] as const
const IMAGE_SIZES = ['original', 'large', 'thumb'] as const

export interface MediaFlags {
  dir: string
  limits: MediaLimits
  /** --media-budget in bytes; null for none. */
  budgetBytes: number | null
  hosts: string[]
  concurrency: number
}

/** The --media flags, checked; null without --media (then no other media flag is accepted). */
export function parseMediaFlags(values: {
  media?: string
  'media-types'?: string
  'media-video'?: string
  'media-max-file'?: string
  'media-image-sizes'?: string
  'media-budget'?: string
  'media-allow-host'?: string[]
  'media-concurrency'?: string
}): MediaFlags | null {
  if (values.media === undefined) {
    const stray = (
      ['media-types', 'media-video', 'media-image-sizes', 'media-max-file', 'media-budget', 'media-allow-host', 'media-concurrency'] as const
    ).find((k) => values[k] !== undefined)
    if (stray) throw new UsageError(`--${stray} needs --media DIR, the folder to keep media in.`)
    return null
  }
  if (values.media.trim() === '') throw new UsageError('--media needs a folder, e.g. --media ./media.')
  const limits: MediaLimits = { ...DEFAULT_LIMITS, images: { ...DEFAULT_LIMITS.images } }
  if (values['media-types'] !== undefined) {
    const list = values['media-types']
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean)
    const bad = list.filter((t) => !(MEDIA_TYPES as readonly string[]).includes(t))
    if (bad.length || list.length === 0) {
      throw new UsageError(`--media-types takes a comma-separated list of ${MEDIA_TYPES.join(', ')}; got "${values['media-types']}".`)
    }
    const on = new Set(list)
    limits.images = { original: on.has('images'), large: on.has('images'), thumb: on.has('images') }
    limits.files = on.has('files')
    limits.voice = on.has('voice')
    limits.video = on.has('video') ? 'all' : 'off'
  }
  if (values['media-image-sizes'] !== undefined) {
    const list = values['media-image-sizes']
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean)
    const bad = list.filter((t) => !(IMAGE_SIZES as readonly string[]).includes(t))
    if (bad.length || list.length === 0) {
      throw new UsageError(`--media-image-sizes takes a comma-separated list of ${IMAGE_SIZES.join(', ')}; got "${values['media-image-sizes']}".`)
    }
    if (!limits.images.thumb && !limits.images.large && !limits.images.original) {
      throw new UsageError('--media-image-sizes has no effect when --media-types leaves out images.')
    }
    const on = new Set(list)
    limits.images = { original: on.has('original'), large: on.has('large'), thumb: on.has('thumb') }
  }
  if (values['media-video'] !== undefined) {
    const v = values['media-video'].trim().toLowerCase()
    if (v !== 'thumbnail' && v !== 'all') throw new UsageError(`--media-video takes thumbnail or all; got "${values['media-video']}".`)
    if (limits.video === 'off') throw new UsageError('--media-video has no effect when --media-types leaves out video.')
    limits.video = v
  }
  if (values['media-max-file'] !== undefined) {
    const raw = values['media-max-file'].trim()
    const mb = Number(raw)
    if (!/^\d+(\.\d+)?$/.test(raw) || !(mb > 0) || mb > 1024 * 1024) {
      throw new UsageError(`--media-max-file takes a size in MB greater than 0 (e.g. 100 or 2.5); got "${values['media-max-file']}".`)
    }
    limits.maxFileBytes = Math.max(1, Math.round(mb * 1024 * 1024))
  }
  let budgetBytes: number | null = null
  if (values['media-budget'] !== undefined) {
    const raw = values['media-budget'].trim()
    const mb = Number(raw)
    if (!/^\d+(\.\d+)?$/.test(raw) || !(mb > 0))
      throw new UsageError(`--media-budget takes a size in MB greater than 0 (e.g. 20000); got "${values['media-budget']}".`)
    budgetBytes = Math.max(1, Math.round(mb * 1024 * 1024))
  }
  const hosts: string[] = []
  for (const h of values['media-allow-host'] ?? []) {
    const p = normalizeHostPattern(h)
    if (!p) {
      throw new UsageError(`--media-allow-host takes a host name such as files.example.com or *.example.com (not "*" or a whole top-level domain); got "${h}".`)
    }
    hosts.push(p)
  }
  const concurrency = positiveInt('--media-concurrency', values['media-concurrency'], DEFAULT_CONCURRENCY)
  return { dir: resolve(values.media), limits, budgetBytes, hosts, concurrency }
}

/** "12 media objects saved (3.4 MB), 2 expired on the server, 1 refused, 1 failed (retried on the next pull)". */
export function mediaSummary(by: Record<MediaOutcome['status'], number>, savedBytes: number, avatars?: Record<MediaOutcome['status'], number>): string {
  const total = Object.values(by).reduce((a, b) => a + b, 0)
  const a = avatars ? avatarSummary(avatars) : ''
  if (total === 0) return a ? `no new media to keep; ${a}` : 'no new media to keep'
  const parts = [`${n(by.saved)} media object${by.saved === 1 ? '' : 's'} saved (${formatBytes(savedBytes, 'en')})`]
  if (by.expired) parts.push(`${n(by.expired)} expired on the server`)
  if (by.refused) parts.push(`${n(by.refused)} refused`)
  if (by['no-url']) parts.push(`${n(by['no-url'])} without a URL`)
  if (by.failed) parts.push(`${n(by.failed)} failed (tried again on the next pull)`)
  return a ? `${parts.join(', ')}; ${a}` : parts.join(', ')
}

/** "avatars: 12 saved, 1 failed" (issue 18 §1): the people's avatars, counted apart from the messages' media. */
function avatarSummary(by: Record<MediaOutcome['status'], number>): string {
  const parts: string[] = []
  if (by.saved) parts.push(`${n(by.saved)} saved`)
  if (by.expired) parts.push(`${n(by.expired)} expired`)
  if (by.refused) parts.push(`${n(by.refused)} refused`)
  if (by['no-url']) parts.push(`${n(by['no-url'])} without a URL`)
  if (by.failed) parts.push(`${n(by.failed)} failed`)
  return parts.length ? `avatars: ${parts.join(', ')}` : ''
}

/**
 * What a run did, in the same terms as the progress bar: the bar counts messages fetched (those
 * already archived included, e.g. on --recheck); this splits them, e.g.
 * "3,941 new messages, 100 already archived (4,041 fetched)".
 */
export function pullSummary(fetched: number, added: number, changed: number): string {
  const already = Math.max(0, fetched - added - changed)
  const parts = [`${n(added)} new message${added === 1 ? '' : 's'}`]
  if (changed) parts.push(`${n(changed)} updated with server-side changes`)
  parts.push(`${n(already)} already archived`)
  return `${parts.join(', ')} (${n(fetched)} fetched)`
}

export function describeFailure(e: unknown): string {
  if (e instanceof TimApiError) {
    // A name that does not resolve or a refused connection is a setting or a machine to fix, not
    // something to wait out (issue 15 item 7).
    if (e.unreachable) return `${e.message} — check TIM_REGION or TIM_ENDPOINT, and that this machine can reach that host`
    return e.message + (e.transient ? ' — a temporary problem: run again to resume' : '')
  }
  return e instanceof Error ? e.message : String(e)
}
