/**
 * The host's media settings and the media folder's use of its disk budget (media.settings), for
 * the Settings dialog and the budget notice. Refreshed on demand and, at most every 5 s, when the
 * host says outcomes changed (new files count against the budget).
 */
import type { MediaSettings, MediaSettingsState, Result } from '@shared/ipc/contract'
import { api } from '@renderer/lib/ipc/api'

const refreshEveryMs = 5000

class MediaSettingsModel {
  state = $state<MediaSettingsState | null>(null)
  private subscribed = false
  private timer: ReturnType<typeof setTimeout> | null = null

  /** Asks the host again (and listens for changes from now on). */
  async refresh(): Promise<void> {
    this.subscribe()
    try {
      this.state = await api.media.settings()
    } catch {
      // A host without media (an older one) or a stopped server: nothing to show.
    }
  }

  /** Stores new settings; answers the host's verdict (INVALID names a host it cannot use). */
  async save(next: MediaSettings): Promise<Result<MediaSettingsState>> {
    const r = await api.media.setSettings(next)
    if (r.ok) this.state = r.value
    return r
  }

  private subscribe(): void {
    if (this.subscribed) return
    this.subscribed = true
    api.media.onChanged(() => {
      if (this.timer) return
      this.timer = setTimeout(() => {
        this.timer = null
        void this.refresh()
      }, refreshEveryMs)
    })
  }
}

export const mediaSettings = new MediaSettingsModel()
