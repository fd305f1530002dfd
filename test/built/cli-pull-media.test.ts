/**
 * `tim-archive pull --media DIR` through the built CLI, as a real child process. The API endpoint
 * is a loopback front that passes REST calls to the simulator and serves files under /media/ on
 * the same port (media URLs on the endpoint's own loopback host and port are the ones plain http
 * may reach). A second listener stands for a private service on this machine and counts
 * connections: a message pointing at it must be refused without one.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Simulator, type SimMessage } from '../../tools/sim/server'
import { cliEnv, runCli, startCli } from '../helpers/cli'
import { appWith, freshAppId, group } from '../helpers/sim'

const cli = resolve(__dirname, '../../out/main/cli.js')

let dir: string
let sim: Simulator
let front: Server
let frontUrl: string
let privateService: Server
let privateConnections = 0
const appId = freshAppId()
const files = new Map<string, Buffer>()
const mediaRequests: string[] = []
/** While set, each file is sent in two halves 400 ms apart: a kill lands mid-download. */
let slowMedia = false
const MANY = 24
const COMMUNITY = '@TGS#_MEDIATOPICS'

function png(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b)
  for (let i = 8; i < n; i++) b[i] = (i * 13 + seed) & 255
  return b
}
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function msg(seq: number, body: SimMessage['body']): SimMessage {
  return { seq, from: 'alice', time: 1_700_000_000 + seq, random: seq, body, state: 'normal' }
}

const image = (uuid: string, url: string, size: number) => ({
  MsgType: 'TIMImageElem',
  MsgContent: { UUID: uuid, ImageFormat: 2, ImageInfoArray: [{ Type: 3, Size: size, Width: 4, Height: 4, URL: url }] }
})

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-cli-media-'))
  privateService = createServer((_q, s) => s.end('admin')).on('connection', () => privateConnections++)
  await new Promise<void>((r) => privateService.listen(0, '127.0.0.1', r))
  const privatePort = (privateService.address() as AddressInfo).port

  let simUrl = ''
  front = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path.startsWith('/media/')) {
      mediaRequests.push(path)
      const f = files.get(path)
      if (!f) {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { 'content-length': String(f.length), 'content-type': 'text/html' })
      if (!slowMedia) res.end(f)
      else {
        res.write(f.subarray(0, f.length >> 1))
        setTimeout(() => res.end(f.subarray(f.length >> 1)), 400)
      }
      return
    }
    const up = new URL(simUrl)
    const fwd = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    fwd.on('error', () => res.writeHead(502).end())
    req.pipe(fwd)
  })
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r))
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`

  files.set('/media/a.png', png(3000, 1))
  files.set('/media/b.png', png(1800, 2))
  const messages = new Map<number, SimMessage>([
    [1, msg(1, [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }])],
    [2, msg(2, [image('UA', `${frontUrl}/media/a.png`, 3000)])],
    [3, msg(3, [image('UB', `${frontUrl}/media/b.png`, 1800)])],
    [4, msg(4, [image('GONE', `${frontUrl}/media/gone.png`, 10)])],
    [5, msg(5, [image('PRIV', `http://127.0.0.1:${privatePort}/secret`, 5)])],
    [6, msg(6, [{ MsgType: 'TIMFileElem', MsgContent: { UUID: 'F', FileName: 'a.pdf', FileSize: 9 } }])]
  ])
  const many = new Map<number, SimMessage>()
  for (let i = 1; i <= MANY; i++) {
    files.set(`/media/m${i}.png`, png(20_000 + i * 1000, 100 + i))
    many.set(i, msg(i, [image(`M${i}`, `${frontUrl}/media/m${i}.png`, 20_000 + i * 1000)]))
  }
  // A Community whose two topics each hold an image at seq 1 (topics have their own seqs).
  files.set('/media/t1.png', png(900, 7))
  files.set('/media/t2.png', png(950, 8))
  const topic = (id: string, file: string, size: number) => ({
    TopicId: `${COMMUNITY}@TOPIC#_${id}`,
    TopicName: id,
    CreateTime: 1_700_000_000,
    nextMsgSeq: 2,
    messages: new Map<number, SimMessage>([[1, msg(1, [image(`T-${id}`, `${frontUrl}/media/${file}`, size)])]])
  })
  const community = group(COMMUNITY, { messages: new Map(), nextMsgSeq: 1 }, 'Community')
  community.topics = new Map([topic('a', 't1.png', 900), topic('b', 't2.png', 950)].map((t) => [t.TopicId, t]))
  sim = new Simulator({
    apps: [appWith(appId, [group('media', { messages, nextMsgSeq: 7 }), group('many', { messages: many, nextMsgSeq: MANY + 1 }), community])]
  })
  simUrl = (await sim.start()).url
})

afterAll(async () => {
  await sim?.stop()
  await new Promise((r) => front?.close(r))
  await new Promise((r) => privateService?.close(r))
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('tim-archive pull --media', () => {
  it('keeps the media of the pulled messages and records every outcome in the lines', async () => {
    const out = join(dir, 'chats.jsonl')
    const media = join(dir, 'media')
    const r = await runCli(['pull', '--group', 'media', '--out', out, '--media', media], cliEnv(appId, frontUrl))
    expect(r.stderr).not.toContain('FAILED')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`${media}: 2 media objects saved`)
    expect(r.stdout).toContain('1 expired on the server')
    expect(r.stdout).toContain('1 refused')
    expect(r.stdout).toContain('1 without a URL')
    // The progress line counts media settled of queued (four downloads, one without a URL).
    expect(r.stderr).toMatch(/media 5\/5 /)

    const last = new Map<number, Record<string, unknown>>()
    for (const line of (await readFile(out, 'utf8')).trim().split('\n')) {
      const rec = JSON.parse(line) as { MsgSeq: number }
      last.set(rec.MsgSeq, rec)
    }
    const m = (seq: number, key: string) => (last.get(seq) as { _archive?: { media?: Record<string, Record<string, unknown>> } })._archive?.media?.[key]
    const a = files.get('/media/a.png')!
    expect(m(2, 'image:thumb:uuid:UA')).toMatchObject({ status: 'saved', sha256: sha(a), type: 'image/png', bytes: a.length })
    expect(new Uint8Array(await readFile(join(media, sha(a).slice(0, 2), sha(a))))).toEqual(new Uint8Array(a))
    expect(m(4, 'image:thumb:uuid:GONE')).toMatchObject({ status: 'expired', httpStatus: 404 })
    expect(m(5, 'image:thumb:uuid:PRIV')).toMatchObject({ status: 'refused', reason: 'private-address' })
    expect(m(6, 'file:uuid:F')).toMatchObject({ status: 'no-url' })
    expect(privateConnections).toBe(0)

    // Export reads the last line of each message: the media notes are there.
    const exported = join(dir, 'export.jsonl')
    const e = await runCli(['export', '--in', out, '--format', 'jsonl', '--out', exported], cliEnv(appId, frontUrl))
    expect(e.code).toBe(0)
    const exportedLines = (await readFile(exported, 'utf8')).trim().split('\n')
    expect(exportedLines).toHaveLength(6)
    const seq2 = exportedLines.map((l) => JSON.parse(l) as { MsgSeq: number; _archive?: { media?: Record<string, unknown> } }).find((r) => r.MsgSeq === 2)!
    expect(seq2._archive?.media?.['image:thumb:uuid:UA']).toMatchObject({ status: 'saved', sha256: sha(a) })

    // A second run has nothing left to fetch.
    mediaRequests.length = 0
    const again = await runCli(['pull', '--group', 'media', '--out', out, '--media', media], cliEnv(appId, frontUrl))
    expect(again.code).toBe(0)
    expect(mediaRequests).toEqual([])
    expect(again.stdout).toContain('no new media to keep')
  })

  it('resumes after SIGKILL mid-download with no partial or corrupt file, and fetches only what is missing', async () => {
    const out = join(dir, 'killed.jsonl')
    const media = join(dir, 'killed-media')
    slowMedia = true
    mediaRequests.length = 0
    const child = startCli(['pull', '--group', 'many', '--out', out, '--media', media, '--media-concurrency', '4'], cliEnv(appId, frontUrl))
    // Kill once downloads are under way: some done, some half sent.
    while (mediaRequests.length < 9) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGKILL')
    await new Promise((r) => child.on('close', r))
    slowMedia = false

    // Every file under a real name is whole: its name is the SHA-256 of its bytes.
    const check = async (): Promise<string[]> => {
      const names: string[] = []
      for (const d of await readdir(media, { withFileTypes: true })) {
        if (!d.isDirectory() || !/^[0-9a-f]{2}$/.test(d.name)) continue
        for (const f of await readdir(join(media, d.name))) {
          expect(sha(await readFile(join(media, d.name, f)))).toBe(f)
          names.push(f)
        }
      }
      return names
    }
    const before = await check()
    expect(before.length).toBeLessThan(MANY)
    // Saved means recorded in the ledger (fsynced): a kill between a file's rename and its record
    // leaves a whole file the next run fetches again (and stores once).
    const ledgerText = await readFile(join(media, 'ledger.jsonl'), 'utf8').catch(() => '')
    const recordedSaved = new Set(
      ledgerText
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            const e = JSON.parse(l) as { k: string; o: { status: string } }
            return e.o.status === 'saved' ? [e.k] : []
          } catch {
            return [] // a torn last line
          }
        })
    )
    expect(recordedSaved.size).toBeLessThanOrEqual(before.length)

    mediaRequests.length = 0
    const r = await runCli(['pull', '--group', 'many', '--out', out, '--media', media], cliEnv(appId, frontUrl))
    expect(r.code).toBe(0)
    const after = await check()
    expect(after.sort()).toEqual(
      [...files.entries()]
        .filter(([p]) => p.startsWith('/media/m'))
        .map(([, b]) => sha(b))
        .sort()
    )
    // What the killed run had saved was not downloaded again.
    expect(mediaRequests.length).toBeLessThanOrEqual(MANY - recordedSaved.size)
    expect(await readdir(join(media, '.tmp'))).toEqual([])
    const last = new Map<number, { MsgSeq: number; _archive?: { media?: Record<string, { status: string }> } }>()
    for (const line of (await readFile(out, 'utf8')).trim().split('\n')) {
      const rec = JSON.parse(line) as { MsgSeq: number; _archive?: { media?: Record<string, { status: string }> } }
      last.set(rec.MsgSeq, rec)
    }
    for (let i = 1; i <= MANY; i++) expect(last.get(i)?._archive?.media?.[`image:thumb:uuid:M${i}`]?.status).toBe('saved')
  })

  it('stops starting downloads at --media-budget, says so, and a later pull with room fetches the rest', async () => {
    const out = join(dir, 'budget.jsonl')
    const media = join(dir, 'budget-media')
    // 24 images of 21–44 KB (about 780 KB); a budget of 0.3 MB holds some of them.
    const budget = 0.3 * 1024 * 1024
    const first = await runCli(['pull', '--group', 'many', '--out', out, '--media', media, '--media-budget', '0.3'], cliEnv(appId, frontUrl))
    expect(first.code).toBe(0)
    expect(first.stderr).toMatch(/Media budget reached: .* used; \d+ objects? not fetched \(raise --media-budget to keep them\)/)
    const stored = async () => {
      let bytes = 0
      let count = 0
      for (const d of await readdir(media, { withFileTypes: true })) {
        if (!d.isDirectory() || !/^[0-9a-f]{2}$/.test(d.name)) continue
        for (const f of await readdir(join(media, d.name))) {
          bytes += (await readFile(join(media, d.name, f))).length
          count++
        }
      }
      return { bytes, count }
    }
    const kept = await stored()
    expect(kept.count).toBeGreaterThan(0)
    expect(kept.count).toBeLessThan(MANY)
    expect(kept.bytes).toBeLessThanOrEqual(budget)
    // What was not fetched has no outcome: the next pull, with room, keeps it.
    const second = await runCli(['pull', '--group', 'many', '--out', out, '--media', media], cliEnv(appId, frontUrl))
    expect(second.code).toBe(0)
    expect(second.stderr).not.toContain('Media budget')
    expect((await stored()).count).toBe(MANY)
  })

  it("keeps the media of a Community's topics, whose messages share seqs: each topic message gets its own outcome line", async () => {
    const out = join(dir, 'community.jsonl')
    const media = join(dir, 'community-media')
    const r = await runCli(['pull', '--group', COMMUNITY, '--out', out, '--media', media, '--no-people'], cliEnv(appId, frontUrl))
    expect(r.stderr).not.toContain('FAILED')
    expect(r.code).toBe(0)
    const last = new Map<string, { _archive?: { media?: Record<string, { status: string }> } }>()
    for (const line of (await readFile(out, 'utf8')).trim().split('\n')) {
      const rec = JSON.parse(line) as { MsgSeq: number; TopicId?: string; _archive?: { media?: Record<string, { status: string }> } }
      last.set(`${rec.TopicId ?? ''} ${rec.MsgSeq}`, rec)
    }
    expect(last.get(`${COMMUNITY}@TOPIC#_a 1`)?._archive?.media?.['image:thumb:uuid:T-a']?.status).toBe('saved')
    expect(last.get(`${COMMUNITY}@TOPIC#_b 1`)?._archive?.media?.['image:thumb:uuid:T-b']?.status).toBe('saved')
  })

  it('explains bad media flags with exit status 2', async () => {
    const out = join(dir, 'bad.jsonl')
    const cases: [string[], string][] = [
      [['--media-types', 'images'], '--media-types needs --media DIR'],
      [['--media', join(dir, 'm'), '--media-types', 'pictures'], 'images, files, voice, video'],
      [['--media', join(dir, 'm'), '--media-video', 'some'], 'thumbnail or all'],
      [['--media', join(dir, 'm'), '--media-max-file', '-3'], '--media-max-file'],
      [['--media', join(dir, 'm'), '--media-allow-host', '*.com'], '--media-allow-host'],
      [['--media', join(dir, 'm'), '--media-concurrency', '0'], '--media-concurrency'],
      [['--media', join(dir, 'm'), '--media-image-sizes', 'huge'], 'original, large, thumb'],
      [['--media', join(dir, 'm'), '--media-types', 'voice', '--media-image-sizes', 'thumb'], 'leaves out images'],
      [['--media', join(dir, 'm'), '--media-budget', '0'], '--media-budget'],
      [['--media-budget', '10'], '--media-budget needs --media DIR']
    ]
    for (const [flags, message] of cases) {
      const r = await runCli(['pull', '--group', 'media', '--out', out, ...flags], cliEnv(appId, frontUrl))
      expect(r.code, flags.join(' ')).toBe(2)
      expect(r.stderr).toContain(message)
    }
  })
})
