/**
 * Reads the user waits for (a search) ahead of the sync's writes. IndexedDB runs a read-only
 * transaction only after every read-write transaction created before it on the same tables, so a
 * search made while a sync runs waits for whole sync transactions (up to 500 messages each,
 * BatchCommitter.maxMessages) at each of its reads. While such a read is pending, BatchCommitter
 * gives up the write under way (it aborts; its batches, not acknowledged yet, are written again),
 * holds its next write until the read is done (bounded), then writes smaller transactions while
 * one still reads. Typing in the search box counts as a read about to come (readExpected), so that
 * the search finds the store idle when it starts. Only the size and the spacing of the writes
 * change: every batch is still written whole in one transaction and acknowledged after its commit.
 */
let waiting = 0
let settledListeners: (() => void)[] = []
const startListeners = new Set<() => void>()

/**
 * Hears each read the user waits for as it starts (BatchCommitter: to give up the write under way,
 * which the read would otherwise wait for). Returns the unsubscribe.
 */
export function onReadStart(listener: () => void): () => void {
  startListeners.add(listener)
  return () => startListeners.delete(listener)
}

/** Resolves once no read waits, or after `maxMs` (the writes are held back, never starved). */
export function readsSettled(maxMs: number): Promise<void> {
  if (waiting === 0) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      settledListeners = settledListeners.filter((l) => l !== done)
      resolve()
    }
    const timer = setTimeout(done, maxMs)
    settledListeners.push(done)
  })
}

/** Whether a read the user waits for is under way. */
export function readsWaiting(): boolean {
  return waiting > 0
}

function begin(): void {
  waiting++
  for (const l of [...startListeners]) {
    try {
      l()
    } catch (e) {
      console.error('read-priority: a start listener failed', e)
    }
  }
}

function end(): void {
  if (--waiting === 0) for (const l of [...settledListeners]) l()
}

/** Runs `read` (the user waits for it) with the sync's writes kept short meanwhile. */
export async function withReadPriority<T>(read: () => Promise<T>): Promise<T> {
  begin()
  try {
    return await read()
  } finally {
    end()
  }
}

let expected: ReturnType<typeof setTimeout> | undefined

/**
 * The user is typing a search (each keystroke in the search box): the sync's writes give way as
 * to a read, until `forMs` after the last call, so that the search finds the store idle when
 * Enter is pressed instead of waiting for the write under way to be given up then (5–25 ms
 * during a sync, bench:app-sync). While the user types, the sync writes at most every
 * BatchCommitter.holdForReadMs, and at most 100 messages a transaction.
 */
export function readExpected(forMs = 400): void {
  if (expected === undefined) begin()
  else clearTimeout(expected)
  expected = setTimeout(() => {
    expected = undefined
    end()
  }, forMs)
}
