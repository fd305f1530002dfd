import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import { applyEvent, type ApplyStore, type PendingChange } from '../../src-main/listen/apply'
import type { ApplyInput, ApplyOutcome, CallbackSink } from '../../src-main/listen/sink'

const unit = (groupId: string, topicId: string | undefined, seq: number): string => `${topicId ?? groupId}\n${seq}`

/** The listener's sink in memory, with the PostgreSQL sink's rules (applyEvent); `down` makes it fail. */
export class MemoryCallbackSink implements CallbackSink {
  readonly records = new Map<string, ArchivedMessage>()
  readonly keys = new Set<string>()
  readonly pending = new Map<string, PendingChange[]>()
  down = false
  /** Each apply waits this long first (a slow database). */
  delayMs = 0
  writes = 0

  get(groupId: string, seq: number, topicId?: string): ArchivedMessage | undefined {
    return this.records.get(unit(groupId, topicId, seq))
  }

  async apply({ event, key, receivedAt }: ApplyInput): Promise<ApplyOutcome> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs))
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432')
    if (this.keys.has(key)) return { duplicate: true, written: 0, waiting: 0 }
    // One "transaction": changes are staged and kept only when everything succeeded.
    const records = new Map(this.records)
    const pending = new Map(this.pending)
    const store: ApplyStore = {
      get: async (g, t, s) => records.get(unit(g, t, s)),
      put: async (r) => {
        records.set(unit(r.GroupId, r.TopicId, r.MsgSeq), r)
      },
      waiting: async (g, t, s) => pending.get(unit(g, t, s)) ?? [],
      wait: async (g, t, s, c) => {
        pending.set(unit(g, t, s), [...(pending.get(unit(g, t, s)) ?? []), c])
      },
      applied: async (g, t, s) => {
        pending.delete(unit(g, t, s))
      }
    }
    const r = await applyEvent(store, event, receivedAt)
    this.records.clear()
    for (const [k, v] of records) this.records.set(k, v)
    this.pending.clear()
    for (const [k, v] of pending) this.pending.set(k, v)
    this.keys.add(key)
    this.writes += r.written
    return { duplicate: false, ...r }
  }

  async close(): Promise<void> {}
}
