import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { refuseSecretsInArgv } from '../../../src-main/cli/env-creds'
import { readToken } from '../../../src-main/cli/listen-token'

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
})

describe('the callback token of tim-archive listen', () => {
  it('comes from TIM_CALLBACK_TOKEN, or the variable --token-env names', () => {
    expect(readToken({}, { TIM_CALLBACK_TOKEN: ' abc ' })).toBe('abc')
    expect(readToken({ 'token-env': 'MY_TOKEN' }, { MY_TOKEN: 'xyz', TIM_CALLBACK_TOKEN: 'abc' })).toBe('xyz')
    expect(() => readToken({}, {})).toThrow(/Set TIM_CALLBACK_TOKEN/)
    expect(() => readToken({ 'token-env': 'A B' }, {})).toThrow(/NAME of an environment variable/)
  })

  it('or from the first line of --token-file, with a warning when others can read the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'tim-token-'))
    const f = join(dir, 'token')
    writeFileSync(f, 'from-file\nsecond line\n')
    chmodSync(f, 0o600)
    const warnings: string[] = []
    expect(readToken({ 'token-file': f }, {}, (l) => warnings.push(l))).toBe('from-file')
    expect(warnings).toEqual([])
    chmodSync(f, 0o644)
    readToken({ 'token-file': f }, {}, (l) => warnings.push(l))
    expect(warnings[0]).toContain('can be read by other users')
    writeFileSync(f, '\n')
    expect(() => readToken({ 'token-file': f }, {})).toThrow(/is empty/)
    expect(() => readToken({ 'token-file': join(dir, 'missing') }, {})).toThrow(/--token-file/)
    expect(() => readToken({ 'token-file': f, 'token-env': 'X' }, {})).toThrow(/not both/)
  })

  it('is never taken from the command line', () => {
    expect(() => refuseSecretsInArgv(['--db', 'postgres://h/d', '--token', 'abc'])).toThrow(/never taken from the command line/)
    expect(() => refuseSecretsInArgv(['--token=abc'])).toThrow(/TIM_CALLBACK_TOKEN/)
    expect(() => refuseSecretsInArgv(['--token-env', 'X', '--token-file', 'f'])).not.toThrow()
  })
})
