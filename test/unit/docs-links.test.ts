import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * Every relative link in README.md and docs/**\/*.md points at a file that exists, and an anchor
 * (`file.md#heading`, `#heading`) at a heading of that file, as GitHub renders it. Reads the
 * markdown only: runs without a build.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return markdownFiles(path)
    return name.endsWith('.md') ? [path] : []
  })
}

/** The text outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats get -1, -2… */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (m[1] ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
    const base = text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

function relativeLinks(markdown: string): string[] {
  const links: string[] = []
  for (const m of prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1] ?? ''
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // http:, https:, mailto:
    links.push(target)
  }
  return links
}

const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))]

describe('documentation links', () => {
  it('finds the README and the docs', () => {
    expect(files.length).toBeGreaterThan(5)
    expect(existsSync(join(root, 'docs/README.md'))).toBe(true)
  })

  for (const file of files) {
    it(`every relative link in ${relative(root, file)} resolves`, () => {
      const broken: string[] = []
      for (const link of relativeLinks(readFileSync(file, 'utf8'))) {
        const [pathPart = '', anchor] = link.split('#', 2)
        const target = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart))
        if (!existsSync(target)) {
          broken.push(`${link}: no such file`)
          continue
        }
        if (anchor !== undefined && anchor !== '' && target.endsWith('.md')) {
          if (!anchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
            broken.push(`${link}: no heading with anchor #${anchor}`)
          }
        }
      }
      expect(broken).toEqual([])
    })
  }

  it('docs/README.md lists every page under docs/', () => {
    const index = readFileSync(join(root, 'docs/README.md'), 'utf8')
    const listed = new Set(relativeLinks(index).map((l) => resolve(join(root, 'docs'), l.split('#')[0] ?? '')))
    const pages = markdownFiles(join(root, 'docs')).filter((f) => f !== join(root, 'docs/README.md'))
    expect(pages.filter((p) => !listed.has(p)).map((p) => relative(root, p))).toEqual([])
  })
})
