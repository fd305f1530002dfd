/**
 * One process at a time per archive file or media folder: a lock file holding the holder's pid,
 * created exclusively. A lock whose holder is gone (killed mid-run) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises'

/**
 * Whether the process that left a lock or a temp file behind is still running: signal 0 checks
 * without touching it. EPERM means it runs under another user, so it is alive too.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the lock at `lockPath`, or throws what `locked(pid)` makes when a live process holds it
 * (pid undefined: the lock could not be taken for another reason, a race lost twice).
 */
export async function acquirePidLock(lockPath: string, locked: (pid?: number) => Error): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockPath, 'wx')
      await fh.writeFile(String(process.pid))
      await fh.close()
      return
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim())
      if (pid && pid !== process.pid && processAlive(pid)) throw locked(pid)
      // The holder is gone (killed mid-run): take the lock over.
      await unlink(lockPath).catch(() => {})
    }
  }
  throw locked()
}
