import { describe, expect, it } from 'vitest'
import { isQueryError, parseQuery, type Query } from '../../../src-main/shared/search/query'
import { highlightPieces, marksText } from '../../../src-renderer/src/features/search/highlight'

function q(text: string): Query {
  const parsed = parseQuery(text)
  if (isQueryError(parsed)) throw new Error(`bad query ${text}`)
  return parsed
}

/** The pieces as "plain[hit]plain". */
const shown = (text: string, query: string) =>
  highlightPieces(text, q(query))
    .map((p) => (p.hit ? `[${p.text}]` : p.text))
    .join('')

describe('search hits marked in the timeline’s messages (issue 18 §7)', () => {
  it('marks whole words as search matches them, case-insensitively, every occurrence', () => {
    expect(shown('Release notes: the RELEASE is out, releases later', 'release')).toBe('[Release] notes: the [RELEASE] is out, releases later')
  })

  it('marks prefixes, phrases and CJK words with the snippet’s rules', () => {
    expect(shown('deploying the deployment', 'deploy*')).toBe('[deploying] the [deployment]')
    expect(shown('The build is green again', '"build is green"')).toBe('The [build is green] again')
    expect(shown('明天在会议室开会，会议室已订好', '会议室')).toBe('明天在[会议室]开会，[会议室]已订好')
  })

  it('keeps the text whole: the pieces join back to it exactly, markup included as text', () => {
    const text = '<b>staging</b> & <script>alert(1)</script> staging'
    const pieces = highlightPieces(text, q('staging'))
    expect(pieces.map((p) => p.text).join('')).toBe(text)
    expect(pieces.filter((p) => p.hit).map((p) => p.text)).toEqual(['staging', 'staging'])
  })

  it('marks nothing for negated words, fields or no query', () => {
    expect(highlightPieces('staging deploy', q('-staging deploy'))).toEqual([
      { text: 'staging ', hit: false },
      { text: 'deploy', hit: true }
    ])
    expect(highlightPieces('from alice', q('from:alice'))).toEqual([{ text: 'from alice', hit: false }])
    expect(highlightPieces('anything', null)).toEqual([{ text: 'anything', hit: false }])
    expect(marksText(q('from:alice has:image'))).toBe(false)
    expect(marksText(q('from:alice deploy'))).toBe(true)
    expect(marksText(q('-deploy'))).toBe(false)
  })
})
