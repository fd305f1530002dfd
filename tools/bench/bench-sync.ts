/**
 * npm run bench:sync — the sync engine against the documented one-request-at-a-time procedure,
 * both in the same run, against the simulator with 50 ms latency and its 200 req/s limit.
 *
 * Flags: --messages N (bench group size, default 30000), --latency MS (default 50),
 *        --seq-requests N (requests for the sequential baseline, default 150).
 * Prints figures, then one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { syncGroup } from '../../src-main/archive/engine'
import { JsonlArchive } from '../../src-main/archive/jsonl-archive'
import { TimClient } from '../../src-main/tim/client'
import { Simulator } from '../sim/server'
import { benchGroupId, demoApp, demoCredentials } from '../sim/seed'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '30000' },
      latency: { type: 'string', default: '50' },
      'seq-requests': { type: 'string', default: '150' },
      concurrency: { type: 'string', default: '16' }
    }
  })
  const messages = Number(values.messages)
  const latencyMs = Number(values.latency)
  const sim = new Simulator({ apps: [demoApp({ benchMessages: messages })], latencyMs, rateLimit: 200 })
  const { url } = await sim.start()
  const dir = await mkdtemp(join(tmpdir(), 'tim-bench-'))
  const creds = { ...demoCredentials, endpoint: url }
  try {
    console.log(`bench:sync  simulator ${url}  latency ${latencyMs} ms  limit 200 req/s  group of ${messages} messages`)

    // Baseline: the documented procedure, each request waiting for the previous one
    // (docs/reference/tencent-im-api.md §1.5).
    const seqClient = new TimClient(creds, { rate: 200 })
    const seqRequests = Number(values['seq-requests'])
    let got = 0
    let cursor: number | undefined
    const t0 = performance.now()
    for (let i = 0; i < seqRequests; i++) {
      const res = await seqClient.groupMsgGetSimple({ GroupId: benchGroupId, ReqMsgNumber: 20, WithRecalledMsg: 1, ...(cursor ? { ReqMsgSeq: cursor } : {}) })
      const list = res.RspMsgList ?? []
      if (list.length === 0) break
      got += list.length
      cursor = Math.min(...list.map((m) => m.MsgSeq)) - 1
      if (cursor < 1) break
    }
    const seqSecs = (performance.now() - t0) / 1000
    const seqReq = seqClient.stats.requests / seqSecs
    const seqMsgs = got / seqSecs
    console.log(`sequential  ${seqClient.stats.requests} requests in ${seqSecs.toFixed(2)} s: ${seqReq.toFixed(1)} req/s, ${seqMsgs.toFixed(0)} msgs/s`)

    await new Promise((r) => setTimeout(r, 1100)) // let the server's bucket refill
    sim.resetStats()
    const archive = await JsonlArchive.open(join(dir, 'bench.jsonl'))
    const client = new TimClient(creds, { rate: 200 })
    const t1 = performance.now()
    const result = await syncGroup({ source: client, groupId: benchGroupId, sink: archive, concurrency: Number(values.concurrency) })
    const secs = (performance.now() - t1) / 1000
    const archived = archive.messageCount(benchGroupId)
    await archive.close()
    const req = client.stats.requests / secs
    // Messages archived (each once), not responses received: probes may repeat a few.
    const msgs = archived / secs
    const refused = sim.stats.refusedRateLimit
    const refusedPct = (100 * refused) / Math.max(1, sim.stats.requests)
    console.log(
      `engine      ${client.stats.requests} requests in ${secs.toFixed(2)} s: ${req.toFixed(1)} req/s, ${msgs.toFixed(0)} msgs/s; ${archived} messages archived, complete=${result.complete}`
    )
    console.log(`            ${refused} of ${sim.stats.requests} requests refused with 60007 (${refusedPct.toFixed(2)}%), ${client.stats.retries} retries`)
    const ratio = msgs / seqMsgs
    console.log(`ratio       engine/sequential ${ratio.toFixed(1)}×  (target ≥ 8×);  ${(req / 2).toFixed(1)}% of the 200 req/s ceiling (target ≥ 90%)`)
    console.log(
      JSON.stringify({
        latencyMs,
        messages: archived,
        engineReqPerSec: +req.toFixed(1),
        engineMsgsPerSec: +msgs.toFixed(0),
        sequentialReqPerSec: +seqReq.toFixed(1),
        sequentialMsgsPerSec: +seqMsgs.toFixed(0),
        ratio: +ratio.toFixed(2),
        ceilingPct: +(req / 2).toFixed(1),
        refused60007Pct: +refusedPct.toFixed(2),
        complete: result.complete
      })
    )
  } finally {
    await sim.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
