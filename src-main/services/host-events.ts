/**
 * The events the host emits, keyed by the contract's channel names: the sync events both
 * transports forward to the page, and the page's status for the desktop shell's tray.
 */
import type { EventPayload, HostEventChannel } from '../shared/ipc/channels'
import type { AppStatus } from '../shared/ipc/contract'

/** The table's host events (sync:batch, sync:progress, sync:done), and the page's status. */
export type HostEvents = { [C in HostEventChannel]: EventPayload<C> } & {
  /** The renderer's status for the tray (Electron shell only listens). */
  'app:setStatus': AppStatus
}

export type Listener<K extends keyof HostEvents> = (e: HostEvents[K]) => void
export type Emit = <K extends keyof HostEvents>(event: K, payload: HostEvents[K]) => void

export class HostEventBus {
  private readonly listeners = new Map<keyof HostEvents, Set<Listener<never>>>()

  /** Subscribes to a host event; returns the unsubscribe function. */
  on<K extends keyof HostEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    const added = set
    added.add(listener as Listener<never>)
    return () => added.delete(listener as Listener<never>)
  }

  readonly emit: Emit = (event, payload) => {
    for (const l of [...(this.listeners.get(event) ?? [])] as Listener<typeof event>[]) {
      try {
        l(payload)
      } catch (e) {
        // A transport's bug must not break the run for the others.
        console.error(`tim-archive: a ${event} listener threw`, e)
      }
    }
  }
}
