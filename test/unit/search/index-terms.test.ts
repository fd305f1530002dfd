import { describe, expect, it } from 'vitest'
import { BUCKETS, bucketOf, fromTerm, hasTerm, indexTerms, isTerm, prefixBuckets } from '../../../src-main/shared/search/index-terms'
import { tokenize } from '../../../src-main/shared/search/tokenize'

describe('index terms and buckets', () => {
  it('every term starting with a prefix is in one of the prefix’s buckets', () => {
    const words = tokenize('release relax relay reload rel re r the they them then there theme v2 v2.3 привет приветствие')
    for (const word of words) {
      for (let n = 1; n <= word.length; n++) {
        const p = word.slice(0, n)
        expect(prefixBuckets(p), `${word} under ${p}*`).toContain(bucketOf(word))
      }
    }
  })

  it('reads a few buckets for a prefix of 3 or more, all of them for a shorter one', () => {
    expect(prefixBuckets('rel').length).toBeLessThan(BUCKETS / 16)
    expect(prefixBuckets('re')).toHaveLength(BUCKETS)
    // Words sharing a start spread over that start's buckets instead of filling one.
    const the = new Set(['the', 'they', 'them', 'then', 'there', 'these', 'their', 'thee'].map(bucketOf))
    expect(the.size).toBeGreaterThan(1)
  })

  it('spreads CJK terms evenly, whatever their first character', () => {
    const terms = tokenize('的确的话的时候我的目的是的士的哥有的是别的东西')
    const buckets = new Set(terms.filter((t) => t.startsWith('的')).map(bucketOf))
    expect(buckets.size).toBeGreaterThan(3)
    for (const t of terms) expect(bucketOf(t)).toBeLessThan(BUCKETS)
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
