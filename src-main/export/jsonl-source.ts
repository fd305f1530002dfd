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
 * A line that is not a record (a torn last line after a crash, or garbage) is skipped and
 * reported by line number; the rest of the file is still exported.
 */
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import type { ArchivedMessage } from '../shared/archive-record'

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
  /** Records read (kept or not). */
  records: number
  /** 1-based line numbers of lines that are not records. */
  badLines: number[]
  badLineCount: number
  /** Groups of the kept records, in export order. */
  groups: string[]
  /** Reads the kept records in order, `chunk` at a time. */
  read(chunk?: number): AsyncGenerator<ArchivedMessage[]>
}

/** Parses one line; null when it is not a record (the importer's rule: GroupId and MsgSeq). */
export function parseRecordLine(line: string): ArchivedMessage | null {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return null
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null
  const r = v as Record<string, unknown>
  if (typeof r.GroupId !== 'string' || r.GroupId === '') return null
  if (typeof r.MsgSeq !== 'number' || !Number.isSafeInteger(r.MsgSeq) || r.MsgSeq < 1) return null
  return v as ArchivedMessage
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
  let badLineCount = 0
  let records = 0
  let lineNo = 0
  let pos = 0
  let carry: Buffer | null = null
  let carryAt = 0

  const line = (buf: Buffer, start: number, end: number, at: number): void => {
    lineNo++
    let e = end
    if (e > start && buf[e - 1] === 0x0d) e--
    if (e === start) return
    const text = buf.toString('utf8', start, e)
    if (text.trim() === '') return
    const m = parseRecordLine(text)
    if (!m) {
      badLineCount++
      if (badLines.length < 20) badLines.push(lineNo)
      return
    }
    records++
    if (!opts.keep(m)) return
    let g = groupIndex.get(m.GroupId)
    if (g === undefined) {
      g = groupIndex.size
      groupIndex.set(m.GroupId, g)
    }
    present.add(g)
    keys.push(opts.primaryKey ? opts.primaryKey(m) : 0)
    groups.push(g)
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
  const names = [...groupIndex.entries()].filter(([, i]) => present.has(i)).sort((a, b) => a[1] - b[1]).map(([id]) => id)

  return {
    path,
    count: sorted.length,
    records,
    badLines,
    badLineCount,
    groups: names,
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
          const m = parseRecordLine(text)
          // The file changed between the passes (another process rewrote it): stop, do not guess.
          if (!m) throw new Error(`${path} changed while it was being exported (line at byte ${at}); run the export again.`)
          out.push(m)
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
