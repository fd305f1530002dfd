/**
 * The search index: packed postings rows in the `postings` table, written in the same transaction
 * as the messages they describe (archive-repo.ts writeGroups), so the index is never out of step.
 *
 * Why this shape (measured in Chromium before choosing; docs/dev/search-index.md, figures in
 * docs/dev/benchmarks.md): an IndexedDB put costs about the same whatever its size up to tens of
 * KB, while reading costs by the byte. A multiEntry index over every term writes one entry per
 * term per message and collapses ingest; a row per term is worse. Here a write puts a few dozen rows (a merge a few
 * hundred to a few thousand), each packing many terms, and a lookup reads one bucket per level.
 *
 * The index of a group is a small log-structured merge tree (LEVELS):
 * - level 0 holds small writes (a sync commits whatever arrived while the last transaction ran,
 *   sometimes a few dozen messages): one run per write, cut into 16 buckets;
 * - when level 0 holds foldMessages messages, the write that crosses the line folds them, with
 *   its own postings, into one level-1 run (64 buckets), and deletes them; a write that big on
 *   its own goes straight to level 1;
 * - when a level holds `fanout` runs, they merge into one run of the next level, which has more
 *   buckets (1,024, then 2,048): a bucket of any level holds a few hundred postings per run, and a
 *   lookup reads at most fanout − 1 rows per level, plus the runs of the last level (one per fanout²
 *   folds).
 * All of it happens inside the write's one transaction.
 *
 *   key [b, gk, c]   b: bucket, LEVELS[l].base + the top LEVELS[l].bits of the terms' position
 *                    (terms.ts termPosition), gk: group, c: chunk number (per group, one
 *                    integer per write, so rows apply in the order they were written; a run's
 *                    rows beyond rowPostings postings are parts c + k / 2^20)
 *   t  '\n' + the row's terms, sorted, joined by '\n' + '\n'   (one string: one structured-clone item)
 *   d  every term's postings: seqs (ascending within a term), their MsgTimeStamps (0 when
 *      unknown) and, for spaced-script words, where the word stands in the message (quoted
 *      phrases); delta-coded varints (codec.ts), one byte per character of a string
 *   o  term i's postings are d[o(i), o(i+1)): offsets, two characters each (codec offsetAt)
 *   del 1: these postings are removals (a rewrite took terms away), applied in chunk order
 *   mt the newest time among the row's postings
 *
 * A merged run keeps the order: its removals take the lowest chunk number it merged and its
 * additions the highest (a merge nets each (term, seq) to one or the other), and the runs of one
 * level are always newer than those of the next.
 *
 * This file holds the layout (levels, buckets, the row and the per-group state); diff.ts what a
 * write changes, rows.ts packing and reading rows, store.ts the writes, folds and merges.
 */
import type { Bytes, Offsets } from './codec'

export interface Level {
  /** The first bucket number of the level. */
  base: number
  /** Buckets: 2^bits, by the top bits of a term's position. */
  bits: number
}

/**
 * Level 0: small writes; 1: folds; 2 and 3: merges of `fanout` runs of the level above. More
 * buckets make rows smaller, and a lookup reads one row per run: bench:search measured 32/256/2,048
 * buckets against 16/128/1,024 on 1,000,000 messages, a rare word's lookup reading half as much.
 * Level 2 then had the 8 bits of a Latin word's 3-letter prefix (terms.ts PREFIX_BITS), so
 * its row for a word held every word with that start: 64/1,024/2,048 read less again, for a rare
 * word and for the benchmark's phrase, with ingest about as fast (a put costs per row, but a run's
 * rows are few beside the messages it indexes). Figures, dated: docs/dev/benchmarks.md.
 */
export const LEVELS: readonly Level[] = [
  { base: 0, bits: 4 },
  { base: 16, bits: 6 },
  { base: 80, bits: 10 },
  { base: 1104, bits: 11 }
]

/** The bucket of a position at a level. */
export function bucketAt(level: number, position: number): number {
  const l = LEVELS[level]!
  return l.base + (position >>> (32 - l.bits))
}

/** The buckets [lo, hi) of each level holding positions [lo, hi). */
export function levelSpans(span: { lo: number; hi: number }): [number, number][] {
  return LEVELS.map((_, level) => [bucketAt(level, span.lo), bucketAt(level, span.hi - 1) + 1])
}

/**
 * - foldMessages: level-0 messages (per group) that make the next write fold them into level 1;
 * - fanout: runs of a level that merge into one run of the next;
 * - rowPostings: postings per row at most; a run's bucket with more is cut into parts (rows over
 *   64 KB are stored by Chromium as separate blob files, which are much slower to read).
 * Tests lower them to exercise folds, merges and parts on small archives: they pass their own to
 * the writes (store.ts PostingsOptions); the app writes with defaultTuning.
 */
export interface PostingsTuning {
  foldMessages: number
  fanout: number
  rowPostings: number
}

/**
 * fanout 12 rather than 8 (2026-12-07): fewer merges while writing, for a few more rows read per
 * lookup. bench:search, 200,000 messages, three interleaved rounds: indexed ingest 0.78–0.80 of the
 * store without the index against 0.73–0.75, the worst first page p95 36–53 ms against 36–54 ms
 * (docs/dev/benchmarks.md).
 */
export const defaultTuning: Readonly<PostingsTuning> = { foldMessages: 1000, fanout: 12, rowPostings: 4096 }

export interface PostingRow {
  b: number
  gk: string
  c: number
  del: 0 | 1
  /** The newest MsgTimeStamp among the row's postings (what IndexState.mt keeps per level). */
  mt: number
  t: string
  o: Offsets
  d: Bytes
}

/**
 * Per group, in its GroupRow: chunk numbers used so far, messages in level 0, the runs each level
 * holds (runs[0]: level-0 writes) and, per level, the newest time among its postings (0: none).
 * A search's first page reads the levels newest first and stops once no unread level can hold a
 * newer result (query/search.ts firstResults). `mt` is absent from states written before it: unknown, so
 * every level is read.
 */
export interface IndexState {
  chunks: number
  pending: number
  runs: number[]
  mt?: number[]
}

export function emptyIndexState(): IndexState {
  return { chunks: 0, pending: 0, runs: LEVELS.map(() => 0), mt: LEVELS.map(() => 0) }
}

/** Every bucket number of every level (LEVELS are contiguous from 0). */
export const bucketCount = LEVELS.at(-1)!.base + (1 << LEVELS.at(-1)!.bits)
