/** Caps how many requests are in flight across every group being synced. */
export class Semaphore {
  private waiting: (() => void)[] = []
  private used = 0
  constructor(readonly size: number) {
    if (!(size >= 1)) throw new Error('concurrency must be at least 1')
  }

  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++
      return
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.used--
  }
}
