import { describe, expect, it } from 'vitest'
import { parseQuery, type Query } from '../../../src-main/shared/search/query'
import { ellipsis, highlightRanges, snippet, type SnippetSegment } from '../../../src-renderer/src/features/search/snippet'

function q(s: string): Query {
  const r = parseQuery(s)
  if ('error' in r) throw new Error(r.error)
  return r
}

/** The hits of a snippet, as the user sees them marked. */
const hits = (segs: SnippetSegment[]): string[] => segs.filter((s) => s.hit).map((s) => s.text)
const shown = (segs: SnippetSegment[]): string => segs.map((s) => s.text).join('')

describe('a search result snippet', () => {
  it('marks a whole word, not a longer word that starts with it', () => {
    const s = snippet('The release of releases is out. Release!', q('release'))
    expect(hits(s)).toEqual(['release', 'Release'])
    expect(shown(s)).toBe('The release of releases is out. Release!')
  })

  it('marks every word starting with a prefix, whole', () => {
    expect(hits(snippet('Releasing the relay; unrelated', q('rel*')))).toEqual(['Releasing', 'relay'])
  })

  it('ignores case and full-/half-width differences and maps back to the original characters', () => {
    expect(hits(snippet('Meet ＡＢＣ１ and abc1 and Abc1', q('abc1')))).toEqual(['ＡＢＣ１', 'abc1', 'Abc1'])
    expect(hits(snippet('release notes', q('ＲＥＬＥＡＳＥ')))).toEqual(['release'])
  })

  it('marks a Chinese word inside text without spaces, and single characters wherever they are', () => {
    const s = snippet('数据已经同步完了，数据同步很快', q('数据同步'))
    expect(hits(s)).toEqual(['数据同步'])
    expect(hits(snippet('早上好，今天的站会改到十点。', q('会')))).toEqual(['会'])
  })

  it('marks mixed Chinese and English query words in mixed text', () => {
    const s = snippet('这个 bug 只在 iOS 17.4 上复现，Android 没问题。', q('bug 复现 android'))
    expect(hits(s)).toEqual(['bug', '复现', 'Android'])
  })

  it('marks a phrase where it matches, across line breaks and whitespace runs', () => {
    const s = snippet('Hello   World\nand othello worlds, hello\nworld again', q('"hello world"'))
    // Not inside "othello worlds": a phrase's ends are word boundaries.
    expect(hits(s)).toEqual(['Hello World', 'hello world'])
    // Line breaks between the message's pieces are shown as spaces.
    expect(shown(s)).toBe('Hello World and othello worlds, hello world again')
  })

  it('marks a phrase with punctuation, and a symbol-only word', () => {
    expect(hits(snippet('Thanks! 谢谢！ :) ok', q('"谢谢！" :)')))).toEqual(['谢谢！', ':)'])
  })

  it('marks a word found through its run-together form', () => {
    expect(hits(snippet('send an e-mail now', q('email')))).toEqual(['e-mail'])
  })

  it('does not mark negated words or field clauses', () => {
    expect(hits(snippet('spam from bob about release', q('-spam from:bob release')))).toEqual(['release'])
    expect(highlightRanges('spam from bob', q('-spam from:bob'))).toEqual([])
  })

  it('keeps emoji and surrogate pairs whole, around and inside hits', () => {
    const s = snippet('🎉🎉 Release v2.3.0 shipped! 👨‍👩‍👧‍👦 𠮷野家 😀', q('shipped 😀 𠮷野'))
    expect(hits(s)).toEqual(['shipped', '𠮷野', '😀'])
    expect(shown(s)).toBe('🎉🎉 Release v2.3.0 shipped! 👨‍👩‍👧‍👦 𠮷野家 😀')
    // No lone surrogate anywhere, even where a long text is cut.
    const long = '😀'.repeat(300) + ' needle ' + '😀'.repeat(300)
    for (const seg of snippet(long, q('needle'), { maxLength: 41, before: 11 })) {
      expect(seg.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/)
    }
  })

  it('ignores invisible characters inside a word, and maps the hit over them', () => {
    expect(hits(snippet('pass\u200Bword reset', q('password')))).toEqual(['pass\u200Bword'])
  })

  it('shows a window around the first hit of a long text, with ellipses where it is cut', () => {
    const text = 'lorem ipsum '.repeat(100) + 'the needle is here ' + 'dolor sit amet '.repeat(100)
    const s = snippet(text, q('needle'), { maxLength: 80, before: 20 })
    expect(s[0]).toEqual({ text: expect.stringMatching(/^…/), hit: false })
    expect(s[s.length - 1]!.text.endsWith(ellipsis)).toBe(true)
    expect(hits(s)).toEqual(['needle'])
    const visible = shown(s).replaceAll(ellipsis, '')
    expect(visible.length).toBeLessThanOrEqual(80)
    // Some context before the hit, starting at a word.
    expect(shown(s)).toMatch(/^…(ipsum |lorem )/)
  })

  it('shows the start of the text when nothing in it is a hit (a from: or has: search)', () => {
    const text = 'x'.repeat(500)
    const s = snippet(text, q('from:alice'), { maxLength: 100 })
    expect(s).toEqual([{ text: 'x'.repeat(100) + ellipsis, hit: false }])
    expect(snippet('short text', q('has:image'))).toEqual([{ text: 'short text', hit: false }])
  })

  it('shows a hit near the end with the text before it rather than a short tail', () => {
    const text = 'a '.repeat(200) + 'final word'
    const s = snippet(text, q('final'), { maxLength: 50, before: 10 })
    expect(shown(s).endsWith('final word')).toBe(true)
    expect(shown(s).startsWith(ellipsis)).toBe(true)
  })

  it('returns text, never markup: content that looks like HTML stays as it is', () => {
    const s = snippet('<script>alert(1)</script> release', q('release'))
    expect(shown(s)).toBe('<script>alert(1)</script> release')
    expect(hits(s)).toEqual(['release'])
  })

  it('handles empty text and an empty query', () => {
    expect(snippet('', q('release'))).toEqual([])
    expect(snippet('hello', q(''))).toEqual([{ text: 'hello', hit: false }])
  })
})
