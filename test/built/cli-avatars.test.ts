/**
 * Avatars kept as media by the CLI (issue 18 §1): a real `tim-archive pull --media DIR` of the
 * demo team chat against the simulator over 127.0.0.1 keeps the avatars its context file records
 * (the simulator's loopback COS serves them) in DIR, each named by its SHA-256, and the ledger says
 * saved under (the person's group, the avatar identity key). An HTML export with --media shows
 * them beside the senders' names, from its media/ folder.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { personKey, readContextFile } from '../../src-main/archive/context-file'
import { MediaLedger } from '../../src-main/media/ledger'
import { avatarKey } from '../../src-main/shared/media/objects'
import { demoGroupIds } from '../../tools/sim/seed'
import { Simulator } from '../../tools/sim/server'
import { cliEnv, runCli } from '../helpers/cli'
import { freshAppId, startDemoSim, stopDemoSim } from '../helpers/sim'

const appId = freshAppId()
const { team } = demoGroupIds
let dir: string
let sim: Simulator
let url: string

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  ;({ sim, url, dir } = await startDemoSim(appId, 'tim-cli-avatars-'))
}, 60_000)

afterAll(() => stopDemoSim({ sim, dir }))

describe('tim-archive pull --media keeps avatars', () => {
  it('the avatars of the context file are in DIR, hashed to their names, the ledger says saved', async () => {
    const archive = join(dir, 'team.jsonl')
    const media = join(dir, 'kept')
    const r = await runCli(['pull', '--group', team, '--out', archive, '--media', media], cliEnv(appId, url))
    expect(r.code, r.stderr).toBe(0)

    const ctx = (await readContextFile(`${archive}.context.jsonl`))!
    const alice = ctx.people.get(personKey(team, 'alice'))!
    const aliceUrl = alice.history.map((h) => h.avatar).find((a): a is string => !!a)!
    expect(aliceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*avatar\/alice\.png/)
    const urls = new Set<string>()
    for (const [, p] of ctx.people) for (const h of p.history) if (h.avatar) urls.add(h.avatar)
    expect(urls.size).toBeGreaterThan(3)
    // The run's summary counts the avatars apart from the messages' media.
    expect(r.stdout).toMatch(new RegExp(`: (no new media to keep|[^\\n]* saved \\([^)]*\\)[^;\\n]*); avatars: ${urls.size} saved\\n`))

    const ledger = await MediaLedger.open(media)
    try {
      for (const u of urls) {
        const o = ledger.get(team, avatarKey(u)!)
        expect(o?.status, u).toBe('saved')
        if (o?.status !== 'saved') continue
        const names = await readdir(media, { recursive: true })
        const file = names.find((n) => n.includes(o.sha256))
        expect(file, u).toBeTruthy()
        expect(sha(await readFile(join(media, file!)))).toBe(o.sha256)
      }
    } finally {
      await ledger.close()
    }

    // An HTML export with the same folder shows each sender's kept avatar from media/, copied there.
    const out = join(dir, 'html', 'team.html')
    await mkdir(join(dir, 'html'))
    const e = await runCli(['export', '--in', archive, '--format', 'html', '--out', out, '--media', media, '--tz', 'UTC'], cliEnv(appId, url))
    expect(e.code, e.stderr).toBe(0)
    expect(e.stderr).toMatch(/copied \d+ media files \([^;)]+; \d+ of them sender avatars\) to /)
    const html = await readFile(out, 'utf8')
    const imgs = [...html.matchAll(/<img class="av" src="(media\/[0-9a-f]{64}\.png)" alt="" width="20" height="20" data-avatar>/g)].map((m) => m[1]!)
    expect(imgs.length).toBeGreaterThan(10)
    // alice's messages carry alice's avatar, beside her name.
    const aliceSha = (await savedSha(media, team, avatarKey(aliceUrl)!))!
    expect(html).toMatch(new RegExp(`<img class="av" src="media/${aliceSha}\\.png"[^>]*><span class="f" title="alice">`))
    for (const src of new Set(imgs)) expect(sha(await readFile(join(dir, 'html', src)))).toBe(src.slice(6, 70))
    // No avatar is loaded from anywhere but media/: the archive's URLs never reach the page.
    expect(html).not.toMatch(/<img[^>]+src="http/)

    // Without --media the export shows no avatar (it would have nothing of its own to show).
    const plain = join(dir, 'plain.html')
    expect((await runCli(['export', '--in', archive, '--format', 'html', '--out', plain, '--tz', 'UTC'], cliEnv(appId, url))).code).toBe(0)
    expect(await readFile(plain, 'utf8')).not.toContain('<img')
  }, 120_000)
})

async function savedSha(media: string, groupId: string, key: string): Promise<string | undefined> {
  const l = await MediaLedger.open(media)
  try {
    const o = l.get(groupId, key)
    return o?.status === 'saved' ? o.sha256 : undefined
  } finally {
    await l.close()
  }
}
