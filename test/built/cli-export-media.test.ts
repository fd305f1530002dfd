/**
 * `tim-archive export --media DIR` through the built CLI, after a real `pull --media DIR` of the
 * simulator's media lab (real HTTP on loopback): the export's media/ folder holds the kept files
 * with their hashes, the HTML references them by relative paths, and the JSONL paths resolve.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Simulator } from '../../tools/sim/server'
import { demoApp, demoCredentials, mediaGroupId } from '../../tools/sim/seed'
import { MEDIA_LAB_SEQS } from '../../tools/sim/media/lab'
import { cliEnv, runCli } from '../helpers/cli'
import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import { MediaLedger } from '../../src-main/media/ledger'

const cli = resolve(__dirname, '../../out/main/cli.js')
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

let dir: string
let sim: Simulator
let url: string
let archive: string
let media: string

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-cli-export-media-'))
  sim = new Simulator({ apps: [demoApp({ media: true })] })
  url = (await sim.start()).url
  archive = join(dir, 'lab.jsonl')
  media = join(dir, 'kept')
  const r = await runCli(['pull', '--group', mediaGroupId, '--out', archive, '--media', media], cliEnv(demoCredentials.sdkAppId, url))
  expect(r.code, r.stderr).toBe(0)
}, 120_000)
afterAll(async () => {
  await sim?.stop()
  await rm(dir, { recursive: true, force: true })
})

async function lines(file: string): Promise<ArchivedMessage[]> {
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ArchivedMessage)
}

describe('tim-archive export --media', () => {
  it('an HTML export copies the kept files into media/ with their hashes and shows them by relative paths', async () => {
    await mkdir(join(dir, 'html'))
    const out = join(dir, 'html', 'lab.html')
    const r = await runCli(
      ['export', '--in', archive, '--format', 'html', '--out', out, '--media', media, '--tz', 'UTC'],
      cliEnv(demoCredentials.sdkAppId, url)
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/copied \d+ media files \([^)]+\) to .*media\n/)
    const names = await readdir(join(dir, 'html', 'media'))
    expect(names.length).toBeGreaterThan(5)
    for (const n of names) {
      expect(n).toMatch(/^[0-9a-f]{64}\.(png|jpg|gif|wav|mp4|pdf|zip|bin)$/)
      expect(sha(await readFile(join(dir, 'html', 'media', n)))).toBe(n.split('.')[0])
    }
    // Every object the pull saved is there, once, and the senders' avatars it kept (issue 18 §1).
    const saved = new Set<string>()
    for (const m of await lines(archive)) for (const n of Object.values(m._archive?.media ?? {})) if (n.status === 'saved') saved.add(n.sha256 as string)
    const html = await readFile(out, 'utf8')
    const avatars = new Set([...html.matchAll(/<img class="av" src="media\/([0-9a-f]{64})\./g)].map((m) => m[1]!))
    const ledger = await MediaLedger.open(media)
    const keptAvatars = new Set([...ledger.entries()].flatMap(([, key, o]) => (key.startsWith('avatar:') && o.status === 'saved' ? [o.sha256] : [])))
    await ledger.close()
    expect(avatars.size).toBeGreaterThan(0)
    for (const a of avatars) expect(keptAvatars).toContain(a)
    expect(new Set(names.map((n) => n.split('.')[0]))).toEqual(new Set([...saved, ...avatars]))

    const srcs = [...html.matchAll(/<img class="mi" src="([^"]+)"/g)].map((m) => m[1]!)
    expect(srcs.length).toBeGreaterThan(3)
    for (const s of srcs) expect(names).toContain(s.replace(/^media\//, ''))
    expect(html).toMatch(/<audio class="k" controls preload="none" src="media\/[0-9a-f]{64}\.wav">/)
    expect(html).toMatch(/<video class="mi k" controls preload="none" src="media\/[0-9a-f]{64}\.mp4" poster="media\/[0-9a-f]{64}\.(png|jpg)"/)
    expect(html).toMatch(/href="media\/[0-9a-f]{64}\.pdf" download="[^"]+\.pdf"/)
    expect(html).toContain("img-src 'self'; media-src 'self'")
    // No page loads anything from the network: no remote src anywhere.
    expect(html).not.toMatch(/src="https?:/)
  }, 60_000)

  it('JSONL paths resolve to the copies, and a PNG thumbnail of the lab is the bytes the simulator served', async () => {
    await mkdir(join(dir, 'jsonl'))
    const out = join(dir, 'jsonl', 'lab.jsonl')
    const r = await runCli(['export', '--in', archive, '--format', 'jsonl', '--out', out, '--media', media], cliEnv(demoCredentials.sdkAppId, url))
    expect(r.code, r.stderr).toBe(0)
    let paths = 0
    for (const m of await lines(out)) {
      for (const n of Object.values(m._archive?.media ?? {})) {
        if (n.status !== 'saved') {
          expect(n).not.toHaveProperty('path')
          continue
        }
        expect(n.path).toMatch(/^media\/[0-9a-f]{64}\.[a-z0-9]+$/)
        expect(sha(await readFile(join(dir, 'jsonl', n.path as string)))).toBe(n.sha256)
        paths++
      }
    }
    expect(paths).toBeGreaterThan(5)
    const png = (await lines(out)).find((m) => m.MsgSeq === MEDIA_LAB_SEQS.png)!
    const thumb = Object.entries(png._archive!.media!).find(([k]) => k.startsWith('image:thumb:'))![1]
    expect(thumb.path).toMatch(/\.png$/)
  }, 60_000)

  it('a saved file missing from the media folder is named in the summary, and the export still succeeds', async () => {
    const saved = (await lines(archive)).findLast((m) => m.MsgSeq === MEDIA_LAB_SEQS.pdf)!
    const pdf = Object.values(saved._archive!.media!).find((n) => n.status === 'saved')!.sha256 as string
    await unlink(join(media, pdf.slice(0, 2), pdf))
    await mkdir(join(dir, 'missing'))
    const out = join(dir, 'missing', 'lab.txt')
    const r = await runCli(['export', '--in', archive, '--format', 'txt', '--out', out, '--media', media], cliEnv(demoCredentials.sdkAppId, url))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`1 saved media file(s) missing from the media folder, left out: ${pdf} (${mediaGroupId} #${MEDIA_LAB_SEQS.pdf})`)
    expect(existsSync(join(dir, 'missing', 'media', `${pdf}.pdf`))).toBe(false)
  }, 60_000)

  it('--media-inline makes one self-contained page; it needs --format html and --media', async () => {
    await mkdir(join(dir, 'inline'))
    const out = join(dir, 'inline', 'lab.html')
    const r = await runCli(
      ['export', '--in', archive, '--format', 'html', '--out', out, '--media', media, '--media-inline'],
      cliEnv(demoCredentials.sdkAppId, url)
    )
    expect(r.code, r.stderr).toBe(0)
    expect(await readdir(join(dir, 'inline'))).toEqual(['lab.html'])
    const html = await readFile(out, 'utf8')
    expect(html).toMatch(/<img class="mi" src="data:image\/(png|jpeg|gif);base64,/)
    expect(html).not.toMatch(/src="media\//)
    const bad = await runCli(
      ['export', '--in', archive, '--format', 'csv', '--out', join(dir, 'x.csv'), '--media', media, '--media-inline'],
      cliEnv(demoCredentials.sdkAppId, url)
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--media-inline makes a self-contained HTML page')
    const none = await runCli(
      ['export', '--in', archive, '--format', 'html', '--out', join(dir, 'y.html'), '--media', join(dir, 'nowhere')],
      cliEnv(demoCredentials.sdkAppId, url)
    )
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('no ledger.jsonl there')
  }, 60_000)
})
