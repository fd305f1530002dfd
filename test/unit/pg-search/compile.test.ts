/**
 * The query language compiled to SQL for `tim-archive search --db` (src-main/pg-search/compile.ts):
 * the SQL and parameters each query form builds. That the SQL answers what the reference evaluator
 * answers is checked against a real PostgreSQL in test/integration/pg-search.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { compileSearch, countSql, pageSql, quoteLexeme, type CompileOptions } from '../../../src-main/pg-search/compile'
import { searchLexemes } from '../../../src-main/pg-search/document'
import { isQueryError, parseQuery } from '../../../src-main/shared/search/query'
import type { ArchivedMessage } from '../../../src-main/shared/archive-record'

const groups = [
  { id: '@TGS#1ALPHA', name: 'Release Team' },
  { id: '@TGS#2BETA', name: '产品讨论' },
  { id: '@TGS#3GAMMA', name: null }
]
const opts: CompileOptions = { groups }

function compile(q: string, o: Partial<CompileOptions> = {}) {
  const parsed = parseQuery(q)
  if (isQueryError(parsed)) throw new Error(parsed.error)
  return compileSearch(parsed, { ...opts, ...o })
}

describe('compileSearch', () => {
  it('an empty query matches everything', () => {
    expect(compile('')).toEqual({ where: 'true', values: [], tsquery: undefined, verify: false })
  })

  it('words are all required, each a quoted lexeme; no stemming, no parsing by PostgreSQL', () => {
    const c = compile('Release deploy')
    expect(c.where).toBe('search @@ $1::tsquery')
    expect(c.values).toEqual(["'release' & 'deploy'"])
    expect(c.verify).toBe(false)
  })

  it('a Chinese word is its bigrams, one character its unigram', () => {
    expect(compile('数据同步').tsquery).toBe("'数据' & '据同' & '同步'")
    expect(compile('数').tsquery).toBe("'数'")
  })

  it('a chain word requires its parts; a prefix uses :*', () => {
    expect(compile('e-mail').tsquery).toBe("'e' & 'mail'")
    expect(compile('rel*').tsquery).toBe("'rel':*")
  })

  it('a phrase narrows by its words and is confirmed by the reference predicate', () => {
    const c = compile('"red fox"')
    expect(c.tsquery).toBe("'red' & 'fox'")
    expect(c.verify).toBe(true)
  })

  it('a word with no letters or digits needs the predicate', () => {
    const c = compile(':)')
    expect(c.where).toBe('true')
    expect(c.verify).toBe(true)
  })

  it('from: is a feature lexeme; repeated from: is any of them', () => {
    expect(compile('from:Alice').tsquery).toBe("'\u0001f:alice'")
    expect(compile('from:alice from:bob').tsquery).toBe("('\u0001f:alice' | '\u0001f:bob')")
    expect(compile('-from:bob').tsquery).toBe("!'\u0001f:bob'")
  })

  it('has: and is: are feature lexemes, negated with !', () => {
    expect(compile('has:image -is:recalled').tsquery).toBe("'\u0001h:image' & !'\u0001i:recalled'")
  })

  it('a negated word excludes messages holding all its terms', () => {
    expect(compile('deploy -数据同步').tsquery).toBe("'deploy' & !('数据' & '据同' & '同步')")
  })

  it('a negated phrase is left to the predicate (excluding its words would exclude too much)', () => {
    const c = compile('deploy -"red fox"')
    expect(c.tsquery).toBe("'deploy'")
    expect(c.verify).toBe(true)
  })

  it('in: resolves by id or name (normalized) to group ids; repeated in: is any of them', () => {
    const c = compile('in:"RELEASE  team" in:@tgs#3gamma')
    expect(c.where).toBe('group_id = ANY($1::text[])')
    expect(c.values).toEqual([['@TGS#1ALPHA', '@TGS#3GAMMA']])
    expect(compile('-in:产品讨论').where).toBe('group_id <> ALL($1::text[])')
    expect(compile('-in:产品讨论').values).toEqual([['@TGS#2BETA']])
  })

  it('in: naming no group matches nothing; a negated one excludes nothing', () => {
    expect(compile('in:nowhere deploy').where).toBe('false')
    expect(compile('-in:nowhere').where).toBe('true')
  })

  it('--group narrows in: and stands alone', () => {
    expect(compile('deploy', { onlyGroups: ['@TGS#2BETA'] }).values).toEqual(["'deploy'", ['@TGS#2BETA']])
    expect(compile('in:@TGS#1ALPHA', { onlyGroups: ['@TGS#2BETA'] }).where).toBe('false')
  })

  it('dates are ranges on time in Unix seconds, at the given offset; after: starts when the day ends', () => {
    const day = Date.UTC(2024, 4, 1) / 1000
    const c = compile('after:2024-05-01 before:2024-06')
    expect(c.where).toBe('msg_time >= to_timestamp($1::bigint) AND msg_time < to_timestamp($2::bigint)')
    expect(c.values).toEqual([day + 86_400, Date.UTC(2024, 5, 1) / 1000])
    const china = compile('on:2024-05-01', { timeZoneOffsetMinutes: 480 })
    expect(china.values).toEqual([day - 8 * 3600, day + 86_400 - 8 * 3600])
  })

  it('contradictory dates match nothing', () => {
    expect(compile('after:2024-05-02 before:2024-05-01').where).toBe('false')
  })

  it('a negated date holds for a message with no time', () => {
    const c = compile('-on:2024-05')
    expect(c.where).toBe('NOT COALESCE(msg_time >= to_timestamp($1::bigint) AND msg_time < to_timestamp($2::bigint), false)')
  })

  it('quotes and backslashes in a lexeme cannot break out of the tsquery', () => {
    expect(quoteLexeme("o'brien\\")).toBe("'o''brien\\\\'")
    expect(compile("from:o'brien\\x").tsquery).toBe("'\u0001f:o''brien\\\\x'")
  })
})

describe('pageSql and countSql', () => {
  it('newest first, with a keyset cursor after the last row', () => {
    const c = compile('deploy')
    const first = pageSql(c, { table: 'messages', columns: 'record', limit: 50 })
    expect(first.text).toBe(
      'SELECT record FROM messages WHERE search @@ $1::tsquery ORDER BY msg_time DESC NULLS LAST, group_id, topic_id, msg_seq DESC LIMIT $2::int'
    )
    expect(first.values).toEqual(["'deploy'", 50])
    const next = pageSql(c, { table: 'messages', columns: 'record', limit: 50, cursor: { time: 100.5, groupId: 'g', topicId: '', seq: 7 } })
    expect(next.text).toContain(
      '(msg_time < to_timestamp($5::float8) OR msg_time IS NULL OR (msg_time = to_timestamp($5::float8) AND (group_id, topic_id, -msg_seq) > ($2, $3, -$4::bigint)))'
    )
    expect(next.values).toEqual(["'deploy'", 'g', '', 7, 100.5, 50])
    expect(countSql(c, { table: 'messages' })).toEqual({ text: 'SELECT count(*)::bigint AS n FROM messages WHERE search @@ $1::tsquery', values: ["'deploy'"] })
  })
})

describe('searchLexemes', () => {
  it('holds the text terms and the sender, has: and is: lexemes', () => {
    const m = {
      GroupId: 'g',
      From_Account: 'Alice',
      MsgSeq: 1,
      MsgTimeStamp: 1,
      IsPlaceMsg: 0,
      MsgBody: [
        { MsgType: 'TIMTextElem', MsgContent: { Text: '数据同步 see https://x.example' } },
        { MsgType: 'TIMImageElem', MsgContent: { UUID: 'u' } }
      ],
      _archive: { server: { IsPlaceMsg: 2, seenAt: '2024-01-01T00:00:00Z' } }
    } as unknown as ArchivedMessage
    const l = searchLexemes(m)
    expect(l).toEqual(
      expect.arrayContaining([
        '数据',
        '据同',
        '同步',
        '数',
        'see',
        'https',
        'x',
        'example',
        '\u0001f:alice',
        '\u0001h:image',
        '\u0001h:link',
        '\u0001i:recalled',
        '\u0001i:removed'
      ])
    )
    expect(new Set(l).size).toBe(l.length)
  })
})
