/**
 * npm run sim — the local Tencent IM REST simulator with the demo app.
 *
 * Flags: --port N (default 5080), --latency MS, --faults RATE (0..1; all kinds but stall unless
 * --fault-kinds a,b), --fault-kinds err10002,html502,reset,truncated,stall, --rate N (req/s per
 * command), --bench-messages N (size of the bench group, default 30000), --media (add the media lab
 * group), --cos-latency MS, --cos-faults RATE, --cos-fault-kinds a,b (the loopback COS), --private-port N,
 * --bench-media N[,M] (bench:media's groups: @TGS#8MEDIABENCH with N media objects, @TGS#9MEDIASEQ with M),
 * --edit-after S (S seconds after start, the team chat's edit target is edited as modify_group_msg would),
 * --rename-after S (S seconds after start, alice renames herself and chen_wei's name card changes),
 * --callback-url URL (send Tencent's group message callbacks to a loopback listener, signed with the
 * token in TIM_CALLBACK_TOKEN; ./callbacks.ts).
 * Control endpoints under /_sim/ (POST JSON): see Simulator.control in ./server.ts.
 * Runs until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util'
import { allFaultKinds, SIM_MEDIA_STATS_PATH, Simulator, type FaultKind, type SimOptions } from './server'
import { allCosFaultKinds, type CosFaultKind } from './media/cos'
import { benchMediaGroupId, benchMediaSeqGroupId, MEDIA_LAB_SEQS, mediaBenchGroup } from './media/lab'
import { cliEnvLine, demoApp, demoCredentials, demoGroupIds, mediaGroupId } from './seed'
import { EDIT, TEAM_SEQS } from './demo-people'

const usage = `Usage: npm run sim -- [--port N] [--latency MS] [--faults RATE] [--fault-kinds a,b] [--rate N] [--bench-messages N]
                      [--media] [--cos-latency MS] [--cos-faults RATE] [--cos-fault-kinds a,b] [--private-port N]
  --port N             TCP port on 127.0.0.1 (default 5080; 0 = any free port)
  --latency MS         delay added before every answer (default 0)
  --faults RATE        share of requests (0..1) that get an injected fault
  --fault-kinds LIST   comma-separated, from: ${allFaultKinds.join(', ')} (default: all but stall)
  --rate N             requests per second per command (default 200; get_appid_group_list is always 1/s)
  --bench-messages N   messages in the bench group ${demoGroupIds.bench} (default 30000)
  --media              add the media lab group ${mediaGroupId}: every kind of media and the hostile cases
  --cos-latency MS     delay before every answer of the loopback COS (/cos/…) (default 0)
  --cos-faults RATE    share of COS requests (0..1) that get an injected fault
  --cos-fault-kinds L  comma-separated, from: ${allCosFaultKinds.join(', ')} (default: all but stall)
  --private-port N     port of the private-address stand-in on 127.0.0.1 (default: any free port)
  --bench-media N[,M]  add bench:media's groups: ${benchMediaGroupId} with N media objects, ${benchMediaSeqGroupId} with M (default 0)
  --edit-after S       S seconds after start, edit seq ${TEAM_SEQS.edited} of ${demoGroupIds.team} (as modify_group_msg does)
  --rename-after S     S seconds after start, rename alice and change chen_wei's name card in ${demoGroupIds.team}
  --callback-url URL   POST Group.CallbackAfterSendMsg / AfterModifyMsg / AfterRecallMsg to URL (loopback http),
                       signed with the token in TIM_CALLBACK_TOKEN (as callback authentication does)
Control endpoints (POST JSON to /_sim/<name>): profile, name-card, leave, edit, append, topic, recall, callbacks (docs/dev/contributing.md).`

function num(name: string, v: string | undefined, check: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`Invalid --${name}: ${v}`)
  return n
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      faults: { type: 'string' },
      'fault-kinds': { type: 'string' },
      rate: { type: 'string' },
      'bench-messages': { type: 'string' },
      media: { type: 'boolean' },
      'cos-latency': { type: 'string' },
      'cos-faults': { type: 'string' },
      'cos-fault-kinds': { type: 'string' },
      'private-port': { type: 'string' },
      'bench-media': { type: 'string' },
      'edit-after': { type: 'string' },
      'rename-after': { type: 'string' },
      'callback-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help) {
    console.log(usage)
    return
  }
  const port = num('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535) ?? 5080
  const latencyMs = num('latency', values.latency, (n) => n >= 0) ?? 0
  const rateLimit = num('rate', values.rate, (n) => n > 0)
  const benchMessages = num('bench-messages', values['bench-messages'], (n) => Number.isSafeInteger(n) && n >= 0)
  const faultRate = num('faults', values.faults, (n) => n >= 0 && n <= 1)
  let kinds: FaultKind[] = allFaultKinds.filter((k) => k !== 'stall')
  if (values['fault-kinds'] !== undefined) {
    kinds = values['fault-kinds']
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '') as FaultKind[]
    const bad = kinds.filter((k) => !allFaultKinds.includes(k))
    if (bad.length > 0 || kinds.length === 0) throw new Error(`Invalid --fault-kinds: ${values['fault-kinds']}`)
  }

  const cosLatencyMs = num('cos-latency', values['cos-latency'], (n) => n >= 0) ?? 0
  const cosFaultRate = num('cos-faults', values['cos-faults'], (n) => n >= 0 && n <= 1)
  const privatePort = num('private-port', values['private-port'], (n) => Number.isInteger(n) && n >= 0 && n <= 65535) ?? 0
  let cosKinds: CosFaultKind[] = allCosFaultKinds.filter((k) => k !== 'stall')
  if (values['cos-fault-kinds'] !== undefined) {
    cosKinds = values['cos-fault-kinds']
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '') as CosFaultKind[]
    const bad = cosKinds.filter((k) => !allCosFaultKinds.includes(k))
    if (bad.length > 0 || cosKinds.length === 0) throw new Error(`Invalid --cos-fault-kinds: ${values['cos-fault-kinds']}`)
  }
  const editAfter = num('edit-after', values['edit-after'], (n) => n >= 0)
  const renameAfter = num('rename-after', values['rename-after'], (n) => n >= 0)
  const media = values.media === true
  const benchMedia = (values['bench-media'] ?? '').split(',').filter(Boolean).map(Number)
  if (benchMedia.some((n) => !Number.isSafeInteger(n) || n < 0) || benchMedia.length > 2)
    throw new Error(`--bench-media: expected N or N,M (numbers of media objects), got ${values['bench-media']}`)
  const app = demoApp({ ...(benchMessages === undefined ? {} : { benchMessages }), media })
  const now = Math.floor(Date.now() / 1000)
  if (benchMedia[0]) app.groups.set(benchMediaGroupId, mediaBenchGroup({ objects: benchMedia[0], now, groupId: benchMediaGroupId }))
  if (benchMedia[1]) app.groups.set(benchMediaSeqGroupId, mediaBenchGroup({ objects: benchMedia[1], now, groupId: benchMediaSeqGroupId, seed: 7 }))

  const opts: SimOptions = {
    port,
    latencyMs,
    apps: [app],
    privatePort,
    cos: { latencyMs: cosLatencyMs, ...(cosFaultRate !== undefined && cosFaultRate > 0 ? { faults: { rate: cosFaultRate, kinds: cosKinds } } : {}) }
  }
  if (rateLimit !== undefined) opts.rateLimit = rateLimit
  if (faultRate !== undefined && faultRate > 0) opts.faults = { rate: faultRate, kinds }
  const sim = new Simulator(opts)
  if (values['callback-url'] !== undefined) {
    const token = process.env.TIM_CALLBACK_TOKEN ?? ''
    if (token === '') throw new Error('--callback-url: set TIM_CALLBACK_TOKEN to the callback token (the listener checks the same one)')
    sim.callbacks.configure({ url: values['callback-url'], token })
  }
  const { url } = await sim.start()

  const c = demoCredentials
  const timers: NodeJS.Timeout[] = []
  if (editAfter !== undefined) {
    timers.push(
      setTimeout(() => {
        sim.editMessage(c.sdkAppId, demoGroupIds.team, TEAM_SEQS.edited, { body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: EDIT.after } }] })
        console.log(`edited ${demoGroupIds.team} seq ${TEAM_SEQS.edited}`)
      }, editAfter * 1000)
    )
  }
  if (renameAfter !== undefined) {
    timers.push(
      setTimeout(() => {
        sim.setProfile(c.sdkAppId, 'alice', { nick: 'Alice Wang-Li 王丽' })
        sim.setNameCard(c.sdkAppId, demoGroupIds.team, 'chen_wei', '陈伟 · CTO')
        console.log('renamed alice and changed chen_wei’s name card')
      }, renameAfter * 1000)
    )
  }
  console.log(`Tencent IM REST simulator listening on ${url}`)
  console.log(`  SDKAppID    ${c.sdkAppId}`)
  console.log(`  identifier  ${c.identifier} (admins: ${sim.apps.get(c.sdkAppId)?.admins.join(', ') ?? ''}; 'alice' is not an admin)`)
  console.log(`  secret key  ${c.secretKey}`)
  console.log(
    `  latency ${latencyMs} ms, rate ${rateLimit ?? 200} req/s per command` + (opts.faults ? `, faults ${opts.faults.rate} of ${kinds.join('/')}` : '')
  )
  console.log(
    `  media: loopback COS at ${url}/cos/…, latency ${cosLatencyMs} ms` +
      (cosFaultRate ? `, faults ${cosFaultRate} of ${cosKinds.join('/')}` : '') +
      `; counters at ${url}${SIM_MEDIA_STATS_PATH}`
  )
  if (values['callback-url'] !== undefined) console.log(`  callbacks: POST to ${values['callback-url']} (signed with TIM_CALLBACK_TOKEN)`)
  console.log(`  private-address stand-in 127.0.0.1:${sim.privatePort} (must never be contacted)`)
  if (media) {
    console.log(
      `  media lab ${mediaGroupId}: ` +
        Object.entries(MEDIA_LAB_SEQS)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')
    )
  }
  console.log('  groups:')
  for (const g of sim.apps.get(c.sdkAppId)?.groups.values() ?? []) {
    console.log(`    ${g.GroupId.padEnd(22)} ${g.Type.padEnd(10)} NextMsgSeq ${g.nextMsgSeq}${g.dismissed ? ' (dismissed)' : ''}`)
    for (const t of g.topics?.values() ?? []) console.log(`      topic ${t.TopicId} (${t.TopicName}) NextMsgSeq ${t.nextMsgSeq}`)
  }
  console.log('')
  console.log('Paste into your shell:')
  console.log(cliEnvLine(url))
  console.log('')
  console.log('Ctrl-C to stop.')

  await new Promise<void>((resolve) => {
    const done = (): void => resolve()
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
  for (const t of timers) clearTimeout(t)
  const hits = sim.privateHits
  await sim.stop()
  console.log(`simulator stopped (private-address stand-in contacted ${hits} times)`)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  console.error(usage)
  process.exit(2)
})
