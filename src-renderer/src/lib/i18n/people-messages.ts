/**
 * Strings of people's names (issue 18 §1): a sender's account one hover away, the details
 * dialog's name and account, the search panel's sender filter, the host's people errors, and the
 * group header's "Refresh names" with its note for groups without a member list.
 * Merged into the app's tables by ./messages.ts; both tables must have the same keys.
 */
export const peopleEn = {
  'people.accountTitle': 'Account ID: {account}',
  'people.accountTitleThen': 'Account ID: {account}. Now named {current}',
  'people.nameAndAccount': '{name} ({account})',
  'people.senderFilterHint': 'A name or an account ID; suggestions as you type',
  'people.senderFilterPlaceholder': 'Any sender (a name or an account ID)',
  'people.refresh': 'Refresh names',
  'people.refreshHint': 'Ask the server again for the names and avatars of this group’s senders',
  'people.refreshing': 'Refreshing names…',
  'people.refreshed': 'Names refreshed: {count} people answered.',
  'people.refreshFailed': 'Names could not be refreshed: {message}',
  'people.noMemberList':
    'This group has no member list on the server (a live-stream or broadcast group, or a group dismissed since): names come from people’s profiles only (their nicknames), never from group name cards.'
}

export const peopleZh: Record<keyof typeof peopleEn, string> = {
  'people.accountTitle': '账号 ID：{account}',
  'people.accountTitleThen': '账号 ID：{account}。现在的名字：{current}',
  'people.nameAndAccount': '{name}（{account}）',
  'people.senderFilterHint': '名字或账号 ID，输入时给出建议',
  'people.senderFilterPlaceholder': '任何发送者（名字或账号 ID）',
  'people.refresh': '刷新名字',
  'people.refreshHint': '重新向服务器获取本群发送者的名字和头像',
  'people.refreshing': '正在刷新名字…',
  'people.refreshed': '名字已刷新：{count} 人有回应。',
  'people.refreshFailed': '名字未能刷新：{message}',
  'people.noMemberList': '此群在服务器上没有成员列表（直播群或广播群，或已被解散的群）：名字只来自用户资料（昵称），不会有群名片。'
}
