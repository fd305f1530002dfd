import { describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'
import { features, searchableText } from '../../../src-main/shared/search/extract-text'
import { normalize } from '../../../src-main/shared/search/normalize'
import {
  compileQuery,
  isQueryError,
  matches,
  parseQuery,
  querySummary,
  type MatchContext,
  type Query,
  type QueryError,
  type QuerySummary
} from '../../../src-main/shared/search/query'
import { containsPhrase, tokenize } from '../../../src-main/shared/search/tokenize'
import { custom, face, file, image, location, msg, relay, sound, text, textMsg, video } from './fixtures'

function parse(q: string): Query {
  const r = parseQuery(q)
  if (isQueryError(r)) throw new Error(`${q}: ${r.error} at ${r.at}`)
  return r
}

function fails(q: string): QueryError {
  const r = parseQuery(q)
  if (!isQueryError(r)) throw new Error(`${q} parsed: ${JSON.stringify(r)}`)
  return r
}

/** The messages (by their index) that match. */
function hits(q: string, ms: ArchivedMessage[], ctx?: MatchContext): number[] {
  const query = parse(q)
  return ms.flatMap((m, i) => (matches(m, query, ctx) ? [i] : []))
}

const match = (q: string, m: ArchivedMessage, ctx?: MatchContext): boolean => matches(m, parse(q), ctx)
const seenAt = '2024-06-01T00:00:00Z'

describe('parsing queries', () => {
  it('reads words, prefixes, phrases and keys into clauses with their offsets', () => {
    expect(parse('Hello rel* "Big News" -from:Bob has:image').clauses).toEqual([
      {
        kind: 'word',
        negated: false,
        at: 0,
        text: 'hello',
        prefix: false,
        terms: ['hello'],
        prefixes: []
      },
      {
        kind: 'word',
        negated: false,
        at: 6,
        text: 'rel',
        prefix: true,
        terms: [],
        prefixes: ['rel']
      },
      { kind: 'phrase', negated: false, at: 11, text: 'big news', terms: ['big', 'news'], prefixes: [] },
      { kind: 'from', negated: true, at: 22, value: 'bob' },
      { kind: 'has', negated: false, at: 32, value: 'image' }
    ])
  })

  it('reads dates in three spellings', () => {
    expect(parse('on:2024-05-01 before:2024/5/2 after:2024-05').clauses.map((c) => ('date' in c ? c.date : c))).toEqual([
      { year: 2024, month: 5, day: 1 },
      { year: 2024, month: 5, day: 2 },
      { year: 2024, month: 5 }
    ])
  })

  it('takes keys in any case and quoted values', () => {
    expect(parse('FROM:"Alice Smith" In:“Project Apollo”').clauses).toEqual([
      { kind: 'from', negated: false, at: 0, value: 'alice smith' },
      { kind: 'in', negated: false, at: 19, value: 'project apollo' }
    ])
  })

  it('reads IME full-width colons, quotes, minus and star as ASCII', () => {
    expect(parse('from：alice －spam ＂a b＂ rel＊').clauses.map((c) => [c.kind, c.negated])).toEqual([
      ['from', false],
      ['word', true],
      ['phrase', false],
      ['word', false]
    ])
    expect(parse('rel＊').clauses[0]).toMatchObject({ prefix: true, text: 'rel' })
  })

  it('treats unknown key: prefixes as plain words', () => {
    expect(parse('https://example.com/x 12:30 foo:bar').clauses.map((c) => c.kind)).toEqual(['word', 'word', 'word'])
    expect(parse('foo:bar').clauses[0]).toMatchObject({ terms: ['foo', 'bar'] })
  })

  it('ignores a lone minus, empty phrases and extra whitespace; an empty query has no clauses', () => {
    expect(parse('  a  -  ""  -""  b ').clauses.map((c) => c.kind === 'word' && c.text)).toEqual(['a', 'b'])
    expect(parse('').clauses).toEqual([])
    expect(parse('\u3000 \n').clauses).toEqual([])
  })

  it('keeps quotes inside a word as characters', () => {
    expect(parse('it"s').clauses).toEqual([
      {
        kind: 'word',
        negated: false,
        at: 0,
        text: 'it"s',
        prefix: false,
        terms: ['it', 's'],
        prefixes: []
      }
    ])
  })

  it('is plain data that survives JSON', () => {
    const q = parse('数据 -from:bob on:2024-05-01 "x y" has:link')
    expect(JSON.parse(JSON.stringify(q))).toEqual(q)
  })
})

describe('query errors', () => {
  it('never throws, whatever is typed', () => {
    const alphabet = ['a', 'Z', '数', ' ', '-', '"', '“', '”', ':', '*', 'from', 'in', 'on', 'has', 'is', '2024-05-01', '\u200b', '😀', '\n', 'ｆ', '：']
    let seed = 7
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    const m = textMsg('数据 from alice 😀 2024')
    for (let n = 0; n < 2000; n++) {
      let q = ''
      for (let k = next() % 12; k > 0; k--) q += alphabet[next() % alphabet.length]
      const r = parseQuery(q)
      if (isQueryError(r)) {
        expect(r.at).toBeGreaterThanOrEqual(0)
        expect(r.at).toBeLessThanOrEqual(q.length)
      } else {
        expect(() => matches(m, r)).not.toThrow()
      }
    }
  })

  it('points at a quote that is never closed', () => {
    expect(fails('hello "world')).toEqual({ error: expect.stringMatching(/never closed/), at: 6, code: 'unclosed-quote', params: {} })
    expect(fails('a -"b')).toMatchObject({ at: 3 })
    expect(fails('from:"Alice')).toMatchObject({ at: 5 })
  })

  it('points at a date that is not one', () => {
    for (const [q, at] of [
      ['before:yesterday', 7],
      ['x on:2024-13-01', 5],
      ['after:2023-02-29', 6],
      ['on:2024-04-31', 3],
      ['on:24-05-01', 3],
      ['on:2024-05-01T10:00', 3],
      ['on:2024-05/01', 3]
    ] as const) {
      const e = fails(q)
      expect(e.at, q).toBe(at)
      expect(e.error).toMatch(/is not a date.*YYYY-MM-DD/)
      expect(e.code).toBe('bad-date')
    }
    // A leap day is a date.
    expect(parse('on:2024-02-29').clauses).toHaveLength(1)
  })

  it('names the allowed values of has: and is:', () => {
    expect(fails('has:pictures')).toEqual({
      error: expect.stringContaining('image, file, sound, video, location, custom, link'),
      at: 4,
      code: 'bad-has',
      params: { value: 'pictures', values: expect.stringContaining('image, file') }
    })
    expect(fails('a -is:spam')).toEqual({
      error: expect.stringContaining('deleted, recalled, system'),
      at: 6,
      code: 'bad-is',
      params: { value: 'spam', values: expect.stringContaining('deleted, recalled') }
    })
  })

  it('asks for a value after a key', () => {
    expect(fails('hello from: bob')).toEqual({
      error: 'from: needs a value right after the colon.',
      at: 6,
      code: 'empty-value',
      params: { key: 'from' }
    })
    expect(fails('in:""')).toMatchObject({ at: 0 })
  })
})

describe('matching words and phrases', () => {
  it('finds mixed Chinese and English by words, in any order', () => {
    const ms = [textMsg('数据同步完成了, release v2'), textMsg('数据已经同步完了, release v2'), textMsg('Release 数据同步')]
    expect(hits('数据同步 release', ms)).toEqual([0, 2])
    expect(hits('release 数据同步', ms)).toEqual([0, 2])
    // A CJK word matches where all its bigrams occur: 数据已经同步 has no 据同.
    expect(hits('数据同步', ms)).toEqual([0, 2])
    expect(hits('同步', ms)).toEqual([0, 1, 2])
    expect(hits('数据 同步', ms)).toEqual([0, 1, 2])
  })

  it('finds a phrase only where it is contiguous', () => {
    const ms = [textMsg('数据同步完成了'), textMsg('数据已经同步完了'), textMsg('Hello   World\nagain')]
    expect(hits('"数据同步"', ms)).toEqual([0])
    expect(hits('"同步完"', ms)).toEqual([0, 1])
    expect(hits('"hello world again"', ms)).toEqual([2])
    expect(hits('"world hello"', ms)).toEqual([])
    // Its ends are word boundaries in spaced scripts; Chinese has none.
    expect(hits('"ello wor"', ms)).toEqual([])
    expect(hits('"hello world"', [textMsg('(hello world!)'), textMsg('othello worlds'), textMsg('say hello world')])).toEqual([0, 2])
    expect(hits('"据同"', ms)).toEqual([0])
  })

  it('finds a single Chinese character anywhere in a run', () => {
    const ms = [textMsg('同步'), textMsg('协同'), textMsg('好'), textMsg('不同意'), textMsg('nothing')]
    expect(hits('同', ms)).toEqual([0, 1, 3])
    expect(hits('好', ms)).toEqual([2])
  })

  it('finds Japanese and Korean words', () => {
    const ms = [textMsg('東京タワーに行きました'), textMsg('ｶﾀｶﾅ'), textMsg('안녕하세요 여러분')]
    expect(hits('タワー', ms)).toEqual([0])
    expect(hits('カタカナ', ms)).toEqual([1])
    expect(hits('안녕', ms)).toEqual([2])
  })

  it('ignores case and full-/half-width differences both ways', () => {
    const ms = [textMsg('ABC Release'), textMsg('ＡＢＣ'), textMsg('abd')]
    expect(hits('abc', ms)).toEqual([0, 1])
    expect(hits('ＡＢＣ', ms)).toEqual([0, 1])
    expect(hits('"ｒｅｌｅａｓｅ"', ms)).toEqual([0])
    expect(hits('RELEASE', ms)).toEqual([0])
  })

  it('matches whole words, or word starts with *', () => {
    const ms = [textMsg('release notes'), textMsg('releases are out'), textMsg('pre-release'), textMsg('unreleased')]
    expect(hits('release', ms)).toEqual([0, 2])
    expect(hits('release*', ms)).toEqual([0, 1, 2])
    expect(hits('rel*', ms)).toEqual([0, 1, 2])
    // A quoted word is a whole word too (its ends are word boundaries); `-` is not a letter.
    expect(hits('"release"', ms)).toEqual([0, 2])
  })

  it('finds words however they were joined', () => {
    const ms = [textMsg("don't e-mail me"), textMsg('dont email me'), textMsg('alice.smith@example.com')]
    expect(hits('dont', ms)).toEqual([0, 1])
    expect(hits("don't", ms)).toEqual([0])
    expect(hits('email', ms)).toEqual([0, 1])
    expect(hits('e-mail', ms)).toEqual([0])
    expect(hits('example', ms)).toEqual([2])
    expect(hits('alice.smith@example.com', ms)).toEqual([2])
    expect(hits('"smith@example"', ms)).toEqual([2])
  })

  it('finds URLs by their parts', () => {
    const ms = [textMsg('docs at https://github.com/tencent/tim-js'), textMsg('github is down')]
    expect(hits('github', ms)).toEqual([0, 1])
    expect(hits('github.com/tencent', ms)).toEqual([0])
    expect(hits('"https://github.com/tencent"', ms)).toEqual([0])
  })

  it('matches a word without letters or digits as a substring', () => {
    const ms = [textMsg('great 😀'), textMsg('ok :)'), textMsg('plain')]
    expect(hits('😀', ms)).toEqual([0])
    expect(hits(':)', ms)).toEqual([1])
  })

  it('searches nested forwarded messages, custom data and system events', () => {
    const ms = [
      msg([relay('Chat history', ['bob: see attached'], [[text('the budget is 数据同步')], [file('plan.xlsx')]])]),
      msg([custom({ Data: JSON.stringify({ title: 'Invoice paid' }), Desc: 'payment' })]),
      msg(
        {
          MsgType: 'TIMGroupTipElem',
          MsgContent: { OpType: 'Join', MemberAccount_List: ['dave'] }
        },
        { IsSystemMsg: 1, From_Account: '@TIM#SYSTEM' }
      ),
      msg([location('Shenzhen Bay Park')]),
      msg([face('[微笑]')])
    ]
    expect(hits('budget 数据同步', ms)).toEqual([0])
    expect(hits('plan.xlsx', ms)).toEqual([0])
    expect(hits('attached', ms)).toEqual([0])
    expect(hits('invoice payment', ms)).toEqual([1])
    expect(hits('dave join', ms)).toEqual([2])
    expect(hits('shenzhen', ms)).toEqual([3])
    expect(hits('微笑', ms)).toEqual([4])
  })

  it('finds archived text of messages the server has deleted or recalled since', () => {
    const m = textMsg('secret plan', { _archive: { server: { IsPlaceMsg: 2, seenAt } } })
    expect(match('secret', m)).toBe(true)
  })

  it('matches text in what the server changed a message to, and in the original', () => {
    const m = textMsg('draft one', {
      _archive: { server: { IsPlaceMsg: 0, MsgBody: [text('final two')], seenAt } }
    })
    expect(match('draft', m)).toBe(true)
    expect(match('final', m)).toBe(true)
  })
})

describe('matching keys', () => {
  const ms = [
    textMsg('hi', { From_Account: 'Alice', GroupId: 'g1' }),
    textMsg('hi', { From_Account: 'bob', GroupId: 'g2' }),
    textMsg('hi', { From_Account: 'Carol Smith', GroupId: 'g3' })
  ]
  const ctx: MatchContext = { groupName: (id) => ({ g1: 'Project Apollo', g2: 'Ｄｅｖ' })[id] }

  it('finds messages from a sender, ignoring case and width', () => {
    expect(hits('from:alice', ms)).toEqual([0])
    expect(hits('from:ALICE', ms)).toEqual([0])
    expect(hits('from:ａｌｉｃｅ', ms)).toEqual([0])
    expect(hits('from:"carol smith"', ms)).toEqual([2])
    expect(hits('from:ali', ms)).toEqual([])
  })

  it('reads repeated from: or in: as any of them', () => {
    expect(hits('from:alice from:bob', ms)).toEqual([0, 1])
    expect(hits('in:g1 in:g3', ms)).toEqual([0, 2])
    expect(hits('from:alice in:g2', ms)).toEqual([])
  })

  it('finds messages in a group by id or by name', () => {
    expect(hits('in:g2', ms, ctx)).toEqual([1])
    expect(hits('in:"project apollo"', ms, ctx)).toEqual([0])
    expect(hits('in:dev', ms, ctx)).toEqual([1])
    expect(hits('in:"project apollo"', ms)).toEqual([])
  })

  it("finds a Community topic's messages with in: the topic (by ID or name) or in: its group", () => {
    const C = '@TGS#_C'
    const topic = (id: string, text: string): ArchivedMessage => ({ ...textMsg(text), GroupId: C, TopicId: `${C}@TOPIC#_${id}` })
    const ms = [topic('general', 'hello'), topic('releases', 'v1.0'), { ...textMsg('own'), GroupId: C }]
    const names: Record<string, string> = { [C]: 'Community', [`${C}@TOPIC#_releases`]: 'Releases 发布' }
    const tctx: MatchContext = { groupName: (id) => names[id] }
    expect(hits('in:"releases 发布"', ms, tctx)).toEqual([1])
    expect(hits(`in:${C}@TOPIC#_general`, ms, tctx)).toEqual([0])
    expect(hits('in:community', ms, tctx)).toEqual([0, 1, 2])
    expect(hits('-in:"releases 发布"', ms, tctx)).toEqual([0, 2])
  })

  it('finds messages by what they have', () => {
    const all = [
      msg([image()]),
      msg([file('a.pdf')]),
      msg([sound()]),
      msg([video()]),
      msg([location('here')]),
      msg([custom({ Data: 'x' })]),
      textMsg('https://example.com'),
      msg([face('[smile]')]),
      msg([relay('t', ['a'])]),
      textMsg('plain')
    ]
    const kinds = ['image', 'file', 'sound', 'video', 'location', 'custom', 'link', 'face', 'relay']
    kinds.forEach((k, i) => expect(hits(`has:${k}`, all), k).toEqual([i]))
    expect(hits('has:IMAGE', all)).toEqual([0])
    expect(hits('-has:image -has:file -has:link', all)).toEqual([2, 3, 4, 5, 7, 8, 9])
  })

  it('finds deleted, recalled, removed and system messages', () => {
    const all = [
      msg([], { IsPlaceMsg: 1 }),
      msg([], { IsPlaceMsg: 2 }),
      textMsg('gone later', { _archive: { server: { IsPlaceMsg: 1, seenAt } } }),
      textMsg('recalled later', { _archive: { server: { IsPlaceMsg: 2, seenAt } } }),
      msg({ MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Quit' } }, { IsSystemMsg: 1 }),
      textMsg('normal')
    ]
    expect(hits('is:deleted', all)).toEqual([0, 2])
    expect(hits('is:recalled', all)).toEqual([1, 3])
    expect(hits('is:removed', all)).toEqual([2, 3])
    expect(hits('is:system', all)).toEqual([4])
    expect(hits('is:recalled later', all)).toEqual([3])
    expect(hits('-is:deleted -is:recalled -is:system', all)).toEqual([5])
  })
})

describe('matching dates', () => {
  // UTC+8: local midnight of 2024-05-02 is 2024-05-01T16:00Z.
  const cn: MatchContext = { timeZoneOffsetMinutes: 480 }
  const at = (iso: string): ArchivedMessage => textMsg('x', { MsgTimeStamp: Date.parse(iso) / 1000 })
  const ms = [
    at('2024-04-30T15:59:59Z'), // 04-30 23:59:59 local
    at('2024-04-30T16:00:00Z'), // 05-01 00:00 local
    at('2024-05-01T15:59:59Z'), // 05-01 23:59:59 local
    at('2024-05-01T16:00:00Z'), // 05-02 00:00 local
    at('2024-05-31T16:00:00Z') //  06-01 00:00 local
  ]

  it('on: is the whole local day', () => {
    expect(hits('on:2024-05-01', ms, cn)).toEqual([1, 2])
    expect(hits('on:2024/05/02', ms, cn)).toEqual([3])
    // The same instants read in UTC fall on other days.
    expect(hits('on:2024-05-01', ms)).toEqual([2, 3])
    expect(hits('on:2024-04-30', ms)).toEqual([0, 1])
  })

  it('before: is strictly before the day starts', () => {
    expect(hits('before:2024-05-01', ms, cn)).toEqual([0])
    expect(hits('before:2024-05-02', ms, cn)).toEqual([0, 1, 2])
  })

  it('after: starts when the day ends', () => {
    expect(hits('after:2024-05-01', ms, cn)).toEqual([3, 4])
    expect(hits('after:2024-04-30', ms, cn)).toEqual([1, 2, 3, 4])
  })

  it('after: and before: together are strictly between', () => {
    expect(hits('after:2024-04-30 before:2024-05-02', ms, cn)).toEqual([1, 2])
    expect(hits('after:2024-05-01 before:2024-05-01', ms, cn)).toEqual([])
  })

  it('a month is the whole local month', () => {
    expect(hits('on:2024-05', ms, cn)).toEqual([1, 2, 3])
    expect(hits('before:2024-05', ms, cn)).toEqual([0])
    expect(hits('after:2024-05', ms, cn)).toEqual([4])
  })

  it('reads dates west of UTC too', () => {
    // UTC-5: 2024-05-01 local is [05-01T05:00Z, 05-02T05:00Z).
    const ny: MatchContext = { timeZoneOffsetMinutes: -300 }
    const around = [at('2024-05-01T04:59:59Z'), at('2024-05-01T05:00:00Z'), at('2024-05-02T04:59:59Z'), at('2024-05-02T05:00:00Z')]
    expect(hits('on:2024-05-01', around, ny)).toEqual([1, 2])
  })

  it('a year rolls over at December', () => {
    expect(hits('on:2024-12', [at('2024-12-31T23:00:00Z'), at('2025-01-01T00:00:00Z')])).toEqual([0])
    expect(hits('on:2024-12-31', [at('2024-12-31T23:00:00Z'), at('2025-01-01T00:00:00Z')])).toEqual([0])
  })

  it('negated dates exclude, and a message without a time never matches a date', () => {
    expect(hits('-on:2024-05-01', ms, cn)).toEqual([0, 3, 4])
    const untimed = textMsg('x', { MsgTimeStamp: undefined as unknown as number })
    expect(match('on:2024-05-01', untimed)).toBe(false)
    expect(match('-on:2024-05-01', untimed)).toBe(true)
  })
})

describe('negation', () => {
  const ms = [
    textMsg('buy cheap spam now', { From_Account: 'bob' }),
    textMsg('meeting notes', { From_Account: 'alice' }),
    textMsg('exact phrase here', { From_Account: 'alice' }),
    textMsg('phrase exact', { From_Account: 'carol' })
  ]

  it('excludes a word, a phrase, a sender', () => {
    expect(hits('-spam', ms)).toEqual([1, 2, 3])
    expect(hits('-"exact phrase"', ms)).toEqual([0, 1, 3])
    expect(hits('-from:bob', ms)).toEqual([1, 2, 3])
    expect(hits('-from:bob -from:alice', ms)).toEqual([3])
    expect(hits('exact -"exact phrase"', ms)).toEqual([3])
    expect(hits('-spa*', ms)).toEqual([1, 2, 3])
  })

  it('combines with positive clauses', () => {
    expect(hits('from:alice -notes', ms)).toEqual([2])
    expect(hits('-from:alice phrase', ms)).toEqual([3])
  })
})

describe('the query summary for an index', () => {
  it('collects positive terms, prefixes, phrases, keys, range and the negated clauses', () => {
    const q = parse(
      '数据同步 rel* 同 "big red fox" 😀 from:Alice from:bob in:g1 after:2024-04-30 before:2024-05-10 on:2024-05 has:image is:system -spam -from:carol'
    )
    const s = querySummary(q, { timeZoneOffsetMinutes: 480 })
    expect(s).toEqual({
      terms: ['数据', '据同', '同步', '同', 'big', 'red', 'fox'],
      prefixes: ['rel'],
      phrases: ['big red fox', '😀'],
      from: ['alice', 'bob'],
      in: ['g1'],
      range: { from: Date.parse('2024-04-30T16:00:00Z'), to: Date.parse('2024-05-09T16:00:00Z') },
      has: ['image'],
      is: ['system'],
      negated: [expect.objectContaining({ kind: 'word', text: 'spam' }), expect.objectContaining({ kind: 'from', value: 'carol' })]
    })
  })

  it('has an open range without dates and an empty one for contradicting dates', () => {
    expect(querySummary(parse('hello')).range).toEqual({})
    const r = querySummary(parse('after:2024-05-02 before:2024-05-01')).range
    expect(r.from! >= r.to!).toBe(true)
  })

  // An index planner that follows the summary to the letter must find exactly what matches() finds.
  it('selects exactly the messages the evaluator matches', () => {
    const ctx: MatchContext = {
      timeZoneOffsetMinutes: 480,
      groupName: (id) => (id === 'g2' ? 'Apollo' : undefined)
    }
    const day = (d: number, h = 12): number => Date.UTC(2024, 4, d, h) / 1000
    const corpus = [
      textMsg('数据同步完成 release v2', { MsgTimeStamp: day(1, 15) }),
      textMsg('数据已经同步完了, Release notes', { From_Account: 'Bob', MsgTimeStamp: day(1, 17) }),
      textMsg('the big red fox jumped https://x.example/a', {
        GroupId: 'g2',
        MsgTimeStamp: day(3)
      }),
      msg([image(), text('协同 photo 😀')], { From_Account: 'carol', MsgTimeStamp: day(5) }),
      msg([relay('history', ['bob: 数据'], [[text('nested releases')]])], { MsgTimeStamp: day(7) }),
      msg([], { IsPlaceMsg: 2, MsgTimeStamp: day(8) }),
      textMsg("don't e-mail spam", {
        _archive: { server: { IsPlaceMsg: 1, seenAt } },
        MsgTimeStamp: day(9)
      }),
      msg(
        {
          MsgType: 'TIMGroupTipElem',
          MsgContent: { OpType: 'Join', MemberAccount_List: ['dave'] }
        },
        { IsSystemMsg: 1, MsgTimeStamp: day(10) }
      )
    ]
    const queries = [
      '',
      '数据同步',
      '数据 release',
      '"数据同步"',
      '同',
      '据',
      'rel*',
      'releas*',
      'release -notes',
      '"red fox" has:link',
      '"ed fo"',
      '😀',
      'from:bob',
      'from:alice from:carol',
      '-from:alice',
      'in:apollo',
      'in:g1 -has:image',
      'on:2024-05-01',
      'after:2024-05-01 before:2024-05-09',
      '-before:2024-05-05',
      'has:image',
      'has:relay releases',
      'is:deleted',
      'is:recalled',
      '-is:system email',
      "don't",
      'dave is:system',
      '-"big red"'
    ]
    const viaSummary = (m: ArchivedMessage, s: QuerySummary): boolean => {
      const terms = new Set(tokenize(searchableText(m)))
      if (!s.terms.every((t) => terms.has(t))) return false
      if (!s.prefixes.every((p) => [...terms].some((t) => t.startsWith(p)))) return false
      const textNorm = normalize(searchableText(m))
      if (!s.phrases.every((p) => containsPhrase(textNorm, p))) return false
      if (s.from.length && !s.from.includes(normalize(m.From_Account))) return false
      const name = ctx.groupName?.(m.GroupId)
      if (s.in.length && !s.in.some((v) => v === normalize(m.GroupId) || (name !== undefined && v === normalize(name)))) return false
      const ms = m.MsgTimeStamp * 1000
      if (s.range.from !== undefined && ms < s.range.from) return false
      if (s.range.to !== undefined && ms >= s.range.to) return false
      const f = features(m)
      if (!s.has.every((h) => f.has.has(h)) || !s.is.every((i) => f.is.has(i))) return false
      return s.negated.every((c) => !matches(m, { clauses: [{ ...c, negated: false }] }, ctx))
    }
    let matched = 0
    for (const text of queries) {
      const q = parse(text)
      const s = querySummary(q, ctx)
      const expected = corpus.map((m) => matches(m, q, ctx))
      expect(
        corpus.map((m) => viaSummary(m, s)),
        text
      ).toEqual(expected)
      expect(corpus.map(compileQuery(q, ctx)), text).toEqual(expected)
      matched += expected.filter(Boolean).length
    }
    // The corpus exercises the queries: most of them match something.
    expect(matched).toBeGreaterThan(queries.length)
  })
})
