import { regions } from '../shared/regions'
import type { TimCredentials } from '../tim/client'

export class UsageError extends Error {}

/**
 * Credentials from the environment: TIM_SDKAPPID, TIM_IDENTIFIER, TIM_SECRET_KEY (or TIM_USERSIG),
 * TIM_REGION or TIM_ENDPOINT. The secret key is never read from argv, where other users of the
 * machine could see it in the process list.
 */
export function credsFromEnv(env: NodeJS.ProcessEnv, opts: { needIdentifier: boolean; needEndpoint?: boolean }): TimCredentials {
  const appId = env.TIM_SDKAPPID?.trim()
  if (!appId) throw new UsageError("Set TIM_SDKAPPID to your app's SDKAppID (a number from the IM console).")
  if (!/^\d+$/.test(appId) || !Number.isSafeInteger(Number(appId)) || Number(appId) <= 0) {
    throw new UsageError(`TIM_SDKAPPID must be a positive integer, got "${appId}".`)
  }
  const identifier = env.TIM_IDENTIFIER?.trim() ?? ''
  if (opts.needIdentifier && !identifier) {
    throw new UsageError('Set TIM_IDENTIFIER to an app admin account (for example "administrator").')
  }
  const secretKey = env.TIM_SECRET_KEY?.trim()
  const userSig = env.TIM_USERSIG?.trim()
  if (!secretKey && !userSig) {
    throw new UsageError("Set TIM_SECRET_KEY (the app's secret key) or TIM_USERSIG (a UserSig for TIM_IDENTIFIER).")
  }
  const creds: TimCredentials = { sdkAppId: Number(appId), identifier }
  if (secretKey) creds.secretKey = secretKey
  else creds.userSig = userSig
  if (env.TIM_ENDPOINT?.trim()) creds.endpoint = env.TIM_ENDPOINT.trim()
  else if (env.TIM_REGION?.trim()) creds.region = env.TIM_REGION.trim()
  else if (opts.needEndpoint) {
    // No silent default: an SDKAppID lives in one data center, and the wrong host only fails
    // after every retry (70016/70020, or nothing at all behind a firewall).
    throw new UsageError(`Set TIM_REGION to your app's data center (${regions.map((r) => r.id).join(', ')}) or TIM_ENDPOINT to a custom base URL.`)
  }
  if (creds.region && !regions.some((r) => r.id === creds.region)) {
    throw new UsageError(`TIM_REGION "${creds.region}" is not a region: use one of ${regions.map((r) => r.id).join(', ')}, or set TIM_ENDPOINT instead.`)
  }
  if (creds.endpoint) {
    let url: URL | null = null
    try {
      url = new URL(creds.endpoint)
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UsageError(`TIM_ENDPOINT must be an http(s) URL such as https://console.tim.qq.com, got "${creds.endpoint}".`)
    }
  }
  return creds
}

/** Refuses a secret passed on the command line, with the way to pass it instead. */
export function refuseSecretsInArgv(argv: string[]): void {
  const token = argv.find((a) => /^--?(token|callback-token)(=|$)/i.test(a))
  if (token) {
    throw new UsageError(
      `${token.split('=')[0]} is not accepted: the callback token is never taken from the command line (other users can read it). Set TIM_CALLBACK_TOKEN, or give --token-env NAME or --token-file PATH.`
    )
  }
  const bad = argv.find((a) => /^--?(secret|secret-key|key|usersig|user-sig|sig)(=|$)/i.test(a))
  if (bad) {
    throw new UsageError(
      `${bad.split('=')[0]} is not accepted: secrets are never taken from the command line (other users can read it). Set TIM_SECRET_KEY or TIM_USERSIG instead.`
    )
  }
}
