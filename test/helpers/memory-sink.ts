import { mergeMessage, type ArchivedMessage } from '../../src-main/shared/archive-record'
import { applyBatchCoverage, emptyCoverage, type Coverage } from '../../src-main/shared/coverage'
import type { ArchiveSink, SyncBatch } from '../../src-main/archive/engine'
import type { SimGroup } from '../../tools/sim/server'

/** An in-memory store with the same merge and coverage rules as the real sinks. */
export class MemorySink implements ArchiveSink {
  readonly messages = new Map<string, Map<number, ArchivedMessage>>()
  readonly coverage = new Map<string, Coverage>()
  batches = 0

  async commit(batch: SyncBatch): Promise<void> {
    this.batches++
    let g = this.messages.get(batch.groupId)
    if (!g) this.messages.set(batch.groupId, (g = new Map()))
    for (const m of batch.messages) g.set(m.MsgSeq, mergeMessage(g.get(m.MsgSeq), m, batch.groupId).record)
    this.coverage.set(batch.groupId, applyBatchCoverage(this.coverage.get(batch.groupId) ?? emptyCoverage(), batch))
  }

  cov(groupId: string): Coverage {
    return this.coverage.get(groupId) ?? emptyCoverage()
  }

  /** seq → IsPlaceMsg of what is archived. */
  places(groupId: string): Map<number, number> {
    return new Map([...(this.messages.get(groupId) ?? new Map<number, ArchivedMessage>())].map(([s, m]) => [s, m.IsPlaceMsg]))
  }
}

/** What a complete archive of a simulated group must hold: seq → IsPlaceMsg (WithRecalledMsg=1). */
export function expectedPlaces(g: Pick<SimGroup, 'messages' | 'historyFloor' | 'nextMsgSeq'>): Map<number, number> {
  const out = new Map<number, number>()
  const floor = g.historyFloor ?? 1
  for (const [seq, m] of [...g.messages].sort((a, b) => a[0] - b[0])) {
    if (seq < floor || seq >= g.nextMsgSeq) continue
    out.set(seq, m.state === 'normal' ? 0 : m.state === 'recalled' ? 2 : 1)
  }
  return out
}

export function sortedEntries(m: Map<number, number>): [number, number][] {
  return [...m].sort((a, b) => a[0] - b[0])
}
