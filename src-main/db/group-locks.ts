/**
 * One process per group (issue 20 §1): a session-level advisory lock per group, held on one
 * dedicated connection for the whole pull. pg_try_advisory_lock never waits: a group another
 * process holds is skipped, and said so. A process that dies (even by SIGKILL) loses its
 * connection and PostgreSQL releases its locks.
 *
 * The key is (GROUP_LOCK_CLASS, hashtext(group_id)): two groups whose IDs hash alike share a lock, which
 * at worst makes one wait for a later run, never lets two processes write one group.
 */
import pg from 'pg'
import { LOCK_CLASS } from './migrate'

/** Apart from the migrations' lock (LOCK_CLASS, 0). */
export const GROUP_LOCK_CLASS = LOCK_CLASS + 1

export class GroupLocks {
  private constructor(private readonly client: pg.Client) {}

  /** Connects; `onLost` is called once if the connection (and so every lock) is lost. */
  static async open(url: string, onLost: (e: Error) => void): Promise<GroupLocks> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000, application_name: 'tim-archive locks' })
    let lost = false
    const fire = (e: Error) => {
      if (lost) return
      lost = true
      onLost(e)
    }
    client.on('error', fire)
    client.on('end', () => fire(new Error('Connection terminated: the locks connection to PostgreSQL ended')))
    await client.connect()
    return new GroupLocks(client)
  }

  /** True when this process now holds the group's lock; false when another process does. */
  async tryLock(groupId: string): Promise<boolean> {
    const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [GROUP_LOCK_CLASS, groupId])
    return r.rows[0]?.ok === true
  }

  async close(): Promise<void> {
    this.client.removeAllListeners('end')
    this.client.removeAllListeners('error')
    this.client.on('error', () => {})
    await this.client.end().catch(() => {})
  }
}
