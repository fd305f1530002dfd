/** A coarse clock so "3 hours ago" and the retention warnings stay current without a reload. */
class Clock {
  now = $state(Date.now())
  private timer: ReturnType<typeof setInterval> | null = null

  start(intervalMs = 30_000): () => void {
    if (!this.timer) this.timer = setInterval(() => (this.now = Date.now()), intervalMs)
    return () => {
      if (this.timer) clearInterval(this.timer)
      this.timer = null
    }
  }
}

export const clock = new Clock()
