import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The boundaries of STYLE.md, enforced by eslint.config.mjs (issue 16 §8): shared/ imports no Node
 * module, Electron, Dexie or Svelte; the renderer imports no Node module or Electron; the product
 * imports nothing from tools/ (simulator, benchmarks, demo). These lint
 * snippets at paths in each part of the tree with the project's real config.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const eslint = new ESLint({ cwd: root })

async function restricted(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) })
  const fatal = result!.messages.filter((m) => m.fatal)
  expect(fatal).toEqual([])
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

const nodeFs = "import { readFileSync } from 'node:fs'\nexport const read = (p: string): string => readFileSync(p, 'utf8')\n"

describe('restricted imports', () => {
  it('refuse Node modules, prefixed or bare, in src-main/shared', async () => {
    expect(await restricted(nodeFs, 'src-main/shared/lint-probe.ts')).toEqual([expect.stringContaining('Node modules run only in src-main')])
    expect(await restricted("import { join } from 'path'\nexport const j = join\n", 'src-main/shared/ipc/lint-probe.ts')).toHaveLength(1)
    expect(await restricted("import { readFile } from 'fs/promises'\nexport const r = readFile\n", 'src-main/shared/lint-probe.ts')).toHaveLength(1)
  })

  it('refuse Electron, Dexie and Svelte in src-main/shared', async () => {
    for (const mod of ['electron', 'dexie', 'svelte', 'svelte/store']) {
      const code = `import * as m from '${mod}'\nexport const x = m\n`
      expect(await restricted(code, 'src-main/shared/search/lint-probe.ts'), mod).toHaveLength(1)
    }
  })

  it('refuse Node modules and Electron in the renderer, .ts and .svelte alike', async () => {
    expect(await restricted(nodeFs, 'src-renderer/src/lib/lint-probe.ts')).toEqual([expect.stringContaining('Node modules run only in src-main')])
    expect(await restricted("import { ipcRenderer } from 'electron'\nexport const i = ipcRenderer\n", 'src-renderer/src/lint-probe.ts')).toHaveLength(1)
    const svelte = `<script lang="ts">\n  import { readFileSync } from 'node:fs'\n  const text = readFileSync('x', 'utf8')\n</script>\n\n<p>{text}</p>\n`
    expect(await restricted(svelte, 'src-renderer/src/components/LintProbe.svelte')).toHaveLength(1)
  })

  it('allow what each part is for: Node in the CLI, Dexie and Svelte in the renderer', async () => {
    expect(await restricted(nodeFs, 'src-main/cli/lint-probe.ts')).toEqual([])
    const renderer =
      "import Dexie from 'dexie'\nimport { untrack } from 'svelte'\nimport { formatCount } from '@shared/format'\nexport const all = [Dexie, untrack, formatCount]\n"
    expect(await restricted(renderer, 'src-renderer/src/lib/lint-probe.ts')).toEqual([])
  })

  it('let the renderer into i18n by its two doors only: the barrel for components, core for plain modules', async () => {
    const deep = "import { tables } from '@renderer/lib/i18n/messages'\nexport const x = tables\n"
    expect(await restricted(deep, 'src-renderer/src/lib/format/lint-probe.ts')).toEqual([expect.stringContaining("'@renderer/lib/i18n/core'")])
    expect(await restricted("import { tables } from '../i18n/messages'\nexport const x = tables\n", 'src-renderer/src/lib/format/lint-probe.ts')).toHaveLength(
      1
    )
    expect(
      await restricted("import { translate } from '@renderer/lib/i18n/core'\nexport const x = translate\n", 'src-renderer/src/lib/format/lint-probe.ts')
    ).toEqual([])
    expect(await restricted("import { t } from '@renderer/lib/i18n'\nexport const x = t\n", 'src-renderer/src/features/lint-probe.ts')).toEqual([])
    // Inside lib/i18n the files import each other freely.
    expect(await restricted("import { tables } from './messages'\nexport const x = tables\n", 'src-renderer/src/lib/i18n/lint-probe.ts')).toEqual([])
  })

  it('let the renderer into search by its one door, and keep media fetching out of Electron and the renderer', async () => {
    const deep = "import { writePostings } from '@renderer/lib/search/index/store'\nexport const x = writePostings\n"
    expect(await restricted(deep, 'src-renderer/src/lib/db/lint-probe.ts')).toEqual([expect.stringContaining("'@renderer/lib/search'")])
    expect(
      await restricted("import { search } from '../search/query/search'\nexport const x = search\n", 'src-renderer/src/lib/db/lint-probe.ts')
    ).toHaveLength(1)
    expect(
      await restricted("import { search } from '../lib/search/query/search'\nexport const x = search\n", 'src-renderer/src/features/lint-probe.ts')
    ).toHaveLength(1)
    expect(await restricted("import { search } from '@renderer/lib/search'\nexport const x = search\n", 'src-renderer/src/lib/db/lint-probe.ts')).toEqual([])
    // Inside lib/search the folders import each other freely.
    expect(
      await restricted("import { writePostings } from '../index/store'\nexport const x = writePostings\n", 'src-renderer/src/lib/search/query/lint-probe.ts')
    ).toEqual([])
    expect(await restricted("import { app } from 'electron'\nexport const x = app\n", 'src-main/media/lint-probe.ts')).toHaveLength(1)
    expect(await restricted("import { db } from '@renderer/lib/db/app-db'\nexport const x = db\n", 'src-main/media/lint-probe.ts')).toHaveLength(1)
    expect(await restricted("import { createHash } from 'node:crypto'\nexport const x = createHash\n", 'src-main/media/lint-probe.ts')).toEqual([])
  })

  it('keep the tooling out of the product: src-main and src-renderer never import tools/, tools/ imports the product', async () => {
    const sim = "import { Simulator } from '../../tools/sim/server'\nexport const x = Simulator\n"
    expect(await restricted(sim, 'src-main/cli/lint-probe.ts')).toEqual([expect.stringContaining('tools/ (simulator, benchmarks, demo)')])
    expect(
      await restricted("import { mulberry32 } from '../../../tools/random'\nexport const x = mulberry32\n", 'src-main/shared/search/lint-probe.ts')
    ).toHaveLength(1)
    expect(
      await restricted("import { x } from '../../../../tools/bench-pages/search-bench'\nexport const y = x\n", 'src-renderer/src/lib/db/lint-probe.ts')
    ).toHaveLength(1)
    expect(await restricted("import { syncGroup } from '../../src-main/archive/engine'\nexport const x = syncGroup\n", 'tools/bench/lint-probe.ts')).toEqual([])
    // The benchmarks' in-page halves are web pages: no Node modules there.
    expect(await restricted(nodeFs, 'tools/bench-pages/lint-probe.ts')).toHaveLength(1)
  })
})
