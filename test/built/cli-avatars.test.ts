/**
 * Avatars kept as media by the CLI (issue 18 §1): a real `tim-archive pull --media DIR` of the
 * demo team chat against the simulator over 127.0.0.1 keeps the avatars its context file records
 * (the simulator's loopback COS serves them) in DIR, each named by its SHA-256, and the ledger says
 * saved under (the person's group, the avatar identity key). An HTML export with --media shows them.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { personKey, readContextFile } from '../../src-main/archive/context-file'
import { MediaLedger } from '../../src-main/media/ledger'
import { avatarKey } from '../../src-main/shared/media/objects'
import { demoApp, demoGroupIds } from '../../tools/sim/seed'
import { Simulator } from '../../tools/sim/server'
import { cliEnv, runCli } from '../helpers/cli'
import { freshAppId } from '../helpers/sim'

const cli = resolve(__dirname, '../../out/main/cli.js')
const appId = freshAppId()
const { team } = demoGroupIds
let dir: string
let sim: Simulator
let url: string

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  dir = await mkdtemp(join(tmpdir(), 'tim-cli-avatars-'))
  sim = new Simulator({ apps: [{ ...demoApp({ benchMessages: 10 }), sdkAppId: appId }], latencyMs: 1 })
  url = (await sim.start()).url
}, 60_000)

afterAll(async () => {
  await sim?.stop()
  await rm(dir, { recursive: true, force: true })
})

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
  }, 120_000)
})
