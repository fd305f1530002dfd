import { describe, expect, it } from 'vitest'
import { normalize } from '../../../src-main/shared/search/normalize'

describe('normalizing text for search', () => {
  it('folds full-width Latin and digits to ASCII, and case', () => {
    expect(normalize('ＡＢＣ')).toBe('abc')
    expect(normalize('Ｒｅｌｅａｓｅ　２０２４')).toBe('release 2024')
    expect(normalize('HeLLo')).toBe('hello')
  })

  it('makes half-width katakana full-width and keeps CJK as characters', () => {
    expect(normalize('ｶﾞｷﾞ')).toBe('ガギ')
    expect(normalize('数据同步')).toBe('数据同步')
    expect(normalize('한국어')).toBe('한국어')
    expect(normalize('ひらがな')).toBe('ひらがな')
  })

  it('unfolds ligatures and circled digits', () => {
    expect(normalize('ﬁle ①')).toBe('file 1')
  })

  it('removes zero-width, format, control characters and variation selectors', () => {
    expect(normalize('re\u200blease')).toBe('release')
    expect(normalize('\ufeffhi\u200d\u2060')).toBe('hi')
    expect(normalize('a\u0000b\u0007c')).toBe('abc')
    expect(normalize('\u202eevil\u202c')).toBe('evil')
    expect(normalize('❤\ufe0f')).toBe('❤')
    expect(normalize('\u3164')).toBe('')
  })

  it('turns every run of whitespace into one space and trims', () => {
    expect(normalize('  a\n\n\tb\u3000c\u00a0 d\r\n')).toBe('a b c d')
    expect(normalize('a\u001fb\u0085c')).toBe('a b c')
  })

  it('lowercases the same way in every locale', () => {
    // toLowerCase, not toLocaleLowerCase: I with a dot becomes i + combining dot everywhere.
    expect(normalize('I')).toBe('i')
    expect(normalize('İ')).toBe('i\u0307')
    expect(normalize('ΣΑΣ')).toBe('σας')
  })

  it('is idempotent', () => {
    const samples = ['ＡＢＣ', 'İstanbul', 'ｶﾞ', 'a\u00a8b', 'Ω Å ﬀ', '  x \u200b y ', '数据　同步', 'ß', '①②', '\u1e9e']
    for (const s of samples) expect(normalize(normalize(s))).toBe(normalize(s))
  })

  it('gives an empty string for empty or non-string input', () => {
    expect(normalize('')).toBe('')
    expect(normalize(undefined as unknown as string)).toBe('')
  })
})
