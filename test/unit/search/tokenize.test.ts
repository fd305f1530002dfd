import { describe, expect, it } from 'vitest'
import {
  cjkLetter,
  containsPhrase,
  isCjkCodePoint,
  MAX_TERM_LENGTH,
  mayHoldCjk,
  phraseParts,
  positionList,
  queryTerms,
  tokenize,
  tokenizeWithPositions
} from '../../../src-main/shared/search/tokenize'

const sorted = (a: string[]): string[] => [...a].sort()

describe('index terms', () => {
  it('splits spaced scripts into words of letters and digits, lowercased', () => {
    expect(tokenize('Hello, World! v2 release 2024')).toEqual(['hello', 'world', 'v2', 'release', '2024'])
    expect(tokenize('Привет мир')).toEqual(['привет', 'мир'])
    expect(tokenize('Ｒｅｌｅａｓｅ')).toEqual(['release'])
  })

  it('indexes Chinese as overlapping bigrams plus every character', () => {
    expect(tokenize('数据同步')).toEqual(['数据', '据同', '同步', '数', '据', '同', '步'])
  })

  it('indexes a lone CJK character as a unigram', () => {
    expect(tokenize('好')).toEqual(['好'])
    expect(tokenize('2024年5月')).toEqual(['2024', '年', '5', '月'])
  })

  it('indexes Japanese and Korean runs the same way', () => {
    expect(tokenize('東京タワー')).toEqual(['東京', '京タ', 'タワ', 'ワー', '東', '京', 'タ', 'ワ', 'ー'])
    expect(tokenize('ｶﾀｶﾅ')).toEqual(['カタ', 'タカ', 'カナ', 'カ', 'タ', 'ナ'])
    expect(tokenize('안녕하세요')).toEqual(['안녕', '녕하', '하세', '세요', '안', '녕', '하', '세', '요'])
  })

  it('breaks CJK runs at punctuation and at other scripts', () => {
    expect(sorted(tokenize('数据，同步release完成'))).toEqual(sorted(['数据', '数', '据', '同步', '同', '步', 'release', '完成', '完', '成']))
  })

  it('deduplicates', () => {
    expect(tokenize('go go GO 哈哈哈哈')).toEqual(['go', '哈哈', '哈'])
  })

  it('indexes words joined by apostrophes, hyphens, underscores and dots as parts and run together', () => {
    expect(tokenize("don't")).toEqual(['don', 't', 'dont'])
    expect(tokenize('don’t')).toEqual(['don', 't', 'dont'])
    expect(tokenize('e-mail')).toEqual(['e', 'mail', 'email'])
    expect(tokenize('snake_case_name')).toEqual(['snake', 'case', 'name', 'snakecasename'])
    expect(tokenize('node.js')).toEqual(['node', 'js', 'nodejs'])
    // Two joiners in a row, or one at an end, only separate.
    expect(tokenize('wait...what _x_')).toEqual(['wait', 'what', 'x'])
  })

  it('splits emails and URLs into their parts', () => {
    expect(tokenize('alice@example.com')).toEqual(['alice', 'example', 'com', 'examplecom'])
    const url = tokenize('https://github.com/tencent/tim-js?tab=readme#top')
    for (const t of ['https', 'github', 'com', 'tencent', 'tim', 'js', 'timjs', 'tab', 'readme', 'top']) expect(url).toContain(t)
  })

  it('gives no terms for punctuation, symbols and emoji', () => {
    expect(tokenize('!!! :) 😀 ❤️ —')).toEqual([])
  })

  it('ignores zero-width characters inside words', () => {
    expect(tokenize('rel\u200bease')).toEqual(['release'])
  })

  it('cuts very long terms', () => {
    const blob = 'a'.repeat(200)
    expect(tokenize(blob)).toEqual(['a'.repeat(MAX_TERM_LENGTH)])
    // Never inside a surrogate pair: U+10400 is a letter written as two code units.
    const [t] = tokenize('a'.repeat(MAX_TERM_LENGTH - 1) + '\u{10400}'.repeat(3))
    expect(t).toBe('a'.repeat(MAX_TERM_LENGTH - 1))
  })
})

describe('query terms', () => {
  it('looks up a word as its terms', () => {
    expect(queryTerms('Release')).toEqual({ terms: ['release'], prefixes: [] })
    expect(queryTerms('ＡＢＣ')).toEqual({ terms: ['abc'], prefixes: [] })
  })

  it('makes the last word part a prefix for word*', () => {
    expect(queryTerms('rel', { prefix: true })).toEqual({ terms: [], prefixes: ['rel'] })
    expect(queryTerms('e-ma', { prefix: true })).toEqual({ terms: ['e'], prefixes: ['ma'] })
  })

  it('requires every part of a joined word, not the run-together form', () => {
    expect(queryTerms("don't")).toEqual({ terms: ['don', 't'], prefixes: [] })
    expect(queryTerms('alice@example.com')).toEqual({
      terms: ['alice', 'example', 'com'],
      prefixes: []
    })
  })

  it('looks up a CJK word of two or more characters as all its bigrams', () => {
    expect(queryTerms('数据同步')).toEqual({ terms: ['数据', '据同', '同步'], prefixes: [] })
    expect(queryTerms('数据')).toEqual({ terms: ['数据'], prefixes: [] })
    expect(queryTerms('数据', { prefix: true })).toEqual({ terms: ['数据'], prefixes: [] })
  })

  it('looks up a single CJK character as its unigram', () => {
    expect(queryTerms('数')).toEqual({ terms: ['数'], prefixes: [] })
    // Every character of a CJK run is indexed, so the unigram finds it anywhere.
    for (const text of ['数据', '据数', '数', '同数据']) {
      expect(tokenize(text)).toContain('数')
    }
  })

  it('mixes scripts in one word', () => {
    expect(queryTerms('v2数据')).toEqual({ terms: ['v2', '数据'], prefixes: [] })
  })

  it('gives nothing to look up for a word without letters or digits', () => {
    expect(queryTerms('😀')).toEqual({ terms: [], prefixes: [] })
  })

  it('keeps only terms a message containing the phrase must have', () => {
    // A phrase's spaced-script words are whole words (its ends are word boundaries): all exact.
    expect(queryTerms('hello wor', { phrase: true })).toEqual({ terms: ['hello', 'wor'], prefixes: [] })
    expect(queryTerms('the big red fox', { phrase: true })).toEqual({
      terms: ['the', 'big', 'red', 'fox'],
      prefixes: []
    })
    expect(queryTerms('数据同步 ok', { phrase: true })).toEqual({
      terms: ['数据', '据同', '同步', 'ok'],
      prefixes: []
    })
    // A lone CJK character is exact between other text, a prefix at an end (the run may go on).
    expect(queryTerms('a 数 b', { phrase: true })).toEqual({ terms: ['a', '数', 'b'], prefixes: [] })
    expect(queryTerms('数', { phrase: true })).toEqual({ terms: ['数'], prefixes: [] })
  })

  it('a phrase matches where its words are whole and contiguous', () => {
    expect(containsPhrase('the red fox.', 'red fox')).toBe(true)
    expect(containsPhrase('bored foxes', 'red fox')).toBe(false)
    expect(containsPhrase('e-mail red fox', 'mail red fox')).toBe(true)
    expect(containsPhrase('email', 'mail')).toBe(false)
    expect(containsPhrase('release v2.3!', 'v2.3')).toBe(true)
    expect(containsPhrase('数据同步完成', '同步')).toBe(true)
    expect(containsPhrase('ok数据', 'ok')).toBe(true)
    expect(containsPhrase('okay ok', 'ok')).toBe(true)
    expect(containsPhrase('𝐀ok', 'ok')).toBe(false)
    expect(containsPhrase(':) hi', ':)')).toBe(true)
  })

  it('phrase terms are always among the terms of text that contains the phrase', () => {
    const texts = ['Hello world, the big red fox jumped', '数据同步 ok 完成', 'x a 数 b y', "we don't e-mail"]
    const phrases = ['world, the big', 'big red fox', '据同步 ok 完', 'a 数 b', "don't e-mail", 'red']
    for (const text of texts) {
      const terms = new Set(tokenize(text))
      for (const p of phrases) {
        if (!containsPhrase(text.toLowerCase(), p)) continue
        const q = queryTerms(p, { phrase: true })
        for (const t of q.terms) expect(terms.has(t), `${p} → ${t} in ${text}`).toBe(true)
        for (const pre of q.prefixes)
          expect(
            [...terms].some((t) => t.startsWith(pre)),
            `${p} → ${pre}* in ${text}`
          ).toBe(true)
      }
    }
  })
})

describe('the tokenizer’s fast path', () => {
  it('reads again for segments every run that could hold a CJK letter (checked over every code point)', () => {
    const missed: string[] = []
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCodePoint(cp)
      if (cjkLetter.test(ch) && !mayHoldCjk.test(ch)) missed.push(cp.toString(16))
    }
    expect(missed).toEqual([])
  })

  it('tells CJK letters from a table that agrees with the definition on every code point', () => {
    const wrong: string[] = []
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      if (isCjkCodePoint(cp) !== cjkLetter.test(String.fromCodePoint(cp))) wrong.push(cp.toString(16))
    }
    expect(wrong).toEqual([])
  })

  it('splits letters of both kinds where they touch, as the segments do', () => {
    expect(tokenize('abc数据def')).toEqual(['abc', '数据', '数', '据', 'def'])
    expect(tokenize('e-mail数据-v2')).toEqual(['e', 'mail', 'email', '数据', '数', '据', 'v2'])
  })
})

describe('word positions, for quoted phrases', () => {
  const at = (text: string) => {
    const t = tokenizeWithPositions(text)
    return Object.fromEntries(t.terms.flatMap((term, i) => (t.positions[i] === undefined ? [] : [[term, positionList(t.positions[i])]])))
  }

  it('numbers the word parts in order; a repeated word has each of its places', () => {
    expect(at('the red fox saw the end')).toEqual({ the: [0, 4], red: [1], fox: [2], saw: [3], end: [5] })
  })

  it('gives each part of a chain its place; the run-together form has none of its own', () => {
    const t = tokenizeWithPositions('e-mail server')
    expect(t.terms).toContain('email')
    expect(at('e-mail server')).toEqual({ e: [0], mail: [1], server: [2] })
    expect(t.positions[t.terms.indexOf('email')]).toBeUndefined()
  })

  it('counts a CJK run as one place and gives its terms none', () => {
    expect(at('发布 release 数据同步 deploy')).toEqual({ release: [1], deploy: [3] })
    expect(at('abc数据def')).toEqual({ abc: [0], def: [2] })
  })

  it('a phrase’s parts stand at the same distances in a text that contains it', () => {
    const cases: [string, string][] = [
      ['we ship the red fox today', 'red fox'],
      ['see my e-mail server logs', 'mail server'],
      ['大数据 release now', '数据 release'],
      ['ok, "build is green" now', 'build is green'],
      ['deploy deploy release', 'deploy release']
    ]
    for (const [text, phrase] of cases) {
      expect(containsPhrase(text, phrase), `${phrase} in ${text}`).toBe(true)
      const pos = new Map(Object.entries(at(text)))
      const parts = phraseParts(phrase)
      const ok = (pos.get(parts[0]!.term) ?? []).some((p0) => parts.every((p) => pos.get(p.term)?.includes(p0 + p.pos - parts[0]!.pos)))
      expect(ok, `${phrase} in ${text}`).toBe(true)
    }
    expect(phraseParts('Red  FOX')).toEqual([
      { term: 'red', pos: 0 },
      { term: 'fox', pos: 1 }
    ])
  })
})
