/**
 * Strings of the tray (menu bar) status and menu, merged into the UI tables in messages.ts.
 */
export const trayEn = {
  'tray.idle': 'TIM Archive',
  'tray.syncing': 'Syncing… {percent}%',
  'tray.syncNow': 'Sync now',
  'tray.open': 'Open TIM Archive',
  'tray.quit': 'Quit'
} as const

export const trayZh: Record<keyof typeof trayEn, string> = {
  'tray.idle': 'TIM Archive',
  'tray.syncing': '正在同步… {percent}%',
  'tray.syncNow': '立即同步',
  'tray.open': '打开 TIM Archive',
  'tray.quit': '退出'
}
