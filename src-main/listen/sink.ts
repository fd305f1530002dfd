/**
 * Where the listener commits what a callback says. The PostgreSQL sink (pg-sink.ts) is the real
 * one; the tests also use an in-memory one with the same rules (test/helpers/callback-sink.ts).
 *
 * `apply` records the callback and changes the archive in one transaction and resolves only once
 * that is committed: the listener answers OK after it, never before, so an acknowledged callback
 * is never lost. A callback whose key was seen before (a replay, or Tencent sending it twice)
 * changes nothing and resolves with `duplicate`.
 */
import type { CallbackEvent } from './callback-body'

export interface ApplyInput {
  event: CallbackEvent
  /** The callback's identity: sha256 of its command and body as received (callbackKey). */
  key: string
  receivedAt: Date
}

export interface ApplyOutcome {
  /** The same callback was applied before: nothing was written. */
  duplicate: boolean
  /** Message records written (new or changed). */
  written: number
  /** Changes kept for messages not archived yet (a modify or recall that came before its send). */
  waiting: number
}

export interface CallbackSink {
  apply(input: ApplyInput): Promise<ApplyOutcome>
  close(): Promise<void>
}
