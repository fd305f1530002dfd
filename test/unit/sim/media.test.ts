// The simulator's loopback COS (issue 17 §6) over real HTTP on 127.0.0.1: real files with the sizes and
// dimensions their messages declare, expiry, ranges, signatures, faults and the hostile cases.
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { genUserSig } from '../../../src-main/tim/usersig'
import { SIM_MEDIA_STATS_PATH, Simulator } from '../../../tools/sim/server'
import { demoApp, demoCredentials, demoGroupIds, mediaGroupId } from '../../../tools/sim/seed'
import { MEDIA_LAB_SEQS, mediaBenchGroup, mediaLabGroupId, oversizeBytes } from '../../../tools/sim/media/lab'
import { readGif, readJpeg, readMp4, readPdf, readPng, readWav, readZip } from './media-parse'

interface Msg {
  MsgSeq: number
  IsPlaceMsg: number
  MsgBody: unknown
}
type Elem = { MsgType: string; MsgContent: Record<string, unknown> }

const NOW = Math.floor(Date.now() / 86_400_000) * 86_400
const { sdkAppId, secretKey, identifier } = demoCredentials
let sim: Simulator
let base: string

beforeAll(async () => {
  sim = new Simulator({ apps: [demoApp({ benchMessages: 10, now: NOW, media: true })] })
  base = (await sim.start()).url
})
afterAll(() => sim.stop())

async function page(groupId: string, top?: number): Promise<Msg[]> {
  const usersig = genUserSig({ sdkAppId, secretKey, identifier, expire: 3600 })
  const res = await fetch(
    `${base}/v4/group_open_http_svc/group_msg_get_simple?sdkappid=${sdkAppId}&identifier=${identifier}&usersig=${usersig}&random=1&contenttype=json`,
    {
      method: 'POST',
      body: JSON.stringify({ GroupId: groupId, ReqMsgNumber: 20, ...(top === undefined ? {} : { ReqMsgSeq: top }) })
    }
  )
  const r = (await res.json()) as { ErrorCode: number; RspMsgList: Msg[] }
  expect(r.ErrorCode).toBe(0)
  return r.RspMsgList
}

async function allMessages(groupId: string): Promise<Map<number, Msg>> {
  const out = new Map<number, Msg>()
  let top: number | undefined
  for (;;) {
    const list = await page(groupId, top)
    for (const m of list) out.set(m.MsgSeq, m)
    const low = Math.min(...list.map((m) => m.MsgSeq), top ?? Infinity)
    if (list.length === 0 || low <= 1) break
    top = Math.min(...list.map((m) => m.MsgSeq)) - 1
    if (top < 1) break
  }
  return out
}

function elems(body: unknown, depth = 0): Elem[] {
  const list = (Array.isArray(body) ? body : [body]) as Elem[]
  const out: Elem[] = []
  for (const e of list) {
    if (!e || typeof e !== 'object') continue
    out.push(e)
    if (e.MsgType === 'TIMRelayElem' && depth < 3) {
      for (const item of (e.MsgContent['MsgList'] as { MsgBody: unknown }[] | undefined) ?? []) out.push(...elems(item.MsgBody, depth + 1))
    }
  }
  return out
}

interface Declared {
  url: string
  bytes: number
  kind: 'png' | 'gif' | 'jpeg' | 'wav' | 'mp4' | 'pdf' | 'zip' | 'txt' | 'bin'
  width?: number
  height?: number
  seconds?: number
}

/** What each element declares, read with Tencent's field names. */
function declared(e: Elem): Declared[] {
  const c = e.MsgContent
  const fmt = (f: unknown) => (f === 2 ? 'gif' : f === 3 ? 'png' : 'jpeg') as Declared['kind']
  switch (e.MsgType) {
    case 'TIMImageElem':
      return (c['ImageInfoArray'] as Record<string, number | string>[]).map((i) => ({
        url: i['URL'] as string,
        bytes: i['Size'] as number,
        kind: fmt(c['ImageFormat']),
        width: i['Width'] as number,
        height: i['Height'] as number
      }))
    case 'TIMFileElem': {
      if (c['Url'] === undefined) return []
      const ext = String(c['FileName']).split('.').pop() ?? ''
      const kind = ext === 'pdf' ? 'pdf' : ['zip', 'xlsx'].includes(ext) ? 'zip' : ext === 'txt' ? 'txt' : 'bin'
      return [{ url: c['Url'] as string, bytes: c['FileSize'] as number, kind }]
    }
    case 'TIMSoundElem':
      return c['Url'] === undefined ? [] : [{ url: c['Url'] as string, bytes: c['Size'] as number, kind: 'wav', seconds: c['Second'] as number }]
    case 'TIMVideoFileElem':
      if (c['VideoUrl'] === undefined) return []
      return [
        { url: c['VideoUrl'] as string, bytes: c['VideoSize'] as number, kind: 'mp4', seconds: c['VideoSecond'] as number },
        { url: c['ThumbUrl'] as string, bytes: c['ThumbSize'] as number, kind: 'jpeg', width: c['ThumbWidth'] as number, height: c['ThumbHeight'] as number }
      ]
  }
  return []
}

interface Got {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Bytes received (also when not kept). */
  received: number
  complete: boolean
}

/** One GET (or HEAD) with node:http: no redirects followed, truncation visible. */
function get(url: string, opts: { method?: string; headers?: Record<string, string>; keep?: boolean } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const parts: Buffer[] = []
      let received = 0
      res.on('data', (c: Buffer) => {
        received += c.length
        if (opts.keep !== false) parts.push(c)
      })
      res.on('error', () => {
        /* a truncated body: 'close' reports it */
      })
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), received, complete: res.complete }))
    })
    req.on('error', reject)
    req.end()
  })
}

let lab: Map<number, Msg>
beforeAll(async () => {
  lab = await allMessages(mediaLabGroupId)
})
const labElems = (seq: number): Elem[] => elems(lab.get(seq)?.MsgBody)

describe('the media lab group', () => {
  test('is in the demo app only with media: true, and is listed with 19 messages', async () => {
    expect(demoApp({ benchMessages: 1, now: NOW }).groups.has(mediaGroupId)).toBe(false)
    expect(Object.values(demoGroupIds)).not.toContain(mediaGroupId)
    expect(mediaGroupId).toBe(mediaLabGroupId)
    expect([...lab.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1))
  })

  test('messages carry Tencent element fields, with URLs on the API endpoint’s own host and port', () => {
    const [img] = labElems(MEDIA_LAB_SEQS.png)
    expect(Object.keys(img?.MsgContent ?? {}).sort()).toEqual(['ImageFormat', 'ImageInfoArray', 'UUID'])
    const infos = img?.MsgContent['ImageInfoArray'] as Record<string, unknown>[]
    expect(infos.map((i) => i['Type'])).toEqual([1, 2, 3])
    for (const i of infos) expect(Object.keys(i).sort()).toEqual(['Height', 'Size', 'Type', 'URL', 'Width'])
    expect(String(infos[0]?.['URL'])).toMatch(new RegExp(`^${base}/cos/media-lab-1400000001/img/`))
    const [sound] = labElems(MEDIA_LAB_SEQS.voice)
    expect(Object.keys(sound?.MsgContent ?? {}).sort()).toEqual(['Download_Flag', 'Second', 'Size', 'UUID', 'Url'])
    const [video] = labElems(MEDIA_LAB_SEQS.video)
    expect(Object.keys(video?.MsgContent ?? {}).sort()).toEqual(
      [
        'ThumbDownloadFlag',
        'ThumbFormat',
        'ThumbHeight',
        'ThumbSize',
        'ThumbUUID',
        'ThumbUrl',
        'ThumbWidth',
        'VideoDownloadFlag',
        'VideoFormat',
        'VideoSecond',
        'VideoSize',
        'VideoUUID',
        'VideoUrl'
      ].sort()
    )
    const [pdfElem] = labElems(MEDIA_LAB_SEQS.pdf)
    expect(Object.keys(pdfElem?.MsgContent ?? {}).sort()).toEqual(['Download_Flag', 'FileName', 'FileSize', 'UUID', 'Url'])
    // The old-SDK element has no URL at all.
    const [old] = labElems(MEDIA_LAB_SEQS.noUrl)
    expect(old?.MsgContent).not.toHaveProperty('Url')
    expect(old?.MsgContent).toHaveProperty('UUID')
    // The merged message holds an image.
    expect(labElems(MEDIA_LAB_SEQS.relay).map((e) => e.MsgType)).toEqual(['TIMRelayElem', 'TIMTextElem', 'TIMImageElem'])
  })

  test('every file is served with the size, type and dimensions its message declares', async () => {
    const ordinary = [MEDIA_LAB_SEQS.png, MEDIA_LAB_SEQS.jpeg, MEDIA_LAB_SEQS.gif, MEDIA_LAB_SEQS.portrait, MEDIA_LAB_SEQS.voice, MEDIA_LAB_SEQS.video]
    const files = [MEDIA_LAB_SEQS.pdf, MEDIA_LAB_SEQS.zip, MEDIA_LAB_SEQS.txt, MEDIA_LAB_SEQS.relay]
    const seen = new Set<string>()
    for (const seq of [...ordinary, ...files]) {
      for (const d of labElems(seq).flatMap(declared)) {
        const r = await get(d.url)
        expect(r.status, d.url).toBe(200)
        expect(r.body.length, d.url).toBe(d.bytes)
        expect(Number(r.headers['content-length'])).toBe(d.bytes)
        expect(r.headers['accept-ranges']).toBe('bytes')
        checkContent(d, r)
        seen.add(d.kind)
      }
    }
    expect([...seen].sort()).toEqual(['gif', 'jpeg', 'mp4', 'pdf', 'png', 'txt', 'wav', 'zip'])
  }, 60_000)

  test('the same object gets a new signature on every answer; unsigned or misused signatures are refused', async () => {
    const again = await page(mediaLabGroupId)
    const url1 = declared(labElems(MEDIA_LAB_SEQS.png)[0]!)[0]!.url
    const m2 = again.find((m) => m.MsgSeq === MEDIA_LAB_SEQS.png)
    const url2 = declared(elems(m2?.MsgBody)[0]!)[0]!.url
    expect(url1).not.toBe(url2)
    expect(url1.split('?')[0]).toBe(url2.split('?')[0])
    expect(new URL(url1).searchParams.get('q-signature')).toMatch(/^[0-9a-f]{40}$/)
    expect((await get(url1)).status).toBe(200)
    expect((await get(url2)).status).toBe(200)
    const unsigned = await get(url1.split('?')[0]!)
    expect(unsigned.status).toBe(403)
    expect(unsigned.body.toString()).toContain('<Code>AccessDenied</Code>')
    // A signature issued for one object does not open another.
    const other = declared(labElems(MEDIA_LAB_SEQS.jpeg)[0]!)[0]!.url
    expect((await get(`${other.split('?')[0]!}?${new URL(url1).search.slice(1)}`)).status).toBe(403)
  })

  test('URLs name the loopback host the client used (localhost or 127.0.0.1), so they match its endpoint', async () => {
    const port = new URL(base).port
    const urlVia = async (host: string): Promise<string> => {
      const usersig = genUserSig({ sdkAppId, secretKey, identifier, expire: 3600 })
      const path = `/v4/group_open_http_svc/group_msg_get_simple?sdkappid=${sdkAppId}&identifier=${identifier}&usersig=${usersig}&random=2&contenttype=json`
      const body = JSON.stringify({ GroupId: mediaLabGroupId, ReqMsgNumber: 1, ReqMsgSeq: MEDIA_LAB_SEQS.png })
      const answer = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method: 'POST', headers: { Host: host }, agent: false }, (res) => {
          const parts: Buffer[] = []
          res.on('data', (c: Buffer) => parts.push(c))
          res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
        })
        req.on('error', reject)
        req.end(body)
      })
      const list = (JSON.parse(answer) as { RspMsgList: Msg[] }).RspMsgList
      return declared(elems(list[0]?.MsgBody)[0]!)[0]!.url
    }
    expect(await urlVia(`localhost:${port}`)).toMatch(new RegExp(`^http://localhost:${port}/cos/media-lab-1400000001/img/`))
    expect(await urlVia(`127.0.0.1:${port}`)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/cos/`))
    // A Host header naming another host or port is ignored: the server's own address is used.
    expect(await urlVia(`evil.example:${port}`)).toMatch(new RegExp(`^${base}/cos/`))
    expect(await urlVia('localhost:1')).toMatch(new RegExp(`^${base}/cos/`))
  })

  test('the team chat’s files are on the same loopback COS, in a public-read bucket with stable URLs', async () => {
    const team = await allMessages(demoGroupIds.team)
    const ds = [...team.values()].flatMap((m) => elems(m.MsgBody)).flatMap(declared)
    expect(ds.length).toBeGreaterThanOrEqual(10)
    for (const d of ds) {
      expect(d.url.startsWith(`${base}/cos/demo-1400000001/`), d.url).toBe(true)
      expect(d.url).not.toContain('q-signature')
      const head = await get(d.url, { method: 'HEAD' })
      expect(head.status, d.url).toBe(200)
      // Size 0 means unknown (§4): then any size is right.
      if (d.bytes > 0) expect(Number(head.headers['content-length']), d.url).toBe(d.bytes)
      if (d.kind === 'png' || d.kind === 'gif' || d.kind === 'jpeg' || d.kind === 'wav') {
        const r = await get(d.url)
        if (d.bytes > 0) expect(r.body.length).toBe(d.bytes)
        checkContent({ ...d, bytes: r.body.length }, r)
      }
    }
  }, 120_000)
})

function checkContent(d: Declared, r: Got): void {
  const type = r.headers['content-type']
  switch (d.kind) {
    case 'png':
      expect(type).toBe('image/png')
      expect(readPng(r.body), d.url).toMatchObject(d.width ? { width: d.width, height: d.height } : {})
      break
    case 'gif': {
      expect(type).toBe('image/gif')
      const g = readGif(r.body)
      if (d.width) expect(g).toMatchObject({ width: d.width, height: d.height })
      expect(g.pixels).toBe(g.width * g.height)
      break
    }
    case 'jpeg': {
      expect(type).toBe('image/jpeg')
      const j = readJpeg(r.body)
      if (d.width) expect(j, d.url).toMatchObject({ width: d.width, height: d.height })
      break
    }
    case 'wav': {
      expect(type).toBe('audio/wav')
      const w = readWav(r.body)
      expect(w).toMatchObject({ rate: 8000, bits: 8, channels: 1 })
      if (d.bytes === 44 + 8000 * (d.seconds ?? 0)) expect(w.seconds).toBe(d.seconds)
      break
    }
    case 'mp4': {
      expect(type).toBe('video/mp4')
      const v = readMp4(r.body)
      expect(v.boxes.slice(0, 3)).toEqual(['ftyp', 'moov', 'mdat'])
      expect(v).toMatchObject({ width: 128, height: 96, durationMs: (d.seconds ?? 0) * 1000 })
      break
    }
    case 'pdf':
      expect(type).toBe('application/pdf')
      expect(readPdf(r.body).objects).toBe(5)
      break
    case 'zip':
      expect(type).toMatch(/^application\/(zip|vnd\.openxmlformats)/)
      expect(readZip(r.body).names).toEqual(['README.txt'])
      break
    case 'txt':
      expect(type).toBe('text/plain')
      expect(r.body.toString('utf8')).toContain('release-notes.txt')
      break
    case 'bin':
      break
  }
}

describe('expiry', () => {
  test('the files of an expired message answer 404 NoSuchKey, with the URL it had while alive', async () => {
    const url = declared(labElems(MEDIA_LAB_SEQS.gif)[0]!)[2]!.url
    expect((await get(url)).status).toBe(200)
    sim.setState(sdkAppId, mediaLabGroupId, MEDIA_LAB_SEQS.gif, 'expired')
    try {
      const r = await get(url)
      expect(r.status).toBe(404)
      expect(r.headers['content-type']).toBe('application/xml')
      expect(r.body.toString()).toContain('<Code>NoSuchKey</Code>')
    } finally {
      sim.setState(sdkAppId, mediaLabGroupId, MEDIA_LAB_SEQS.gif, 'normal')
    }
    expect((await get(url)).status).toBe(200)
  })

  test('purged history (below the floor) takes its files with it', async () => {
    const g = sim.group(sdkAppId, mediaLabGroupId)
    const url = declared(labElems(MEDIA_LAB_SEQS.png)[0]!)[0]!.url
    g.historyFloor = MEDIA_LAB_SEQS.png + 1
    try {
      expect((await get(url)).status).toBe(404)
    } finally {
      delete g.historyFloor
    }
  })

  test('a message still listed whose file already expired (mediaExpired) answers 404', async () => {
    expect(lab.get(MEDIA_LAB_SEQS.expiredMedia)?.IsPlaceMsg).toBe(0)
    for (const d of labElems(MEDIA_LAB_SEQS.expiredMedia).flatMap(declared)) expect((await get(d.url)).status).toBe(404)
  })
})

describe('ranges and methods', () => {
  test('a Range request answers 206 with the exact slice, for video and voice', async () => {
    for (const seq of [MEDIA_LAB_SEQS.video, MEDIA_LAB_SEQS.voice]) {
      const d = declared(labElems(seq)[0]!)[0]!
      const full = (await get(d.url)).body
      const r = await get(d.url, { headers: { Range: 'bytes=100-4195' } })
      expect(r.status).toBe(206)
      expect(r.headers['content-range']).toBe(`bytes 100-4195/${d.bytes}`)
      expect(r.body.equals(full.subarray(100, 4196))).toBe(true)
      const tail = await get(d.url, { headers: { Range: 'bytes=-10' } })
      expect(tail.status).toBe(206)
      expect(tail.body.equals(full.subarray(full.length - 10))).toBe(true)
      const open = await get(d.url, { headers: { Range: `bytes=${d.bytes - 5}-` } })
      expect(open.body.length).toBe(5)
      const bad = await get(d.url, { headers: { Range: `bytes=${d.bytes}-` } })
      expect(bad.status).toBe(416)
      expect(bad.headers['content-range']).toBe(`bytes */${d.bytes}`)
    }
  })

  test('HEAD gives the headers without a body; POST is 405; an unknown object is 404', async () => {
    const d = declared(labElems(MEDIA_LAB_SEQS.zip)[0]!)[0]!
    const h = await get(d.url, { method: 'HEAD' })
    expect(h.status).toBe(200)
    expect(Number(h.headers['content-length'])).toBe(d.bytes)
    expect(h.received).toBe(0)
    expect((await get(d.url, { method: 'POST' })).status).toBe(405)
    expect((await get(`${base}/cos/demo-1400000001/img/nothing-here.png`)).status).toBe(404)
  })
})

describe('the hostile cases', () => {
  test('the oversize file is over 100 MB, declared and actual, and streams without being held in memory', async () => {
    const [d] = labElems(MEDIA_LAB_SEQS.oversize).flatMap(declared)
    expect(d?.bytes).toBe(oversizeBytes)
    expect(oversizeBytes).toBeGreaterThan(100 * 1024 * 1024)
    const path = decodeURIComponent(new URL(d!.url).pathname)
    const blob = sim.cos.blobOf(path)
    const held = (blob?.parts ?? []).reduce((s, p) => s + (Buffer.isBuffer(p) ? p.length : 0), 0)
    expect(held).toBeLessThan(1024 * 1024)
    const r = await get(d!.url, { keep: false })
    expect(r.status).toBe(200)
    expect(Number(r.headers['content-length'])).toBe(oversizeBytes)
    expect(r.received).toBe(oversizeBytes)
    expect(r.complete).toBe(true)
  }, 60_000)

  test('the lying response says image/png and sends HTML', async () => {
    const ds = labElems(MEDIA_LAB_SEQS.lyingType).flatMap(declared)
    expect(ds).toHaveLength(3)
    for (const d of ds) {
      const r = await get(d.url)
      expect(r.status).toBe(200)
      expect(r.headers['content-type']).toBe('image/png')
      expect(r.body.length).toBe(d.bytes)
      expect(r.body.toString('utf8')).toMatch(/^<!doctype html>.*<script>/)
    }
  })

  test('the redirect answers 302 to a host off the allow-list (never followed here)', async () => {
    const [d] = labElems(MEDIA_LAB_SEQS.redirect).flatMap(declared)
    const r = await get(d!.url)
    expect(r.status).toBe(302)
    expect(r.headers['location']).toBe('https://evil.example/x')
  })

  test('the truncated download sends fewer bytes than its Content-Length, then the connection ends', async () => {
    const [d] = labElems(MEDIA_LAB_SEQS.truncated).flatMap(declared)
    const r = await get(d!.url)
    expect(r.status).toBe(200)
    expect(Number(r.headers['content-length'])).toBe(d!.bytes)
    expect(r.complete).toBe(false)
    expect(r.received).toBeLessThan(d!.bytes)
    expect(r.received).toBeGreaterThan(0)
  })

  test('the private-address URL points at another 127.0.0.1 port, whose listener counts every connection', async () => {
    const [d] = labElems(MEDIA_LAB_SEQS.privatePort).flatMap(declared)
    const u = new URL(d!.url)
    expect(u.protocol).toBe('https:')
    expect(u.hostname).toBe('127.0.0.1')
    expect(Number(u.port)).toBe(sim.privatePort)
    expect(u.port).not.toBe(new URL(base).port)
    // Nothing in this file has connected to it so far.
    expect(sim.privateHits).toBe(0)
    await new Promise<void>((resolve, reject) => {
      const s = connect(sim.privatePort, '127.0.0.1', () => s.end())
      s.resume() // read its answer, so the socket can close
      s.on('close', () => resolve())
      s.on('error', reject)
    })
    expect(sim.privateHits).toBe(1)
    // The same counters over HTTP, for tests that run the simulator as a child process.
    const stats = JSON.parse((await get(`${base}${SIM_MEDIA_STATS_PATH}`)).body.toString()) as {
      privatePort: number
      privateHits: number
      cos: { requests: number }
    }
    expect(stats).toMatchObject({ privatePort: sim.privatePort, privateHits: 1 })
    expect(stats.cos.requests).toBe(sim.cos.stats.requests)
  })
})

describe('latency and faults on the COS route', () => {
  const url = (): string => declared(labElems(MEDIA_LAB_SEQS.txt)[0]!)[0]!.url

  test('latency delays every COS answer', async () => {
    sim.cos.setLatency(150)
    try {
      const t0 = performance.now()
      expect((await get(url())).status).toBe(200)
      expect(performance.now() - t0).toBeGreaterThanOrEqual(140)
    } finally {
      sim.cos.setLatency(0)
    }
  })

  test('each fault kind behaves as named, and only on the COS route', async () => {
    try {
      sim.cos.setFaults({ rate: 1, kinds: ['err503'] })
      const slow = await get(url())
      expect(slow.status).toBe(503)
      expect(slow.body.toString()).toContain('<Code>SlowDown</Code>')
      expect((await page(demoGroupIds.custom)).length).toBeGreaterThan(0)
      sim.cos.setFaults({ rate: 1, kinds: ['err500'] })
      expect((await get(url())).status).toBe(500)
      sim.cos.setFaults({ rate: 1, kinds: ['truncated'] })
      const cut = await get(url())
      expect(cut.complete).toBe(false)
      sim.cos.setFaults({ rate: 1, kinds: ['reset'] })
      await expect(get(url())).rejects.toThrow()
      const before = sim.cos.stats.faultsInjected
      sim.cos.setFaults({ rate: 0, kinds: [] })
      expect((await get(url())).status).toBe(200)
      expect(sim.cos.stats.faultsInjected).toBe(before)
    } finally {
      sim.cos.setFaults(undefined)
    }
  })
})

describe('the media bench group', () => {
  test('references exactly the objects asked for, each served with its declared size', async () => {
    const g = mediaBenchGroup({ objects: 61, now: NOW })
    const bench = new Simulator({ apps: [{ sdkAppId: 1400000777, secretKey, admins: [identifier], groups: new Map([[g.GroupId, g]]) }] })
    const url = (await bench.start()).url
    try {
      const paths = bench.cos.paths()
      expect(paths).toHaveLength(61)
      const declaredBytes = new Map<string, number>()
      for (const m of g.messages.values()) {
        for (const e of elems(m.body)) {
          for (const d of declared(e)) declaredBytes.set(decodeURIComponent(d.url.slice('http://sim-cos.invalid'.length).split('?')[0]!), d.bytes)
        }
      }
      for (const p of paths) {
        const u = bench.cos.urlFor(p)
        expect(u.startsWith(`${url}/cos/bench-media-1400000001/`)).toBe(true)
        const h = await get(u, { method: 'HEAD' })
        expect(h.status, p).toBe(200)
        expect(Number(h.headers['content-length']), p).toBe(declaredBytes.get(p))
      }
    } finally {
      await bench.stop()
    }
  })
})
