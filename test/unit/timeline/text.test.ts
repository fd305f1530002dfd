import { describe, expect, it } from 'vitest'
import { controlSegments, hasBidiControls, jsonForDisplay, showControls, splitUrls, truncate } from '../../../src-renderer/src/lib/format/text'

describe('making invisible characters visible', () => {
  it('shows the API sample’s binary custom data as escapes', () => {
    // The first message of the group_msg_get_simple page sample
    // (docs/reference/tencent-im-api.md §1.4, simulator seed).
    expect(showControls('\b\u0001\u0010\u0006\u001A\u0006MaoTong', 'data')).toBe('\\b\\u0001\\u0010\\u0006\\u001a\\u0006MaoTong')
  })

  it('marks each invisible character with its code point', () => {
    expect(controlSegments('a\u0000b', 'data')).toEqual([{ text: 'a' }, { text: '\\u0000', code: 'U+0000' }, { text: 'b' }])
  })

  it('keeps line breaks and tabs in chat text but shows escapes, bells and NULs', () => {
    const s = 'line1\nline2\r\nline3\ttabbed \u0000 nul \u001b[31mred\u001b[0m \u0007 bell \u007f'
    expect(showControls(s, 'text')).toBe('line1\nline2\r\nline3\ttabbed \\u0000 nul \\u001b[31mred\\u001b[0m \\u0007 bell \\u007f')
  })

  it('leaves joiners and direction marks working in chat text', () => {
    const family = '👨‍👩‍👧‍👦'
    expect(showControls(family, 'text')).toBe(family)
    expect(showControls('\u200Fשלום', 'text')).toBe('\u200Fשלום')
  })

  it('spells out bidi overrides, zero-width characters and BOMs in data', () => {
    expect(showControls('invoice_\u202Efdp.exe', 'data')).toBe('invoice_\\u202efdp.exe')
    expect(showControls('pass\u200Bword\uFEFF', 'data')).toBe('pass\\u200bword\\ufeff')
  })

  it('shows C1 controls as escapes', () => {
    expect(showControls('a\u0085b\u009b', 'text')).toBe('a\\u0085b\\u009b')
  })

  it('shows a line feed and a tab in data, and still breaks the line', () => {
    expect(showControls('a\nb\tc', 'data')).toBe('a\\n\nb\\tc')
  })

  it('notices explicit direction controls', () => {
    expect(hasBidiControls('invoice_\u202Efdp.exe')).toBe(true)
    expect(hasBidiControls('\u2067isolate\u2069')).toBe(true)
    expect(hasBidiControls('مرحبا بالجميع')).toBe(false)
    expect(hasBidiControls('rtl mark \u200F')).toBe(false)
  })
})

describe('finding URLs in text', () => {
  const urls = (s: string): string[] =>
    splitUrls(s)
      .filter((p) => p.url)
      .map((p) => p.text)

  it('finds URLs with query strings and fragments', () => {
    const s = 'Dashboard: https://grafana.example.com/d/abc123/api-latency?orgId=1&from=now-6h#panel-4'
    expect(urls(s)).toEqual(['https://grafana.example.com/d/abc123/api-latency?orgId=1&from=now-6h#panel-4'])
  })

  it('keeps the surrounding text, so the parts join back to the original', () => {
    const s = 'See https://docs.example.com/notes/v2.3?draft=1&lang=zh-CN, then reply.'
    const parts = splitUrls(s)
    expect(parts.map((p) => p.text).join('')).toBe(s)
    expect(urls(s)).toEqual(['https://docs.example.com/notes/v2.3?draft=1&lang=zh-CN'])
  })

  it('leaves trailing punctuation and closing brackets to the sentence', () => {
    expect(urls('(see https://example.com/a).')).toEqual(['https://example.com/a'])
    expect(urls('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)'])
    expect(urls('Go to https://example.com!')).toEqual(['https://example.com'])
  })

  it('stops at CJK punctuation and full-width spaces', () => {
    expect(urls('文档在这里：https://wiki.example.com/a，请查看。')).toEqual(['https://wiki.example.com/a'])
  })

  it('finds ftp, www. and internationalized hosts', () => {
    expect(urls('Mirror: http://例え.テスト/パス?q=値 and ftp://files.example.com/pub/ or www.example.org')).toEqual([
      'http://例え.テスト/パス?q=値',
      'ftp://files.example.com/pub/',
      'www.example.org'
    ])
  })

  it('does not treat javascript: or markup as a URL', () => {
    expect(urls('[click here](javascript:alert(1)) <a href="javascript:alert(1)">this</a>')).toEqual([])
    expect(urls('<img src=x onerror=alert(1)>')).toEqual([])
  })

  it('returns text without URLs as one plain part', () => {
    expect(urls('Write to mailto:ops@example.com.')).toEqual(['mailto:ops@example.com'])
    expect(urls('mailto: nobody')).toEqual([])
    expect(splitUrls('hello')).toEqual([{ text: 'hello', url: false }])
    expect(splitUrls('')).toEqual([])
  })
})

describe('cutting long text', () => {
  it('cuts at the limit and says so', () => {
    expect(truncate('abcdef', 4)).toEqual({ text: 'abcd', truncated: true })
    expect(truncate('abc', 4)).toEqual({ text: 'abc', truncated: false })
  })

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀c', 3)).toEqual({ text: 'ab', truncated: true })
  })
})

describe('the raw JSON view', () => {
  it('escapes direction overrides so they cannot reorder the record, and stays valid JSON', () => {
    const value = { Text: 'invoice_\u202Efdp.exe\u0001' }
    const shown = jsonForDisplay(value)
    expect(shown).not.toMatch(/[\u202e\u0001]/)
    expect(shown).toContain('\\u202e')
    expect(JSON.parse(shown)).toEqual(value)
  })
})

describe('cutting long text by lines', () => {
  it('stops after the last allowed line', () => {
    expect(truncate('a\nb\nc\nd', 100, 2)).toEqual({ text: 'a\nb', truncated: true })
    expect(truncate('a\nb', 100, 2)).toEqual({ text: 'a\nb', truncated: false })
  })
})
