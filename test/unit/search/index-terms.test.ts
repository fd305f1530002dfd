import { describe, expect, it } from 'vitest'
import { fromTerm, hasTerm, indexTerms, isTerm, PREFIX_BITS, prefixSpan, spansEverything, termPosition } from '../../../src-renderer/src/lib/search/index/terms'
import { bucketAt, LEVELS, levelSpans } from '../../../src-renderer/src/lib/search/index/layout'
import { tokenize } from '../../../src-main/shared/search/tokenize'

const inSpan = (p: number, s: { lo: number; hi: number }) => p >= s.lo && p < s.hi

describe('index terms and their positions', () => {
  it('every term starting with a prefix lies in the prefix’s span, at every level', () => {
    const words = tokenize('release relax relay reload rel re r the they them then there theme v2 v2.3 привет приветствие')
    for (const word of words) {
      for (let n = 1; n <= word.length; n++) {
        const p = word.slice(0, n)
        const span = prefixSpan(p)
        expect(inSpan(termPosition(word), span), `${word} under ${p}*`).toBe(true)
        levelSpans(span).forEach(([lo, hi], level) => {
          const b = bucketAt(level, termPosition(word))
          expect(b >= lo && b < hi, `${word} under ${p}* at level ${level}`).toBe(true)
        })
      }
    }
  })

  it('a prefix of 3 or more spans 1/256 of the index, a shorter one all of it', () => {
    const rel = prefixSpan('rel')
    expect(rel.hi - rel.lo).toBe(2 ** 24)
    expect(prefixSpan('relea')).toEqual(rel)
    expect(spansEverything('rel')).toBe(false)
    expect(spansEverything('re')).toBe(true)
    expect(prefixSpan('re')).toEqual({ lo: 0, hi: 2 ** 32 })
    // An exact term is one bucket per level; the levels' buckets do not overlap.
    const spans = levelSpans({ lo: termPosition('release'), hi: termPosition('release') + 1 })
    expect(spans.map(([lo, hi]) => hi - lo)).toEqual(LEVELS.map(() => 1))
    LEVELS.forEach((l, i) => {
      expect(spans[i]![0]).toBeGreaterThanOrEqual(l.base)
      expect(spans[i]![0]).toBeLessThan(l.base + 2 ** l.bits)
      if (i > 0) expect(l.base).toBe(LEVELS[i - 1]!.base + 2 ** LEVELS[i - 1]!.bits)
    })
  })

  it('words sharing a start spread over the finer buckets of their span', () => {
    const the = [
      'the',
      'they',
      'them',
      'then',
      'there',
      'these',
      'their',
      'thee',
      'theory',
      'therapy',
      'thesis',
      'theft',
      'theme',
      'thermal',
      'theatre',
      'thereby',
      'theorem',
      'thermos',
      'thespian',
      'thermostat',
      'theology',
      'thematic',
      'therein',
      'thereof'
    ]
    const deepest = LEVELS.length - 1
    // The span of `the` holds 2^(bits − PREFIX_BITS) buckets of the deepest level: these fill them all.
    expect(new Set(the.map((w) => bucketAt(deepest, termPosition(w)))).size).toBe(2 ** (LEVELS[deepest]!.bits - PREFIX_BITS))
  })

  it('spreads CJK terms evenly, whatever their first character', () => {
    const terms = tokenize('的确的话的时候我的目的是的士的哥有的是别的东西')
    const buckets = new Set(terms.filter((t) => t.startsWith('的')).map((t) => bucketAt(2, termPosition(t))))
    expect(buckets.size).toBeGreaterThan(5)
    for (const t of terms) {
      expect(termPosition(t)).toBeGreaterThanOrEqual(0)
      expect(termPosition(t)).toBeLessThan(2 ** 32)
    }
  })

  it('gives a message its sender, element kinds and states as feature terms', () => {
    const terms = indexTerms({
      GroupId: 'g',
      MsgSeq: 1,
      From_Account: 'Alice',
      IsPlaceMsg: 2,
      MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: {} }]
    } as never)
    expect(terms).toEqual(expect.arrayContaining([fromTerm('alice'), hasTerm('image'), isTerm('recalled')]))
    expect(fromTerm('ALICE')).toBe(fromTerm('alice'))
  })
})
