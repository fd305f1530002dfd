/**
 * What one group's write changes in the index: per changed message, the terms it gained and lost
 * (GroupIndexDiff), collected as postings per term (PostingsBuilder) for store.ts to write.
 */
import type { ArchivedMessage } from '@shared/archive-record'
import { positionList } from '@shared/search/tokenize'
import type { Positions } from './codec'
import type { IndexWriteStats } from './store'
import { indexEntries, indexTime } from './terms'

interface Postings {
  s: number[]
  m: number[]
  /** Positions per posting (terms that keep them; terms.ts hasPositions). */
  x: Positions[]
}

/** term → seqs and times, collected for one group in one write. */
export class PostingsBuilder {
  readonly map = new Map<string, Postings>()

  add(term: string, seq: number, time: number, positions?: Positions): void {
    let p = this.map.get(term)
    if (!p) this.map.set(term, (p = { s: [], m: [], x: [] }))
    p.s.push(seq)
    p.m.push(time)
    p.x.push(positions)
  }

  get size(): number {
    return this.map.size
  }
}

/** The index changes of one group's write: what each changed message gained and lost. */
export class GroupIndexDiff {
  readonly adds = new PostingsBuilder()
  readonly dels = new PostingsBuilder()
  /** Messages whose terms changed. */
  messages = 0

  /** `stats`: a benchmark's, to hear the time spent taking messages apart (termsMs). */
  constructor(private readonly stats?: IndexWriteStats) {}

  /** `before`: the record stored before this write (undefined: new). `after`: what is stored now. */
  record(seq: number, before: ArchivedMessage | undefined, after: ArchivedMessage): void {
    if (!this.stats) return this.recordTerms(seq, before, after)
    const t0 = performance.now()
    this.recordTerms(seq, before, after)
    this.stats.termsMs += performance.now() - t0
  }

  /**
   * A term kept whose positions moved (the same words in another order) is removed and added
   * again: a write's removals apply before its additions (writeDiff).
   */
  private recordTerms(seq: number, before: ArchivedMessage | undefined, after: ArchivedMessage): void {
    const time = indexTime(after)
    const next = indexEntries(after)
    if (!before) {
      next.terms.forEach((term, i) => this.adds.add(term, seq, time, next.positions[i]))
      this.messages++
      return
    }
    const prev = indexEntries(before)
    const prevAt = new Map(prev.terms.map((term, i) => [term, i]))
    const nextSet = new Set(next.terms)
    const beforeTime = indexTime(before)
    let changed = false
    next.terms.forEach((term, i) => {
      const positions = next.positions[i]
      const j = prevAt.get(term)
      if (j !== undefined) {
        // A posting carries its message's time (a first page skips levels by it, after: and
        // before: filter by it). The archive keeps a message's first time, but should a time
        // ever change, every term is written again under the new one.
        if (beforeTime === time && samePositions(prev.positions[j], positions)) return
        this.dels.add(term, seq, beforeTime)
      }
      this.adds.add(term, seq, time, positions)
      changed = true
    })
    for (const term of prev.terms) {
      if (!nextSet.has(term)) {
        this.dels.add(term, seq, beforeTime)
        changed = true
      }
    }
    if (changed) this.messages++
  }
}

function samePositions(a: Positions, b: Positions): boolean {
  const x = positionList(a)
  const y = positionList(b)
  return x.length === y.length && x.every((p, i) => p === y[i])
}
