/**
 * Reading a `tim-archive pull` file for export, in bounded memory and in order.
 *
 * A pull file is not in order: the engine pulls windows of history concurrently and appends each
 * batch as it commits. Exports read best in order (each group by seq; by month first for a month
 * split), and a million records do not fit in memory as objects (~1 KB each). So:
 * 1. one streaming pass reads every line, parses it, applies the filter, and keeps only where the
 *    line is (offset, length) with its sort key: about 40 bytes a message;
 * 2. the keys are sorted;
 * 3. a second pass reads the kept lines in that order (positioned reads through a small block
 *    cache: a pull file is mostly runs of consecutive seqs, so reads are mostly sequential) and
 *    yields them in chunks.
 * The lines are split by hand rather than with readline because pass 2 needs each line's byte
 * offset, which readline does not give.
 *
 * A line that is not JSON (a torn last line after a crash, or garbage) is skipped and reported by
 * line number; the rest of the file is still exported. A JSON line that is not a valid record
 * (shared/record-line) stops the scan with a RecordLineError naming the line and the field.
 */
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { unitKey, type ArchivedMessage } from '../shared/archive-record'
import { describeRecordProblem, parseRecordLine, type RecordProblem } from '../shared/record-line'

export interface ScanOptions {
  /** Keep only records this predicate accepts. */
  keep: (m: ArchivedMessage) => boolean
  /** Group ids in the order their messages should come; others follow in order of appearance. */
  groupOrder?: readonly string[]
  /** Sort by this key first (the month partition), then group, then seq. */
  primaryKey?: (m: ArchivedMessage) => number
  onProgress?: (bytesRead: number, totalBytes: number) => void
}

export interface ScanResult {
  path: string
  count: number
  /** Messages in the file (kept or not): each (group, seq) once, however many lines it has (pull --media appends a later copy of a message with its media outcomes). */
  records: number
  /** 1-based line numbers of lines that are not records. */
  badLines: number[]
  badLineCount: number
  /** Groups of the kept records, in export order. */
  groups: string[]
  /** Every group with a record in the file, kept or not, sorted. */
  allGroups: string[]
  /** Reads the kept records in order, `chunk` at a time. */
  read(chunk?: number): AsyncGenerator<ArchivedMessage[]>
}

/** A line that is JSON but not a record the archive can use: the export stops, writing nothing. */
export class RecordLineError extends Error {
  override name = 'RecordLineError'
  constructor(
    readonly path: string,
    readonly line: number,
    readonly problem: RecordProblem
  ) {
    super(`${path}: ${describeRecordProblem(line, problem)}. Nothing was exported; fix or remove that line.`)
  }
}

class Grow {
  data: Float64Array
  length = 0
  constructor(n = 1 << 16) {
    this.data = new Float64Array(n)
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2)
      d.set(this.data)
      this.data = d
    }
    this.data[this.length++] = v
  }
}

export async function scanJsonl(path: string, opts: ScanOptions): Promise<ScanResult> {
  const total = (await stat(path)).size
  const groupIndex = new Map<string, number>()
  for (const g of opts.groupOrder ?? []) if (!groupIndex.has(g)) groupIndex.set(g, groupIndex.size)
  const present = new Set<number>()
  const keys = new Grow()
  const groups = new Grow()
  const seqs = new Grow()
  const offsets = new Grow()
  const lengths = new Grow()
  const badLines: number[] = []
  const allGroups = new Set<string>()
  let badLineCount = 0
  // Every line's (group, seq), kept or not, as one number (group index × 2^32 + seq): counted once each at the end.
  const everyKey = new Grow()
  const everyGroup = new Map<string, number>()
  let lineNo = 0
  let pos = 0
  let carry: Buffer | null = null
  let carryAt = 0

  const unitIndex = new Map<string, number>()
  const line = (buf: Buffer, start: number, end: number, at: number): void => {
    lineNo++
    let e = end
    if (e > start && buf[e - 1] === 0x0d) e--
    if (e === start) return
    const text = buf.toString('utf8', start, e)
    if (text.trim() === '') return
    const r = parseRecordLine(text)
    if (!r.ok) {
      // A line that is not JSON is a torn line (a pull killed mid-append): skipped and reported.
      // A JSON line with the wrong fields is a wrong file, and exporting it would show made-up
      // dates and senders: stop (issue 15 item 2).
      if (r.problem.got !== 'not-json') throw new RecordLineError(path, lineNo, r.problem)
      badLineCount++
      if (badLines.length < 20) badLines.push(lineNo)
      return
    }
    const m = r.record
    allGroups.add(m.GroupId)
    // A Community topic's seqs are its own: a message is (group or topic, seq), never (group, seq).
    const unit = unitKey(m.GroupId, m.TopicId)
    let eg = everyGroup.get(unit)
    if (eg === undefined) everyGroup.set(unit, (eg = everyGroup.size))
    everyKey.push(eg * 2 ** 32 + m.MsgSeq)
    if (!opts.keep(m)) return
    let g = groupIndex.get(m.GroupId)
    if (g === undefined) {
      g = groupIndex.size
      groupIndex.set(m.GroupId, g)
    }
    present.add(g)
    let u = unitIndex.get(unit)
    if (u === undefined) unitIndex.set(unit, (u = unitIndex.size))
    keys.push(opts.primaryKey ? opts.primaryKey(m) : 0)
    // Group order first (--group's, else first seen), then the group's own messages, then its topics (by ID, below).
    groups.push(g * 2 ** 32 + (unit === m.GroupId ? 0 : u + 1))
    seqs.push(m.MsgSeq)
    offsets.push(at)
    lengths.push(e - start)
  }

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf = chunk
    let base = pos
    if (carry) {
      buf = Buffer.concat([carry, chunk])
      base = carryAt
    }
    let start = 0
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      line(buf, start, nl, base + start)
      start = nl + 1
    }
    carry = start < buf.length ? buf.subarray(start) : null
    carryAt = base + start
    pos += chunk.length
    opts.onProgress?.(pos, total)
  }
  if (carry) line(carry, 0, carry.length, carryAt)

  // A group's topics in the order of their IDs (as the team archive reads them), not the order the
  // pull happened to write them in (its topics are pulled side by side).
  const units = [...unitIndex.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const unitRank = new Uint32Array(unitIndex.size)
  units.forEach(([, u], rank) => (unitRank[u] = rank))
  for (let i = 0; i < groups.length; i++) {
    const v = groups.data[i]!
    const low = v % 2 ** 32
    if (low > 0) groups.data[i] = v - low + unitRank[low - 1]! + 1
  }

  // Order: primary key, group, seq; for the same (group, seq) twice, the later line wins.
  const n = offsets.length
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const k = keys.data
  const gr = groups.data
  const sq = seqs.data
  const of = offsets.data
  order.sort((a, b) => k[a]! - k[b]! || gr[a]! - gr[b]! || sq[a]! - sq[b]! || of[a]! - of[b]!)
  let kept = 0
  for (let i = 0; i < n; i++) {
    const a = order[i]!
    const b = i + 1 < n ? order[i + 1]! : -1
    if (b !== -1 && gr[a] === gr[b] && sq[a] === sq[b]) continue
    order[kept++] = a // in place: kept never passes i
  }
  const sorted = order.subarray(0, kept)
  const every = everyKey.data.subarray(0, everyKey.length).sort()
  let records = 0
  for (let i = 0; i < every.length; i++) if (i === 0 || every[i] !== every[i - 1]) records++
  const names = [...groupIndex.entries()]
    .filter(([, i]) => present.has(i))
    .sort((a, b) => a[1] - b[1])
    .map(([id]) => id)

  return {
    path,
    count: sorted.length,
    records,
    badLines,
    badLineCount,
    groups: names,
    allGroups: [...allGroups].sort(),
    async *read(chunk = 1000) {
      const fh = await open(path, 'r')
      const blockSize = 256 * 1024
      let block = Buffer.alloc(0)
      let blockAt = -1
      try {
        let out: ArchivedMessage[] = []
        for (let i = 0; i < sorted.length; i++) {
          const idx = sorted[i]!
          const at = of[idx]!
          const len = lengths.data[idx]!
          if (blockAt < 0 || at < blockAt || at + len > blockAt + block.length) {
            const size = Math.max(blockSize, len)
            const b = Buffer.allocUnsafe(size)
            const { bytesRead } = await fh.read(b, 0, size, at)
            block = b.subarray(0, bytesRead)
            blockAt = at
          }
          const text = block.toString('utf8', at - blockAt, at - blockAt + len)
          const r = parseRecordLine(text)
          // The file changed between the passes (another process rewrote it): stop, do not guess.
          if (!r.ok) throw new Error(`${path} changed while it was being exported (line at byte ${at}); run the export again.`)
          out.push(r.record)
          if (out.length >= chunk) {
            yield out
            out = []
          }
        }
        if (out.length) yield out
      } finally {
        await fh.close()
      }
    }
  }
}
