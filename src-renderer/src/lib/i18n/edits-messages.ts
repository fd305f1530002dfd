/**
 * Strings of edited messages in the timeline (issue 18 §5): the "edited" mark next to a message's
 * time and the dialog listing its versions. Merged into the app's tables by ./messages.ts; both
 * tables must have the same keys (checked by a unit test).
 */
// The mark's accessible name starts with its visible text ("edited", "已编辑"), so speech input
// users can say what they see (WCAG 2.5.3, label in name).
export const editsEn = {
  'edits.mark': 'edited',
  'edits.markTitle': 'Edited on the server since it was archived; {count} earlier versions kept. Show the versions',
  'edits.markTitle_one': 'Edited on the server since it was archived; 1 earlier version kept. Show the versions',
  'edits.title': 'Versions of message {seq}',
  'edits.hint':
    'An admin changed this message on the server, which keeps no earlier version. These are the versions this archive has seen, oldest first; search finds the words of each.',
  'edits.original': 'Original',
  'edits.version': 'Version {n}',
  'edits.current': 'Current',
  'edits.sent': 'As archived first; the message was sent {when}',
  'edits.seen': 'First seen {when}',
  'edits.dropped': '{count} versions in between were not kept: the archive keeps the first and the latest {kept}.',
  'edits.dropped_one': '1 version in between was not kept: the archive keeps the first and the latest {kept}.',
  'edits.customData': 'Custom data',
  'edits.empty': '(no content)',
  'edits.close': 'Close',
  // A search result's kind for `is:edited` (features/search/SearchResult.svelte builds the key).
  'search.kind.edited': 'Edited on the server'
}

export const editsZh: Record<keyof typeof editsEn, string> = {
  'edits.mark': '已编辑',
  'edits.markTitle': '已编辑：归档后在服务器上被修改过，保留了 {count} 个早先版本。查看各版本',
  'edits.markTitle_one': '已编辑：归档后在服务器上被修改过，保留了 1 个早先版本。查看各版本',
  'edits.title': '消息 {seq} 的各版本',
  'edits.hint': '管理员在服务器上修改了这条消息，服务器不保留旧版本。以下是本归档见过的各个版本，从早到晚；搜索可以找到每个版本中的文字。',
  'edits.original': '原始版本',
  'edits.version': '版本 {n}',
  'edits.current': '当前版本',
  'edits.sent': '最先归档的版本；消息发送于 {when}',
  'edits.seen': '首次见到于 {when}',
  'edits.dropped': '中间有 {count} 个版本未保留：归档只保留最早的版本和最近的 {kept} 个版本。',
  'edits.dropped_one': '中间有 1 个版本未保留：归档只保留最早的版本和最近的 {kept} 个版本。',
  'edits.customData': '自定义数据',
  'edits.empty': '（无内容）',
  'edits.close': '关闭',
  'search.kind.edited': '服务器上已编辑'
}
