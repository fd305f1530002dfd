/**
 * Whether the group list (sidebar) is shown (issue 15 item 13). A narrow window (under 1000 px, a
 * small laptop or a half-screen window) starts with it collapsed so the messages get the width; a
 * wide one with it shown. The user's choice is remembered separately for narrow and wide windows,
 * in localStorage: a layout preference, not archive data, and read synchronously so the first
 * frame already has the right layout.
 */
const narrowQuery = '(max-width: 999px)'
const storageKey = 'tim-archive.sidebar'

type Choice = { narrow: boolean | null; wide: boolean | null }

function load(): Choice {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(storageKey) ?? 'null')
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      return { narrow: typeof o['narrow'] === 'boolean' ? o['narrow'] : null, wide: typeof o['wide'] === 'boolean' ? o['wide'] : null }
    }
  } catch {
    // Storage refused or a malformed value: fall back to the defaults.
  }
  return { narrow: null, wide: null }
}

const inBrowser = typeof window !== 'undefined' && typeof matchMedia === 'function'

class Layout {
  narrow = $state(inBrowser && matchMedia(narrowQuery).matches)
  private choice = $state<Choice>(inBrowser ? load() : { narrow: null, wide: null })

  /** The group list is shown: the choice for this window size, else shown unless narrow. */
  get sidebarOpen(): boolean {
    return (this.narrow ? this.choice.narrow : this.choice.wide) ?? !this.narrow
  }

  setSidebar(open: boolean): void {
    this.choice = { ...this.choice, [this.narrow ? 'narrow' : 'wide']: open }
    try {
      localStorage.setItem(storageKey, JSON.stringify(this.choice))
    } catch {
      // Not remembered (storage refused); the choice still holds for this page.
    }
  }

  toggleSidebar(): void {
    this.setSidebar(!this.sidebarOpen)
  }

  /** Follows the window's width; returns the function that stops it. */
  start(): () => void {
    const mq = matchMedia(narrowQuery)
    this.narrow = mq.matches
    const onChange = (e: MediaQueryListEvent) => (this.narrow = e.matches)
    mq.addEventListener('change', onChange)
    return () => mq.removeEventListener('change', onChange)
  }
}

export const layout = new Layout()
