/** Strings of a group's status and its Stop syncing / Delete actions (issue 15 items 6 and 19). */
export const groupEn = {
  'groupStatus.never': 'Not synced yet',
  'groupStatus.emptyOnServer': 'No messages on the server',
  'groupStatus.emptyOnServerChecked': 'No messages on the server (checked {when})',
  'groupStatus.emptyHint': 'The last sync found no messages in this group. New messages are archived by the next sync.',
  'groupStatus.emptyGroups': '{count} with no messages on the server',
  'groupStatus.unsyncedGroups': '{count} not synced yet'
} as const

export const groupZh: Record<keyof typeof groupEn, string> = {
  'groupStatus.never': '尚未同步',
  'groupStatus.emptyOnServer': '服务器上没有消息',
  'groupStatus.emptyOnServerChecked': '服务器上没有消息（检查于 {when}）',
  'groupStatus.emptyHint': '上次同步时此群组没有任何消息。新消息会在下次同步时归档。',
  'groupStatus.emptyGroups': '{count} 个在服务器上没有消息',
  'groupStatus.unsyncedGroups': '{count} 个尚未同步'
}
