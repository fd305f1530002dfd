/**
 * The callback token of `tim-archive listen`: from an environment variable or the first line of a
 * file, never from the command line, where other users could read it in the process list (as
 * env-creds.ts does for the secret key).
 */
import { readFileSync, statSync } from 'node:fs'
import { UsageError } from './env-creds'

export const defaultTokenEnv = 'TIM_CALLBACK_TOKEN'

/** The token: from a file or an environment variable; never an argument. */
export function readToken(
  values: { 'token-env'?: string | undefined; 'token-file'?: string | undefined },
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)
): string {
  if (values['token-env'] !== undefined && values['token-file'] !== undefined) throw new UsageError('Give --token-env or --token-file, not both.')
  let token: string
  if (values['token-file'] !== undefined) {
    const path = values['token-file']
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (e) {
      throw new UsageError(`--token-file ${path}: ${e instanceof Error ? e.message : String(e)}`)
    }
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      warn(`tim-archive listen: warning: ${path} can be read by other users (chmod 600 it)`)
    }
    token = (text.split(/\r?\n/)[0] ?? '').trim()
    if (token === '') throw new UsageError(`--token-file ${path} is empty: put the callback token on its first line.`)
  } else {
    const name = values['token-env'] ?? defaultTokenEnv
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--token-env takes the NAME of an environment variable, got "${name}".`)
    token = env[name]?.trim() ?? ''
    if (token === '') {
      throw new UsageError(
        `Set ${name} to the callback token (IM console → Callback configuration → turn on authentication), or give --token-file PATH. Unsigned callbacks are never accepted.`
      )
    }
  }
  if (token.length > 128)
    throw new UsageError('The callback token is longer than 128 characters, which the console does not allow: check the file or variable.')
  return token
}
