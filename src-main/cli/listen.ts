/**
 * `tim-archive listen --db URL --port N`: receives Tencent IM's group message callbacks and
 * archives each message in the team archive's PostgreSQL within a second (issue 20 §2). The
 * listener itself: src-main/listen/. The callback token comes from an environment variable or a
 * file, never from the command line (other users can read it in the process list).
 */
import { parseArgs } from 'node:util'
import { openPool, parseDbUrl, redact, withDbErrors } from '../db/connect'
import { ensureSchema } from '../db/migrate'
import { PgCallbackSink } from '../listen/pg-sink'
import { defaultAnswerWithinMs, startListener, type Listener } from '../listen/server'
import type { CallbackSink } from '../listen/sink'
import { UsageError } from './env-creds'
import { defaultTokenEnv, readToken } from './listen-token'

export const listenHelp = `tim-archive listen --db postgres://USER@HOST[:PORT]/DATABASE --port N [--host 127.0.0.1]
                   [--token-env NAME | --token-file PATH] [--answer-within MS]

Receives Tencent IM's callbacks Group.CallbackAfterSendMsg, Group.CallbackAfterRecallMsg and
Group.CallbackAfterModifyMsg and archives each message in the database (the same tables pull --db
fills) before answering OK. The only way to keep AVChatRoom (live-stream) groups, which keep no
history. Run it behind your HTTPS reverse proxy (docs/dev/callbacks.md) and keep a scheduled
pull --db: coverage comes only from the pull, which fills whatever the listener missed.
Reads TIM_SDKAPPID; the callback token (IM console → Callback configuration → authentication)
from the environment variable ${defaultTokenEnv}, or the one --token-env names, or a file.
  --db URL            the team archive (schema created or upgraded when needed)
  --port N            port to listen on (0 picks a free one and prints it)
  --host ADDR         address to bind (default 127.0.0.1: only the proxy on this machine reaches it)
  --token-env NAME    environment variable holding the callback token (default ${defaultTokenEnv})
  --token-file PATH   read the token from this file instead (first line; keep it chmod 600)
  --answer-within MS  answer with an error when the database has not committed in MS (default ${defaultAnswerWithinMs})
Requests without a valid Sign, with a RequestTime more than 60 s off, or for another SDKAppID are
refused (401/403) and logged. Runs until Ctrl+C.`

export interface ListenHooks {
  signal?: AbortSignal
  onListening?: (url: string) => void
  /** Tests: log lines go here instead of stderr. */
  log?: (line: string) => void
}

export async function runListen(argv: string[], env: NodeJS.ProcessEnv, hooks: ListenHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'token-env': { type: 'string' },
      'token-file': { type: 'string' },
      'answer-within': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help) {
    process.stdout.write(listenHelp + '\n')
    return 0
  }
  const url = parseDbUrl(values.db)
  if (values.port === undefined) throw new UsageError('Give --port N: the port your reverse proxy forwards the callbacks to.')
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be 0 to 65535, got "${values.port}".`)
  const appId = env.TIM_SDKAPPID?.trim() ?? ''
  if (!/^\d+$/.test(appId) || Number(appId) <= 0 || !Number.isSafeInteger(Number(appId))) {
    throw new UsageError("Set TIM_SDKAPPID to your app's SDKAppID: a callback for another app is refused.")
  }
  let answerWithinMs = defaultAnswerWithinMs
  if (values['answer-within'] !== undefined) {
    if (!/^\d+$/.test(values['answer-within']) || Number(values['answer-within']) < 1)
      throw new UsageError('--answer-within must be a positive number of milliseconds.')
    answerWithinMs = Number(values['answer-within'])
  }
  const token = readToken(values, env)
  const host = values.host ?? '127.0.0.1'
  const log = hooks.log ?? ((l: string) => process.stderr.write(`${l}\n`))

  const pool = openPool(url, 4)
  let sink: CallbackSink | undefined
  let listener: Listener | undefined
  try {
    await withDbErrors(url, () => ensureSchema(pool))
    sink = new PgCallbackSink(pool)
    listener = await startListener({
      host,
      port: Number(values.port),
      sdkAppId: Number(appId),
      token,
      sink,
      answerWithinMs,
      log
    })
    log(`tim-archive listen: ${listener.url} → ${redact(url)} (SDKAppID ${appId}); Ctrl+C to stop`)
    hooks.onListening?.(listener.url)
    await new Promise<void>((resolve) => {
      if (hooks.signal) {
        if (hooks.signal.aborted) return resolve()
        hooks.signal.addEventListener('abort', () => resolve(), { once: true })
        return
      }
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    const s = listener.stats
    log(
      `tim-archive listen: stopped: ${s.archived} archived, ${s.duplicates} seen before, ${s.ignored} other callbacks, ${s.refused} refused, ${s.failed} failed`
    )
    return 0
  } finally {
    await listener?.close()
    if (sink) await sink.close()
    else await pool.end().catch(() => {})
  }
}
