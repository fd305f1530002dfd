import { describe, expect, it } from 'vitest'
import { en, zh } from '../../../src-renderer/src/lib/i18n/messages'
import { formatNumber, localeFor, translate } from '../../../src-renderer/src/lib/i18n/translate'
import { regions } from '../../../src-main/shared/regions'

describe('the UI strings', () => {
  it('have the same keys in English and Simplified Chinese', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
  })

  it('have no empty text and the same placeholders in both languages', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[key], key).not.toBe('')
      expect(zh[key], key).not.toBe('')
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]))
    }
  })

  it('name every region', () => {
    for (const r of regions) expect(Object.keys(en)).toContain(`region.${r.id}`)
  })

  it('fill placeholders, format numbers and pick the singular', () => {
    expect(translate('en', 'groups.messages', { count: 3042 })).toBe('3,042 messages')
    expect(translate('en', 'groups.messages', { count: 1 })).toBe('1 message')
    expect(translate('zh-CN', 'groups.messages', { count: 2 })).toBe('2 条消息')
  })

  it('format numbers with options, whichever option set was used before (cached formatters)', () => {
    expect(formatNumber('en', 12.345, { maximumFractionDigits: 1 })).toBe('12.3')
    expect(formatNumber('en', 12.345, { maximumFractionDigits: 2 })).toBe('12.35')
    expect(formatNumber('en', 12.345, { maximumFractionDigits: 1 })).toBe('12.3')
    expect(formatNumber('en', 1234.5)).toBe('1,234.5')
    expect(formatNumber('zh-CN', 1234.5, { maximumFractionDigits: 0 })).toBe('1,235')
    for (let i = 0; i < 100; i++) expect(formatNumber('en', 1, { minimumFractionDigits: i % 21 })).toBe(i % 21 ? `1.${'0'.repeat(i % 21)}` : '1')
  })

  it('choose Chinese for a zh system language and English otherwise', () => {
    expect(localeFor('zh-TW')).toBe('zh-CN')
    expect(localeFor('zh')).toBe('zh-CN')
    expect(localeFor('en-US')).toBe('en')
    expect(localeFor('fr')).toBe('en')
  })
})
