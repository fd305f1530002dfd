/**
 * npm run bench:media — keeping media (issue 17 §7): `tim-archive pull --media`'s own parts (the
 * engine, the JSON Lines archive, MediaPull with its queue, fetcher and content store) against the
 * simulator's loopback COS, with 50 ms latency on the API and on every file.
 *
 * The simulator runs in a child process (`out-tools/main/sim.js --bench-media N,M`), as a real COS
 * is another machine: the bytes it makes up must not cost the client's CPU.
 *
 * In the same run it measures:
 * - media throughput (files/s, MB/s) of the queue at its default concurrency, against downloading
 *   one at a time (a smaller group of the same mix, --seq-objects);
 * - the message sync rate with media on and with it off (the same group, each into a new archive).
 *
 * Flags: --objects N (media objects, default 2000), --seq-objects N (default 150), --latency MS
 * (default 50), --concurrency N (the queue's, default its DEFAULT_CONCURRENCY), --sync-concurrency N
 * (while the sync runs, default SYNC_CONCURRENCY), --runs N (media off/on pairs for the sync rate,
 * default 2).
 * Targets: downloads ≥ 4× sequential; message sync with media on ≥ 0.9 of the rate with it off.
 * Prints figures, then one JSON line.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { syncGroup } from '../../src-main/archive/engine'
import { JsonlArchive } from '../../src-main/archive/jsonl-archive'
import { MediaPull } from '../../src-main/cli/pull-media'
import { DEFAULT_LIMITS } from '../../src-main/media/outcome'
import { DEFAULT_CONCURRENCY, SYNC_CONCURRENCY } from '../../src-main/media/queue'
import { makeFetchPolicy } from '../../src-main/media/url-policy'
import { TimClient } from '../../src-main/tim/client'
import { benchMediaGroupId as benchGroup, benchMediaSeqGroupId as seqGroup } from '../sim/media/lab'
import { demoCredentials } from '../sim/seed'

interface Run {
  messages: number
  syncSecs: number
  files: number
  bytes: number
  totalSecs: number
  complete: boolean
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string', default: '2000' },
      'seq-objects': { type: 'string', default: '150' },
      latency: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
      'sync-concurrency': { type: 'string', default: String(SYNC_CONCURRENCY) },
      runs: { type: 'string', default: '2' }
    }
  })
  const objects = Number(values.objects)
  const seqObjects = Number(values['seq-objects'])
  const latencyMs = Number(values.latency)
  const concurrency = Number(values.concurrency)
  const syncConcurrency = Number(values['sync-concurrency'])
  const runs = Number(values.runs)
  const sim = spawn(
    process.execPath,
    [join(__dirname, 'sim.js'), '--port', '0', '--latency', String(latencyMs), '--cos-latency', String(latencyMs), '--bench-media', `${objects},${seqObjects}`],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  let out = ''
  sim.stdout.setEncoding('utf8')
  const url = await new Promise<string>((resolve, reject) => {
    sim.stdout.on('data', (chunk: string) => {
      out += chunk
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    sim.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before listening`)))
  })
  const creds = { ...demoCredentials, endpoint: url }
  const root = await mkdtemp(join(tmpdir(), 'tim-bench-media-'))
  let n = 0

  /** One pull of `groupId` into a new archive, with media (at `media` concurrency) or without. */
  async function pull(groupId: string, media: number | null): Promise<Run> {
    const dir = join(root, `run-${++n}`)
    const client = new TimClient(creds, { rate: 200 })
    const mp = media
      ? await MediaPull.open({
          dir: join(dir, 'media'),
          policy: makeFetchPolicy({ endpoint: client.baseUrl }),
          limits: DEFAULT_LIMITS,
          concurrency: media,
          syncConcurrency: Math.min(media, syncConcurrency)
        })
      : null
    const archive = await JsonlArchive.open(join(dir + '.jsonl'), mp?.hooks)
    mp?.start(archive)
    const t0 = performance.now()
    const result = await syncGroup({ source: client, groupId, sink: archive, concurrency: 16 })
    const syncSecs = (performance.now() - t0) / 1000
    await mp?.drain()
    const totalSecs = (performance.now() - t0) / 1000
    const messages = archive.messageCount(groupId)
    await archive.close()
    const counts = mp?.counts ?? { done: 0, bytes: 0 }
    await mp?.close()
    return { messages, syncSecs, files: counts.done, bytes: counts.bytes, totalSecs, complete: result.complete }
  }

  const pause = () => new Promise((r) => setTimeout(r, 1100)) // the API's rate bucket refills
  try {
    console.log(
      `bench:media  simulator ${url}  latency ${latencyMs} ms (API and files)  ${objects} media objects, sequential baseline ${seqObjects}; queue concurrency ${concurrency} (${syncConcurrency} while the sync runs)`
    )
    const seq = await pull(seqGroup, 1)
    const seqFiles = seq.files / seq.totalSecs
    const seqMB = seq.bytes / 1e6 / seq.totalSecs
    console.log(`sequential  ${seq.files} files, ${(seq.bytes / 1e6).toFixed(1)} MB one at a time: ${seqFiles.toFixed(1)} files/s, ${seqMB.toFixed(2)} MB/s`)

    const off: number[] = []
    const on: number[] = []
    let last: Run | undefined
    for (let i = 0; i < runs; i++) {
      await pause()
      const a = await pull(benchGroup, null)
      off.push(a.messages / a.syncSecs)
      await pause()
      last = await pull(benchGroup, concurrency)
      on.push(last.messages / last.syncSecs)
      console.log(
        `run ${i + 1}       media off: ${a.messages} messages in ${a.syncSecs.toFixed(2)} s (${off[i]!.toFixed(0)} msgs/s); media on: ${last.messages} in ${last.syncSecs.toFixed(2)} s (${on[i]!.toFixed(0)} msgs/s), then ${last.files} files, ${(last.bytes / 1e6).toFixed(1)} MB by ${last.totalSecs.toFixed(2)} s`
      )
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const run = last!
    const files = run.files / run.totalSecs
    const mb = run.bytes / 1e6 / run.totalSecs
    const ratio = files / seqFiles
    const syncRatio = median(on) / median(off)
    console.log(`media       ${files.toFixed(1)} files/s, ${mb.toFixed(2)} MB/s from the sync's start to the last file`)
    console.log(
      `ratio       downloads ${ratio.toFixed(1)}× one at a time (target ≥ 4×); message sync with media on ${syncRatio.toFixed(2)} of off (target ≥ 0.9)`
    )
    console.log(
      JSON.stringify({
        latencyMs,
        objects: run.files,
        megabytes: +(run.bytes / 1e6).toFixed(1),
        filesPerSec: +files.toFixed(1),
        mbPerSec: +mb.toFixed(2),
        sequentialFilesPerSec: +seqFiles.toFixed(1),
        downloadRatio: +ratio.toFixed(2),
        syncMsgsPerSecOff: +median(off).toFixed(0),
        syncMsgsPerSecOn: +median(on).toFixed(0),
        syncRatio: +syncRatio.toFixed(2),
        complete: run.complete
      })
    )
  } finally {
    sim.kill('SIGTERM')
    if (sim.exitCode === null) await once(sim, 'exit')
    await rm(root, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
