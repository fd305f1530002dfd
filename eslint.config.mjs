// ESLint flat config (issue 16 §8). Not type-aware on purpose: it stays fast on small machines;
// `npm run typecheck` (tsc + svelte-check) is where types are checked.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import svelteConfig from './src-renderer/svelte.config.mjs'

// Every Node builtin, bare ('fs', 'fs/promises') and prefixed ('node:fs', 'node:test').
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'))
const noNode = {
  group: [...nodeBuiltins, 'node:*'],
  message: 'Node modules run only in src-main (not in shared/ or the renderer).'
}
const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'Electron belongs to the Electron shell (src-main/app, windows, ipc, preload).'
}
const noDexie = { group: ['dexie', 'dexie/*'], message: 'Dexie belongs to the renderer (src-renderer/src/lib/db).' }
const noSvelte = { group: ['svelte', 'svelte/*'], message: 'Svelte belongs to the renderer.' }
// The tooling (simulator, benchmarks, demo) may import the product; the product never imports it.
const noTools = {
  group: ['**/tools', '**/tools/**'],
  message: 'tools/ (simulator, benchmarks, demo) is built apart and never shipped: the product must not import it.'
}
// i18n has two doors: `@renderer/lib/i18n` for components, `@renderer/lib/i18n/core` for plain modules.
const i18nDoors = {
  group: ['@renderer/lib/i18n/*', '!@renderer/lib/i18n/core', '**/i18n/*', '!**/i18n/core'],
  message: "Import '@renderer/lib/i18n' (components) or '@renderer/lib/i18n/core' (plain modules); the other files are private to lib/i18n."
}
// Search has one door: `@renderer/lib/search` (lib/search/index.ts); index/ and query/ are private to it.
const searchDoor = {
  group: ['@renderer/lib/search/*', '**/search/index/*', '**/search/query/*'],
  message: "Import '@renderer/lib/search'; its index/ and query/ folders are private to lib/search."
}
// The renderer is not host code.
const noRenderer = { group: ['@renderer/*', '**/src-renderer/**'], message: 'The renderer is not host code.' }

export default tseslint.config(
  { ignores: ['out/', 'out-tools/', 'dist/', 'test-results/', 'node_modules/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders in signatures and destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }
      ],
      // Control characters are this codebase's subject (text safety, normalisation, their tests).
      'no-control-regex': 'off'
    }
  },
  // Node: the main process, CLI, tooling (simulator, benchmarks, demo), build scripts, tests and configs.
  {
    files: ['src-main/**', 'tools/**', 'build/**', 'bin/**', 'test/**', '*.{js,mjs,cjs,ts,mts}'],
    ignores: ['tools/bench-pages/**'],
    languageOptions: { globals: { ...globals.node } }
  },
  // CommonJS files load with require() (the bin launcher must stay plain CJS for old Nodes).
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  // Chromium: the renderer, plus the browser side of e2e tests and benchmarks.
  {
    files: ['src-renderer/**', 'tools/bench-pages/**', 'test/e2e/**'],
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig
      }
    }
  },
  // The boundaries (STYLE.md): shared/ is pure code both sides import; the renderer is a web page;
  // the product (src-main, src-renderer) does not import the tooling (tools/).
  {
    files: ['src-main/**'],
    ignores: ['src-main/shared/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTools] }] }
  },
  // src-main/media is host code shared by the engine, the CLI, Electron main and the web host.
  {
    files: ['src-main/media/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noDexie, noSvelte, noRenderer, noTools] }] }
  },
  {
    files: ['src-main/shared/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noDexie, noSvelte, noTools] }] }
  },
  {
    files: ['src-renderer/**'],
    ignores: ['src-renderer/src/lib/i18n/**', 'src-renderer/src/lib/search/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, i18nDoors, searchDoor, noTools] }] }
  },
  {
    files: ['src-renderer/src/lib/search/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, i18nDoors, noTools] }] }
  },
  {
    files: ['src-renderer/src/lib/i18n/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noTools] }] }
  },
  // The benchmarks' in-page halves are web pages too.
  {
    files: ['tools/bench-pages/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron] }] }
  }
)
