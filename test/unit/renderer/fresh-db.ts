/**
 * A fresh AppDB per test on fake-indexeddb, deleted after the test that opened it. Call once at
 * the top of a test file: `const freshDb = freshDbs('commit')`; `freshDb()` opens a new store,
 * `freshDb(name)` opens (and tracks) the store of that name, e.g. one an older schema wrote.
 */
import { afterEach } from 'vitest'
import { AppDB } from '../../../src-renderer/src/lib/db/app-db'

export function freshDbs(prefix: string): (name?: string) => AppDB {
  let n = 0
  const open: AppDB[] = []
  afterEach(async () => {
    for (const d of open.splice(0)) await d.delete()
  })
  return (name = `${prefix}-test-${++n}-${Date.now()}`) => {
    const d = new AppDB(name)
    open.push(d)
    return d
  }
}
