import Dexie, { type Transaction } from 'dexie'

/**
 * Deletes the key range [lower, upper] of a table with IndexedDB's own delete(range), in the
 * caller's transaction: one request however many rows it holds (Dexie's Collection.delete() reads
 * the keys first). Dexie's liveQuery does not hear of it: the caller writes the rows it watches
 * (the group row) through Dexie.
 */
export function deleteRange(tx: Transaction, table: string, lower: unknown, upper: unknown): Promise<void> {
  const os = tx.idbtrans.objectStore(table)
  return new Dexie.Promise<void>((resolve, reject) => {
    const req = os.delete(Dexie.dependencies.IDBKeyRange.bound(lower, upper))
    req.onsuccess = () => resolve()
    req.onerror = () => reject(req.error)
  })
}
