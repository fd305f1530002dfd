import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { syncGroup, type SyncResult } from '../archive/engine'
import { JsonlArchive } from '../archive/jsonl-archive'
import { Semaphore } from '../archive/semaphore'
import { TimClient } from '../tim/client'
import { TimApiError } from '../tim/errors'
import { formatCount } from '../shared/format'
import { UsageError, credsFromEnv } from './env-creds'
import { ProgressReporter } from './progress'

export const pullHelp = `tim-archive pull --group ID [--group ID ...] --out FILE.jsonl [options]

Pulls the full history of each group into one JSON Lines file, one line per message. Later runs
add only what is new; an interrupted run resumes where it stopped. Progress counts messages
fetched; the closing line splits them into new and already archived.
  --group ID         a group to archive (repeat for several)
  --out FILE         the archive file (created if missing); resume state is kept in FILE.state.json
  --recheck          walk archived history again and record what the server has since deleted,
                     recalled or let expire (archived content is kept)
  --rate N           requests per second for this SDKAppID (default 200, the API's limit)
  --concurrency N    requests in flight across all groups (default 16)
  --timeout MS       per-request timeout (default 20000)

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
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(pullHelp + '\n')
    return 0
  }
  const groups = [...new Set(values.group ?? [])]
  if (groups.length === 0) throw new UsageError('Give at least one --group ID.')
  if (!values.out) throw new UsageError('Give --out FILE.jsonl, the archive file to write.')
  const rate = positiveInt('--rate', values.rate, 200)
  const concurrency = positiveInt('--concurrency', values.concurrency, 16)
  const timeoutMs = positiveInt('--timeout', values.timeout, 20_000)
  const creds = credsFromEnv(env, { needIdentifier: true, needEndpoint: true })
  const client = new TimClient(creds, { rate, timeoutMs })
  const out = resolve(values.out)

  const archive = await JsonlArchive.open(out)
  const abort = new AbortController()
  const onSignal = () => abort.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const progress = new ProgressReporter(process.stderr, groups.length)
  const slots = new Semaphore(concurrency)
  const before = archive.messageCount()
  let results: PromiseSettledResult<SyncResult>[]
  try {
    results = await Promise.allSettled(
      groups.map((groupId) =>
        syncGroup({
          source: client,
          groupId,
          sink: archive,
          coverage: archive.coverage(groupId),
          recheck: values.recheck,
          slots,
          signal: abort.signal,
          onProgress: (p) => progress.update(p)
        })
      )
    )
    progress.finish()
    await archive.close()
  } catch (e) {
    await archive.abandon()
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
  if (abort.signal.aborted) {
    process.stderr.write('Interrupted: what was pulled is saved; run the same command to resume.\n')
    return 130
  }
  return failed > 0 ? 1 : 0
}

const n = (v: number): string => formatCount(v, 'en')

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
