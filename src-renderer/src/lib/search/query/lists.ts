/**
 * Sorted posting lists (seqs ascending and unique, with each seq's time) and their algebra, per
 * list and per group (Sets): what a query's lookups are combined with.
 */
import type { Plan } from './plan'

export interface List {
  s: Float64Array
  m: Uint32Array
}

export const emptyList: List = { s: new Float64Array(0), m: new Uint32Array(0) }

/** Sorts parallel arrays by seq and drops repeated seqs. */
export function sortList(s: Float64Array, m: Uint32Array): List {
  let sorted = true
  for (let i = 1; i < s.length; i++) {
    if (s[i]! <= s[i - 1]!) {
      sorted = false
      break
    }
  }
  if (sorted) return { s, m }
  const n = s.length
  let order: ArrayLike<number>
  const shift = 2 ** 21
  if (n < shift && s.every((x) => x < 2 ** 32)) {
    // Native numeric sort of seq·2^21 + position (exact below 2^53), then unpack the position.
    const keys = new Float64Array(n)
    for (let i = 0; i < n; i++) keys[i] = s[i]! * shift + i
    keys.sort()
    const idx = new Uint32Array(n)
    for (let i = 0; i < n; i++) idx[i] = keys[i]! % shift
    order = idx
  } else {
    order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a]! - s[b]!)
  }
  const os = new Float64Array(n)
  const om = new Uint32Array(n)
  let k = 0
  for (let i = 0; i < n; i++) {
    const j = order[i]!
    if (k > 0 && os[k - 1] === s[j]) continue
    os[k] = s[j]!
    om[k] = m[j]!
    k++
  }
  return { s: os.subarray(0, k), m: om.subarray(0, k) }
}

export function intersect(a: List, b: List): List {
  const n = Math.min(a.s.length, b.s.length)
  const s = new Float64Array(n)
  const m = new Uint32Array(n)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.s.length && j < b.s.length) {
    const x = a.s[i]!
    const y = b.s[j]!
    if (x === y) {
      s[k] = x
      m[k++] = a.m[i]!
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

export function union(a: List, b: List): List {
  if (a.s.length === 0) return b
  if (b.s.length === 0) return a
  const s = new Float64Array(a.s.length + b.s.length)
  const m = new Uint32Array(s.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.s.length || j < b.s.length) {
    const x = i < a.s.length ? a.s[i]! : Infinity
    const y = j < b.s.length ? b.s[j]! : Infinity
    if (x <= y) {
      s[k] = x
      m[k++] = a.m[i]!
      i++
      if (x === y) j++
    } else {
      s[k] = y
      m[k++] = b.m[j]!
      j++
    }
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

export function subtract(a: List, b: List): List {
  if (b.s.length === 0) return a
  const s = new Float64Array(a.s.length)
  const m = new Uint32Array(a.s.length)
  let j = 0
  let k = 0
  for (let i = 0; i < a.s.length; i++) {
    const x = a.s[i]!
    while (j < b.s.length && b.s[j]! < x) j++
    if (j < b.s.length && b.s[j] === x) continue
    s[k] = x
    m[k++] = a.m[i]!
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

export function filterList(a: List, keep: (time: number) => boolean): List {
  const s = new Float64Array(a.s.length)
  const m = new Uint32Array(a.s.length)
  let k = 0
  for (let i = 0; i < a.s.length; i++) {
    if (!keep(a.m[i]!)) continue
    s[k] = a.s[i]!
    m[k++] = a.m[i]!
  }
  return { s: s.subarray(0, k), m: m.subarray(0, k) }
}

/** Per group key. A group without an entry has no postings. */
export type Sets = Map<string, List>

export function andSets(a: Sets, b: Sets): Sets {
  const out: Sets = new Map()
  for (const [gk, list] of a) {
    const other = b.get(gk)
    if (!other) continue
    const r = intersect(list, other)
    if (r.s.length) out.set(gk, r)
  }
  return out
}

export function orSets(a: Sets, b: Sets): Sets {
  const out: Sets = new Map(a)
  for (const [gk, list] of b) out.set(gk, union(out.get(gk) ?? emptyList, list))
  return out
}

export function minusSets(a: Sets, b: Sets): Sets {
  const out: Sets = new Map()
  for (const [gk, list] of a) {
    const r = subtract(list, b.get(gk) ?? emptyList)
    if (r.s.length) out.set(gk, r)
  }
  return out
}

export function filterSets(sets: Sets, keep: Plan['keepTime']): Sets {
  let result = sets
  for (const k of keep) {
    const next: Sets = new Map()
    for (const [gk, list] of result) {
      const r = filterList(list, k)
      if (r.s.length) next.set(gk, r)
    }
    result = next
  }
  return result
}

export function size(s: Sets): number {
  let n = 0
  for (const l of s.values()) n += l.s.length
  return n
}
