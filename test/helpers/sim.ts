import { Simulator, type SimApp, type SimGroup, type SimOptions } from '../../tools/sim/server'
import { demoCredentials } from '../../tools/sim/seed'
import type { TimCredentials } from '../../src-main/tim/client'

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
