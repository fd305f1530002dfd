/**
 * npm run bench:export — 1,000,000 generated messages exported to JSON Lines, CSV and HTML with
 * the real writers and file sinks (temp file, fsync, rename), against a baseline in the same run:
 * the same messages as raw JSON.stringify lines written to a plain stream (no escaping, no
 * formatting, no temp file; fsynced at the end like an export). Each run is a fresh child process, so its peak RSS (maxRSS) and JS heap
 * high-water are its own.
 *
 * The messages come from the simulator's text pool (sim/seed.ts plainTexts) with its seeded PRNG:
 * mostly text, some faces, images, files, system tips, deleted and recalled placeholders, over
 * three groups; the same messages in every run.
 *
 * `cli-html` is tim-archive export's whole path on a pull file of the same messages, written out of
 * order as a pull writes it: index pass, sort, ordered read, HTML.
 *
 * Flags: --messages N (default 1000000), --chunk N (messages per write, default 1000).
 * Prints figures, then one JSON line.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { runExport } from '../../src-main/export/exporter'
import { scanJsonl } from '../../src-main/export/jsonl-source'
import type { ExportFormat, ExportMeta } from '../../src-main/export/types'
import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import { Rng, plainTexts } from '../sim/seed'

const senders = ['alice', 'bob', 'chen_wei', 'li_lei', 'fatima', 'yossi', '144115197276518801', 'administrator']
const groups = ['@TGS#1BENCHA', '@TGS#2BENCHB', 'bench-c']

/** Messages 1..n in chunks, derived from a seeded PRNG: the same every run. */
function* generate(n: number, chunk: number): Generator<ArchivedMessage[]> {
  const rng = new Rng(0xe4_907)
  const perGroup = Math.ceil(n / groups.length)
  let t = Date.UTC(2023, 0, 1) / 1000
  let made = 0
  for (const [gi, GroupId] of groups.entries()) {
    for (let seq = 1; seq <= perGroup && made < n;) {
      const out: ArchivedMessage[] = []
      for (let i = 0; i < chunk && seq <= perGroup && made < n; i++, seq++, made++) {
        t += rng.int(0, 60)
        const r = rng.float()
        const m: ArchivedMessage = {
          GroupId,
          From_Account: rng.pick(senders),
          IsPlaceMsg: 0,
          MsgBody: [],
          MsgPriority: 2,
          MsgRandom: rng.uint32(),
          MsgSeq: seq,
          MsgTimeStamp: t + gi
        }
        if (r < 0.01) {
          m.From_Account = '@TIM#SYSTEM'
          m.IsSystemMsg = 1
          m.MsgBody = {
            MsgType: 'TIMGroupTipElem',
            MsgContent: { OpType: 'Join', Operator_Account: rng.pick(senders), MemberAccount_List: [rng.pick(senders)] }
          }
        } else if (r < 0.025) m.IsPlaceMsg = 1
        else if (r < 0.035) m.IsPlaceMsg = 2
        else if (r < 0.075) {
          const id = rng.uint32().toString(16)
          m.MsgBody = [
            {
              MsgType: 'TIMImageElem',
              MsgContent: {
                UUID: `${id}.jpg`,
                ImageFormat: 1,
                ImageInfoArray: [1, 2, 3].map((Type) => ({
                  Type,
                  Size: rng.int(1000, 6_000_000),
                  Width: 1280,
                  Height: 960,
                  URL: `https://cos.ap-shanghai.myqcloud.com/demo/img/${id}_${Type}.jpg`
                }))
              }
            }
          ]
        } else if (r < 0.085) {
          m.MsgBody = [
            {
              MsgType: 'TIMFileElem',
              MsgContent: {
                UUID: rng.uint32().toString(16),
                FileName: '季度报告 Q3 (final) v2.xlsx',
                FileSize: rng.int(1000, 9_000_000),
                Url: 'https://cos.ap-shanghai.myqcloud.com/demo/file'
              }
            }
          ]
        } else if (r < 0.2) {
          m.MsgBody = [
            { MsgType: 'TIMTextElem', MsgContent: { Text: rng.pick(plainTexts) } },
            { MsgType: 'TIMFaceElem', MsgContent: { Index: rng.int(0, 30), Data: '' } }
          ]
        } else {
          m.MsgBody = [{ MsgType: 'TIMTextElem', MsgContent: { Text: rng.pick(plainTexts) } }]
        }
        out.push(m)
      }
      yield out
    }
  }
}

interface RunFigures {
  name: string
  messages: number
  seconds: number
  msgsPerSec: number
  bytes: number
  peakRssMB: number
  peakHeapMB: number
}

/** One measured run, in this (child) process. */
async function child(name: string, n: number, chunk: number, dir: string): Promise<RunFigures> {
  let peakHeap = 0
  const sample = (): void => {
    const h = process.memoryUsage().heapUsed
    if (h > peakHeap) peakHeap = h
  }
  const t0 = performance.now()
  let bytes = 0
  if (name === 'generate') {
    for (const c of generate(n, chunk)) if (c.length === 0) sample()
    sample()
  } else if (name === 'baseline') {
    const ws = createWriteStream(join(dir, 'baseline.jsonl'))
    for (const c of generate(n, chunk)) {
      let s = ''
      for (const m of c) s += JSON.stringify(m) + '\n'
      bytes += Buffer.byteLength(s)
      if (!ws.write(s)) await once(ws, 'drain')
      sample()
    }
    ws.end()
    await once(ws, 'close')
    // The same durability as an export (which fsyncs before its rename): like for like.
    const fh = await open(join(dir, 'baseline.jsonl'), 'r+')
    await fh.sync()
    await fh.close()
  } else if (name === 'cli-html') {
    // tim-archive export's path: a pull file out of order (windows of 200 seqs, newest window
    // first, as concurrent pulls append them), indexed, sorted, read back in order, written.
    // Writing the input is not timed.
    const input = join(dir, 'pulled.jsonl')
    const ws = createWriteStream(input)
    let window: ArchivedMessage[] = []
    const windows: string[] = []
    const flushWindows = async (): Promise<void> => {
      const s = windows.reverse().join('')
      windows.length = 0
      if (!ws.write(s)) await once(ws, 'drain')
    }
    for (const c of generate(n, chunk)) {
      for (const m of c) {
        window.push(m)
        if (window.length === 200) {
          windows.push(window.map((x) => JSON.stringify(x) + '\n').join(''))
          window = []
          if (windows.length === 50) await flushWindows()
        }
      }
    }
    if (window.length) windows.push(window.map((x) => JSON.stringify(x) + '\n').join(''))
    await flushWindows()
    ws.end()
    await once(ws, 'close')
    const t1 = performance.now()
    const scan = await scanJsonl(input, { keep: () => true })
    sample()
    async function* source(): AsyncGenerator<ArchivedMessage[]> {
      for await (const c of scan.read(chunk)) {
        yield c
        sample()
      }
    }
    const meta: ExportMeta = {
      app: 'tim-archive',
      version: 'bench',
      exportedAt: new Date().toISOString(),
      query: '',
      groups: scan.groups.map((groupId) => ({ groupId })),
      timeZone: 'UTC',
      count: scan.count
    }
    const r = await runExport(source(), { format: 'html', out: join(dir, 'bench.cli-html'), meta })
    const seconds = (performance.now() - t1) / 1000
    await rm(input, { force: true })
    return {
      name,
      messages: r.messages,
      seconds,
      msgsPerSec: r.messages / seconds,
      bytes: r.bytes,
      peakRssMB: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      peakHeapMB: peakHeap / 2 ** 20
    }
  } else {
    const format = name as ExportFormat
    const meta: ExportMeta = {
      app: 'tim-archive',
      version: 'bench',
      exportedAt: new Date().toISOString(),
      query: '',
      groups: groups.map((groupId) => ({ groupId })),
      timeZone: 'UTC',
      count: n
    }
    async function* source(): AsyncGenerator<ArchivedMessage[]> {
      for (const c of generate(n, chunk)) {
        yield c
        sample()
      }
    }
    const r = await runExport(source(), { format, out: join(dir, `bench.${format}`), meta })
    bytes = r.bytes
  }
  const seconds = (performance.now() - t0) / 1000
  return {
    name,
    messages: n,
    seconds,
    msgsPerSec: n / seconds,
    bytes,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    peakHeapMB: peakHeap / 2 ** 20
  }
}

function runChild(name: string, n: number, chunk: number, dir: string): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [__filename, '--child', name, '--messages', String(n), '--chunk', String(chunk), '--dir', dir], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.on('error', reject)
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name} run exited with ${code}`))
      resolve(JSON.parse(out.trim().split('\n').pop()!) as RunFigures)
    })
  })
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000000' },
      chunk: { type: 'string', default: '1000' },
      child: { type: 'string' },
      dir: { type: 'string' }
    }
  })
  const n = Number(values.messages)
  const chunk = Number(values.chunk)
  if (values.child) {
    process.stdout.write(JSON.stringify(await child(values.child, n, chunk, values.dir!)) + '\n')
    return
  }
  const dir = await mkdtemp(join(tmpdir(), 'tim-bench-export-'))
  console.log(`bench:export  ${fmt(n)} generated messages in chunks of ${fmt(chunk)}; each run in a fresh process`)
  const results: RunFigures[] = []
  try {
    // The baseline runs first and last: the faster of the two is the one compared against.
    for (const name of ['generate', 'baseline', 'jsonl', 'csv', 'html', 'cli-html', 'baseline']) {
      const r = await runChild(name, n, chunk, dir)
      results.push(r)
      console.log(
        `${name.padEnd(9)} ${r.seconds.toFixed(2).padStart(7)} s  ${fmt(r.msgsPerSec).padStart(9)} msgs/s  ${(r.bytes / 2 ** 20).toFixed(0).padStart(5)} MB written  peak RSS ${r.peakRssMB.toFixed(0)} MB  heap high-water ${r.peakHeapMB.toFixed(0)} MB`
      )
      await rm(join(dir, `bench.${name}`), { force: true })
      await rm(join(dir, 'baseline.jsonl'), { force: true })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const baselines = results.filter((r) => r.name === 'baseline')
  const base = baselines.reduce((a, b) => (b.msgsPerSec > a.msgsPerSec ? b : a))
  const figures: Record<string, unknown> = { bench: 'export', messages: n, chunk, baselineRuns: baselines.map((b) => Math.round(b.msgsPerSec)) }
  for (const r of results.filter((x) => x.name !== 'baseline' || x === base)) {
    figures[r.name] = {
      msgsPerSec: Math.round(r.msgsPerSec),
      seconds: Number(r.seconds.toFixed(2)),
      mb: Number((r.bytes / 2 ** 20).toFixed(1)),
      peakRssMB: Number(r.peakRssMB.toFixed(1)),
      peakHeapMB: Number(r.peakHeapMB.toFixed(1)),
      vsBaseline: Number((r.msgsPerSec / base.msgsPerSec).toFixed(3))
    }
  }
  for (const r of results.filter((x) => x.name !== 'generate' && x.name !== 'baseline')) {
    console.log(`${r.name.padEnd(9)} ${(r.msgsPerSec / base.msgsPerSec).toFixed(2)}× the baseline's speed`)
  }
  console.log(JSON.stringify(figures))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
