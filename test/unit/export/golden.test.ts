/**
 * Golden files: each format's output for the fixed corpus (corpus.ts), byte for byte. A change in
 * any writer's output fails here. When a change is intended, regenerate and review the diff:
 *   UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.mts test/unit/export/golden.test.ts
 *   git diff test/unit/export/golden
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createWriter } from '../../../src-main/export/exporter'
import { exportFormats } from '../../../src-main/export/types'
import { corpus, meta } from './corpus'

const dir = join(__dirname, 'golden')

function render(format: (typeof exportFormats)[number], chunks: number[]): string {
  const w = createWriter(format, 'UTC')
  let out = w.begin(meta)
  let at = 0
  for (const n of chunks) {
    out += w.write(corpus.slice(at, at + n))
    at += n
  }
  return out + w.write(corpus.slice(at)) + w.end()
}

describe('golden exports of the fixed corpus', () => {
  for (const format of exportFormats) {
    it(`${format} output is exactly the reviewed golden file`, () => {
      const out = render(format, [])
      const file = join(dir, `corpus.${format}`)
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
        mkdirSync(dir, { recursive: true })
        writeFileSync(file, out)
      }
      expect(out).toBe(readFileSync(file, 'utf8'))
    })

    it(`${format} output does not depend on how the messages were chunked`, () => {
      expect(render(format, [1, 5, 2, 9])).toBe(render(format, []))
    })
  }
})
