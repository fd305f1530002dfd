import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { demoCredentials } from '../../tools/sim/seed'

/** The built CLI (`npm run build`): tests of it live in test/built/. */
export const builtCli = resolve(__dirname, '../../out/main/cli.js')

/**
 * The environment `tim-archive` reads, for the simulator's demo admin at `url`, and nothing else of
 * the test's own (a key given as undefined is left out).
 */
export function cliEnv(sdkAppId: number, url: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TIM_SDKAPPID: String(sdkAppId),
    TIM_IDENTIFIER: demoCredentials.identifier,
    TIM_SECRET_KEY: demoCredentials.secretKey,
    TIM_ENDPOINT: url,
    ...extra
  }
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k]
  return e
}

/** Starts the built CLI as a real child process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [builtCli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs the built CLI to its end: exit code and everything it printed. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
  return { code, stdout, stderr }
}
