import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Simulator, type SimApp, type SimGroup, type SimOptions } from '../../tools/sim/server'
import { demoApp, demoCredentials } from '../../tools/sim/seed'
import type { TimCredentials } from '../../src-main/tim/client'
import { builtCli } from './cli'

let nextAppId = 1500000000

/** A fresh SDKAppID per test, so the process-wide rate limiters of different tests never mix. */
export function freshAppId(): number {
  return nextAppId++
}

export function appWith(sdkAppId: number, groups: SimGroup[]): SimApp {
  return {
    sdkAppId,
    secretKey: demoCredentials.secretKey,
    admins: [demoCredentials.identifier],
    groups: new Map(groups.map((g) => [g.GroupId, g]))
  }
}

export function group(id: string, h: Pick<SimGroup, 'messages' | 'nextMsgSeq'> & Partial<SimGroup>, type = 'Public'): SimGroup {
  return { GroupId: id, Type: type, Name: id, ...h }
}

export async function startSim(opts: SimOptions): Promise<{ sim: Simulator; url: string }> {
  const sim = new Simulator(opts)
  const { url } = await sim.start()
  return { sim, url }
}

export function credsFor(sdkAppId: number, url: string, extra: Partial<TimCredentials> = {}): TimCredentials {
  return { sdkAppId, identifier: demoCredentials.identifier, secretKey: demoCredentials.secretKey, endpoint: url, ...extra }
}

/**
 * The demo app (10 bench messages) under its own SDKAppID, served on 127.0.0.1, and a temp folder:
 * what the built CLI tests of the demo start before their tests (they must run after `npm run build`).
 */
export async function startDemoSim(sdkAppId: number, tmpPrefix: string): Promise<{ sim: Simulator; url: string; dir: string }> {
  if (!existsSync(builtCli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  const dir = await mkdtemp(join(tmpdir(), tmpPrefix))
  const sim = new Simulator({ apps: [{ ...demoApp({ benchMessages: 10 }), sdkAppId }], latencyMs: 1 })
  const { url } = await sim.start()
  return { sim, url, dir }
}

/** Stops what startDemoSim started and removes its folder. */
export async function stopDemoSim(s: { sim?: Simulator; dir?: string }): Promise<void> {
  await s.sim?.stop()
  if (s.dir) await rm(s.dir, { recursive: true, force: true })
}
