import { parseArgs } from 'node:util'
import { defaultExpireSeconds, genUserSig } from '../tim/usersig'
import { UsageError, credsFromEnv } from './env-creds'

export const usersigHelp = `tim-archive usersig --identifier ID [--expire SECONDS]

Prints a fresh UserSig for ID on the last line of stdout, signed locally (TLSSigAPIv2).
Reads TIM_SDKAPPID and TIM_SECRET_KEY from the environment.
  --identifier ID     the account to sign for (defaults to TIM_IDENTIFIER)
  --expire SECONDS    validity, default ${defaultExpireSeconds} (7 days)`

export function runUsersig(argv: string[], env: NodeJS.ProcessEnv): number {
  const { values } = parseArgs({
    args: argv,
    options: { identifier: { type: 'string' }, expire: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true
  })
  if (values.help) {
    process.stdout.write(usersigHelp + '\n')
    return 0
  }
  const identifier = values.identifier ?? env.TIM_IDENTIFIER?.trim()
  if (!identifier) throw new UsageError('Give --identifier ID (the account to sign a UserSig for).')
  const creds = credsFromEnv(env, { needIdentifier: false })
  if (!creds.secretKey) throw new UsageError("Set TIM_SECRET_KEY: a UserSig is signed with the app's secret key.")
  let expire = defaultExpireSeconds
  if (values.expire !== undefined) {
    if (!/^\d+$/.test(values.expire) || Number(values.expire) <= 0) {
      throw new UsageError(`--expire must be a positive number of seconds, got "${values.expire}".`)
    }
    expire = Number(values.expire)
  }
  const sig = genUserSig({ sdkAppId: creds.sdkAppId, secretKey: creds.secretKey, identifier, expire })
  process.stderr.write(`UserSig for ${identifier} (SDKAppID ${creds.sdkAppId}), valid ${expire} s:\n`)
  process.stdout.write(sig + '\n')
  return 0
}
