// Which message links the app opens, and what the confirmation shows of them (issue 15 item 11).
import { describe, expect, test } from 'vitest'
import { isOpenableUrl, linkTarget, showInvisible } from '../../../src-main/shared/links'

describe('a link from a message', () => {
  test('opens at the address the URL parser gives, shown whole', () => {
    expect(linkTarget('https://docs.example.com/notes/v2.3?draft=1&lang=zh-CN')).toEqual({
      href: 'https://docs.example.com/notes/v2.3?draft=1&lang=zh-CN',
      host: 'docs.example.com',
      scheme: 'https',
      written: 'https://docs.example.com/notes/v2.3?draft=1&lang=zh-CN'
    })
  })

  test('shows an international domain name as punycode, so a look-alike host cannot pass for another', () => {
    const t = linkTarget('http://例え.テスト/パス?q=値')!
    expect(t.host).toBe('xn--r8jz45g.xn--zckzah')
    expect(t.href).toBe('http://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9?q=%E5%80%A4')
    // Cyrillic "а" in a Latin-looking name.
    expect(linkTarget('https://аpple.com/')!.host).toBe('xn--pple-43d.com')
  })

  test('makes bidi controls and invisible characters visible, in the address and as written', () => {
    const t = linkTarget('https://example.com/invoice_\u202Efdp.exe\u200B')!
    expect(t.written).toBe('https://example.com/invoice_⟨U+202E⟩fdp.exe⟨U+200B⟩')
    expect(t.href).toBe('https://example.com/invoice_%E2%80%AEfdp.exe%E2%80%8B')
    expect(showInvisible('a\u2066b\u0007c')).toBe('a⟨U+2066⟩b⟨U+0007⟩c')
  })

  test('opens a bare www. address as https, and mailto: addresses', () => {
    expect(linkTarget('www.example.com/a')!.href).toBe('https://www.example.com/a')
    expect(linkTarget('mailto:ops@example.com')).toMatchObject({ href: 'mailto:ops@example.com', scheme: 'mailto', host: '' })
  })

  test('refuses javascript:, data:, file:, ftp: and custom schemes', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<b>x</b>',
      'file:///etc/passwd',
      'ftp://files.example.com/pub/',
      'vscode://x',
      'not a url'
    ]) {
      expect(linkTarget(url), url).toBeNull()
      expect(isOpenableUrl(url), url).toBe(false)
    }
  })

  test('the host check refuses what linkTarget would never produce', () => {
    expect(isOpenableUrl('https://example.com/a')).toBe(true)
    expect(isOpenableUrl('https://example.com/\u202Ea')).toBe(false)
    expect(isOpenableUrl(' https://example.com/')).toBe(false)
    expect(isOpenableUrl('https://')).toBe(false)
    expect(isOpenableUrl(`https://example.com/${'a'.repeat(9000)}`)).toBe(false)
  })
})
