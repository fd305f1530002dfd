/**
 * `tim-archive listen` (issue 20 §2) as the built CLI in a real child process: the simulator's signed
 * callbacks into a real PostgreSQL (the throwaway cluster of test/helpers/pg.ts), the token never
 * on the command line, a clean stop on SIGTERM.
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import type { ArchivedMessage } from '../../src-main/shared/archive-record'
import type { SimMessage } from '../../tools/sim/server'
import { cliEnv, runCli, startCli } from '../helpers/cli'
import { freshDatabase } from '../helpers/pg-db'
import { appWith, freshAppId, group, startSim } from '../helpers/sim'

const token = 'built-listen-token-7f3a'
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

const msg = (t: string): Omit<SimMessage, 'seq'> => ({
  from: 'alice',
  time: 1_800_000_000,
  random: 3,
  state: 'normal',
  body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }]
})

describe('tim-archive listen (built)', () => {
  it('archives the signed callbacks of a live group, keeps the token out of its command line, and stops on SIGTERM', async () => {
    const db = await freshDatabase('blisten')
    const appId = freshAppId()
    const { sim, url: simUrl } = await startSim({ apps: [appWith(appId, [group('live', { nextMsgSeq: 1, messages: new Map() }, 'AVChatRoom')])] })
    stops.push(() => sim.stop())
    const child = startCli(['listen', '--db', db, '--port', '0'], cliEnv(appId, simUrl, { TIM_CALLBACK_TOKEN: token }))
    let stderr = ''
    child.stderr!.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)))
    stops.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    })
    const end = Date.now() + 30_000
    while (!/listen: (http:\/\/127\.0\.0\.1:\d+\/)/.test(stderr)) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`the listener did not start: ${stderr}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const url = /listen: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)![1]!
    // What `ps` shows: the command line, without the token.
    expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).not.toContain(token)

    sim.callbacks.configure({ url: `${url}tim/callback`, token })
    sim.appendMessages(appId, 'live', [msg('first'), msg('second')])
    await sim.callbacks.idle()
    expect(sim.callbacks.stats).toEqual({ sent: 2, ok: 2, failed: 0 })
    const c = new pg.Client({ connectionString: db })
    await c.connect()
    const rows = await c.query<{ record: ArchivedMessage }>(`SELECT record FROM tim_archive.messages WHERE group_id = 'live' ORDER BY msg_seq`)
    await c.end()
    expect(rows.rows.map((r) => (r.record.MsgBody as unknown as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)).toEqual(['first', 'second'])

    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toContain('stopped: 2 archived')
    expect(stderr).not.toContain(token)
  })

  it('refuses a token on the command line, before anything starts', async () => {
    const r = await runCli(['listen', '--db', 'postgres://u@127.0.0.1:1/d', '--port', '0', '--token', token], cliEnv(1400000001, 'http://127.0.0.1:1'))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('never taken from the command line')
  })
})
