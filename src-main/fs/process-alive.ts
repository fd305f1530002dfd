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
