/**
 * Planning: a query summary (shared/search/query.ts querySummary) and the UI's filters become
 * lookups to AND, OR and subtract, filters on the postings' times, phrases to check by position,
 * and whether candidates must be checked with the reference predicate.
 */
import { normalize } from '@shared/search/normalize'
import { phraseParts } from '@shared/search/tokenize'
import { querySummary, type Clause, type QuerySummary } from '@shared/search/query'
import { unitOfKey } from '@renderer/lib/db/group-key'
import { fromTerm, hasTerm, isTerm, spansEverything } from '../index/terms'
import type { PreparedSearch } from './prepare'

export interface Plan {
  /** Lookups ANDed together; each entry is an OR of lookups. */
  positive: { term: string; prefix: boolean }[][]
  /** Subtracted: each entry is an AND of lookups (one negated clause). */
  negative: { term: string; prefix: boolean }[][]
  /** Time filters on the postings' times (Unix seconds; 0 = unknown). */
  keepTime: ((time: number) => boolean)[]
  /** Candidates must be checked with the reference predicate. */
  verify: boolean
  /** Quoted phrases of two or more word parts: candidates are narrowed by the parts' positions first. */
  phrases: { term: string; pos: number }[][]
}

function timeTest(range: { from?: number; to?: number }): (time: number) => boolean {
  return (time) => time > 0 && (range.from === undefined || time * 1000 >= range.from) && (range.to === undefined || time * 1000 < range.to)
}

function dateRangeOf(c: Clause, offsetMinutes: number): { from?: number; to?: number } {
  return querySummary({ clauses: [{ ...c, negated: false }] }, { timeZoneOffsetMinutes: offsetMinutes }).range
}

export function plan(summary: QuerySummary, prepared: PreparedSearch): Plan {
  const positive: Plan['positive'] = []
  const negative: Plan['negative'] = []
  const keepTime: Plan['keepTime'] = []
  let verify = summary.phrases.length > 0
  for (const term of summary.terms) positive.push([{ term, prefix: false }])
  const longPrefixes = summary.prefixes.filter((p) => !spansEverything(p))
  const shortPrefixes = summary.prefixes.filter(spansEverything)
  for (const p of longPrefixes) positive.push([{ term: p, prefix: true }])
  if (summary.from.length) positive.push(summary.from.map((v) => ({ term: fromTerm(v), prefix: false })))
  if (prepared.sender) positive.push((prepared.senders.length ? prepared.senders : [prepared.sender]).map((v) => ({ term: fromTerm(v), prefix: false })))
  for (const h of summary.has) positive.push([{ term: hasTerm(h), prefix: false }])
  for (const i of summary.is) positive.push([{ term: isTerm(i), prefix: false }])
  // A short Latin prefix reads every bucket: worth it only when nothing else narrows the search.
  if (shortPrefixes.length) {
    if (positive.length) verify = true
    else for (const p of shortPrefixes) positive.push([{ term: p, prefix: true }])
  }
  const range = summary.range
  if (range.from !== undefined || range.to !== undefined) keepTime.push(timeTest(range))
  if (prepared.range.from !== undefined || prepared.range.to !== undefined) keepTime.push(timeTest(prepared.range))
  const offset = prepared.ctx.timeZoneOffsetMinutes ?? 0
  for (const c of summary.negated) {
    switch (c.kind) {
      case 'word':
        if (c.terms.length === 0 && c.prefixes.length === 0) verify = true
        else negative.push([...c.terms.map((term) => ({ term, prefix: false })), ...c.prefixes.map((term) => ({ term, prefix: true }))])
        break
      case 'phrase':
        verify = true
        break
      case 'from':
        negative.push([{ term: fromTerm(c.value), prefix: false }])
        break
      case 'has':
        negative.push([{ term: hasTerm(c.value), prefix: false }])
        break
      case 'is':
        negative.push([{ term: isTerm(c.value), prefix: false }])
        break
      case 'before':
      case 'after':
      case 'on': {
        const inRange = timeTest(dateRangeOf(c, offset))
        keepTime.push((time) => !inRange(time))
        break
      }
      case 'in':
        break // applied to the scope
    }
  }
  const phrases = summary.phrases.map(phraseParts).filter((parts) => parts.length >= 2)
  return { positive, negative, keepTime, verify, phrases }
}

/** The groups a request may match: its scope, narrowed by `in:` clauses. */
export function scopeGroups(prepared: PreparedSearch, summary: QuerySummary): string[] {
  const named = (id: string, value: string) => {
    const name = prepared.names.get(id)
    return normalize(id) === value || (name !== undefined && normalize(name) === value)
  }
  // A Community topic's key is in its topic and in its group (db/group-key.ts unitOfKey).
  const matchesGroup = (gk: string, value: string) => {
    const { groupId, topicId } = unitOfKey(gk)
    return named(groupId, value) || (topicId !== undefined && named(topicId, value))
  }
  const excluded = summary.negated.filter((c) => c.kind === 'in').map((c) => (c as { value: string }).value)
  return prepared.gks.filter((gk) => (summary.in.length === 0 || summary.in.some((v) => matchesGroup(gk, v))) && !excluded.some((v) => matchesGroup(gk, v)))
}

export function isDate(c: Clause): boolean {
  return c.kind === 'before' || c.kind === 'after' || c.kind === 'on'
}

export function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b)
}

export function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b)
}
