/**
 * Small key/value settings in the `settings` table (language, storage persistence, per-group
 * retention). Values are structured-cloned by IndexedDB, so plain data only.
 */
import { db as appDb, type AppDB } from './app-db'

export const settingKeys = {
  locale: 'ui.locale',
  persistence: 'storage.persistence',
  retentionPrefix: 'group.retentionDays:',
  /** The workspace's plan: the retention of its groups that have no setting of their own. */
  workspaceRetentionPrefix: 'workspace.retentionDays:',
  /** Scheduled sync (lib/schedule/scheduler.ts): hours between runs (0 = off), last start, last result. */
  scheduleHours: 'schedule.everyHours',
  scheduleLastRunAt: 'schedule.lastRunAt',
  scheduleLastResult: 'schedule.lastResult'
} as const

export function retentionKey(gk: string): string {
  return settingKeys.retentionPrefix + gk
}

export function workspaceRetentionKey(workspaceId: string): string {
  return settingKeys.workspaceRetentionPrefix + workspaceId
}

/** Retention choices in days: 7 is the free plan's roaming period, the default. */
export const retentionChoices = [7, 30, 90] as const
export const defaultRetentionDays = 7

export async function getSetting<T>(key: string, fallback: T, database: AppDB = appDb): Promise<T> {
  const row = await database.settings.get(key)
  return row === undefined ? fallback : (row.value as T)
}

export async function setSetting(key: string, value: unknown, database: AppDB = appDb): Promise<void> {
  await database.settings.put({ key, value })
}

export interface PersistenceResult {
  /** Whether the browser promised not to evict the store under storage pressure. */
  persisted: boolean
  /** False where the StorageManager API is missing. */
  supported: boolean
  checkedAt: number
}

/**
 * Asks the browser not to evict the archive under storage pressure (best-effort storage can be
 * cleared silently, losing history the server has since expired). Electron grants it; a browser
 * may refuse. The answer is recorded in settings so the UI can warn.
 */
export async function requestPersistence(database: AppDB = appDb): Promise<PersistenceResult> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined
  let result: PersistenceResult
  if (!storage?.persist) {
    result = { persisted: false, supported: false, checkedAt: Date.now() }
  } else {
    let persisted = false
    try {
      persisted = (await storage.persisted?.()) || (await storage.persist())
    } catch {
      persisted = false
    }
    result = { persisted, supported: true, checkedAt: Date.now() }
  }
  await setSetting(settingKeys.persistence, result, database)
  return result
}
