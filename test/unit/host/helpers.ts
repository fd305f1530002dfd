import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Simulator, type SimOptions } from '../../../tools/sim/server'
import { demoApp, demoCredentials } from '../../../tools/sim/seed'
import type { ConnectInput } from '../../../src-main/shared/ipc/contract'
import type { AppService } from '../../../src-main/services/app-service'
import type { HostEvents } from '../../../src-main/services/host-events'

/**
 * The demo app under its own SDKAppID, plus copies under other SDKAppIDs: get_appid_group_list is
 * 1 request/s per SDKAppID, so tests that each use their own app never wait for one another.
 */
export const cloneAppIds = Array.from({ length: 8 }, (_, i) => 1500000100 + i)

export async function startDemoSim(opts: SimOptions = {}): Promise<{ sim: Simulator; url: string }> {
  // The copies share the demo app's groups: nothing here changes them.
  const demo = demoApp({ benchMessages: 500 })
  const apps = [demo, ...cloneAppIds.map((sdkAppId) => ({ ...demo, sdkAppId }))]
  const sim = new Simulator({ apps, ...opts })
  const { url } = await sim.start()
  return { sim, url }
}

export function connectInput(url: string, sdkAppId: number = demoCredentials.sdkAppId, over: Partial<ConnectInput> = {}): ConnectInput {
  return { sdkAppId, identifier: demoCredentials.identifier, secretKey: demoCredentials.secretKey, region: 'custom', endpoint: url, ...over }
}

export async function tempDir(prefix = 'tim-host-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** Fast client settings for tests: few retries, short backoff. */
export const testClientOptions = { retries: 2, timeoutMs: 5000, backoffMs: 5, backoffLimitMs: 50 }

type Entry = { [K in keyof HostEvents]: { type: K; at: number; payload: HostEvents[K] } }[keyof HostEvents]

/** Records every event the service emits, and lets a test wait for one. */
export class EventLog {
  readonly entries: Entry[] = []
  private waiters: { pred: (e: Entry) => boolean; resolve: (e: Entry) => void }[] = []
  private readonly offs: (() => void)[]

  constructor(service: AppService) {
    const push = (e: Entry) => {
      this.entries.push(e)
      for (const w of [...this.waiters]) {
        if (w.pred(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1)
          w.resolve(e)
        }
      }
    }
    this.offs = [
      service.on('sync:batch', (payload) => push({ type: 'sync:batch', at: performance.now(), payload })),
      service.on('sync:progress', (payload) => push({ type: 'sync:progress', at: performance.now(), payload })),
      service.on('sync:done', (payload) => push({ type: 'sync:done', at: performance.now(), payload }))
    ]
  }

  of<K extends keyof HostEvents>(type: K): HostEvents[K][] {
    return this.entries.filter((e) => e.type === type).map((e) => e.payload as HostEvents[K])
  }

  wait<K extends keyof HostEvents>(type: K, pred: (p: HostEvents[K]) => boolean = () => true, timeoutMs = 10_000): Promise<HostEvents[K]> {
    const found = this.entries.find((e) => e.type === type && pred(e.payload as HostEvents[K]))
    if (found) return Promise.resolve(found.payload as HostEvents[K])
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs)
      this.waiters.push({
        pred: (e) => e.type === type && pred(e.payload as HostEvents[K]),
        resolve: (e) => {
          clearTimeout(t)
          resolve(e.payload as HostEvents[K])
        }
      })
    })
  }

  stop(): void {
    for (const off of this.offs) off()
  }
}
