/**
 * Search terms marked in the timeline (issue 18 §7): a result opened in context carries its query
 * to the timeline, and the messages there mark its hits with the snippet's own rules
 * (snippet.ts highlightRanges: whole words, prefixes, CJK runs and bigrams, phrases). Text stays
 * data: the pieces are rendered as text nodes, the hits wrapped in <mark>, never as HTML.
 *
 * The timeline provides a `Highlighter` through Svelte context under `highlightContext`; SafeText
 * (components/message) splits its plain text with it when one is there. Pure apart from that key.
 */
import type { Query } from '@shared/search/query'
import { highlightRanges } from './snippet'

/** The context key (a string, so components need not import this feature). */
export const highlightContext = 'tim-archive:highlight'

export interface HighlightPiece {
  text: string
  hit: boolean
}

export interface Highlighter {
  /** `text` cut into pieces, the query's hits marked; one unmarked piece when nothing matches. */
  split(text: string): HighlightPiece[]
}

/** Cuts `text` at the hits of `query` (positive words and phrases; other clauses mark nothing). */
export function highlightPieces(text: string, query: Query | null | undefined): HighlightPiece[] {
  if (!query || !text) return [{ text, hit: false }]
  const ranges = highlightRanges(text, query)
  if (!ranges.length) return [{ text, hit: false }]
  const out: HighlightPiece[] = []
  let at = 0
  for (const [s, e] of ranges) {
    if (s > at) out.push({ text: text.slice(at, s), hit: false })
    out.push({ text: text.slice(s, e), hit: true })
    at = e
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false })
  return out
}

/** Whether a query marks anything at all (a word or phrase that is not negated). */
export function marksText(query: Query | null | undefined): boolean {
  return !!query && query.clauses.some((c) => !c.negated && (c.kind === 'word' || c.kind === 'phrase'))
}
