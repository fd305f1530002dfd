/**
 * The renderer's CSP is written twice: the header both hosts send (src-main/security/csp.ts) and
 * the <meta> tag in src-renderer/index.html, which is what a page loaded from file:// has before
 * any header. They must say the same thing, directive by directive.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { contentSecurityPolicy } from '../../../src-main/security/csp'

/** Directives a <meta> tag cannot set (browsers ignore them there, CSP 3): only the header has them. */
const headerOnly = ['frame-ancestors', 'report-uri', 'sandbox']

/** directive name → its sources, in a canonical order (the order of sources means nothing). */
function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean)
    if (!name) continue
    // A repeated directive is ignored by browsers after its first occurrence: flag it here.
    expect(directives.has(name.toLowerCase()), `${name} appears twice`).toBe(false)
    directives.set(name.toLowerCase(), sources.sort())
  }
  return directives
}

function metaPolicy(html: string): string {
  const tags = [...html.matchAll(/<meta\b[^>]*>/gis)].map((m) => m[0]).filter((t) => /http-equiv\s*=\s*"content-security-policy"/i.test(t))
  expect(tags, 'exactly one CSP <meta> tag in index.html').toHaveLength(1)
  const content = /\bcontent\s*=\s*"([^"]*)"/i.exec(tags[0]!)
  expect(content, 'the CSP <meta> tag has a content attribute').not.toBeNull()
  return content![1]!
}

describe('the CSP', () => {
  const header = parsePolicy(contentSecurityPolicy)
  const meta = parsePolicy(metaPolicy(readFileSync(resolve(__dirname, '../../../src-renderer/index.html'), 'utf8')))

  test("index.html's <meta> tag and the header hold the same directives, with the same sources", () => {
    const headerForMeta = new Map([...header].filter(([name]) => !headerOnly.includes(name)))
    expect(Object.fromEntries(meta)).toEqual(Object.fromEntries(headerForMeta))
  })

  test('the header adds what only a header can: the page is never framed', () => {
    expect(header.get('frame-ancestors')).toEqual(["'none'"])
    for (const name of headerOnly) expect(meta.has(name), `${name} has no effect in <meta>`).toBe(false)
  })

  test('the renderer makes no network request of its own and runs no inline or remote script', () => {
    expect(header.get('connect-src')).toEqual(["'self'"])
    expect(header.get('script-src')).toEqual(["'self'"])
    expect(header.get('default-src')).toEqual(["'self'"])
    expect(header.get('object-src')).toEqual(["'none'"])
  })
})
