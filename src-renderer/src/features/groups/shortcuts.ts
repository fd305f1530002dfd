/** Whether shortcuts should read ⌘ rather than Ctrl (macOS, iPadOS). */
export const isMac: boolean = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/i.test(navigator.platform || navigator.userAgent)
