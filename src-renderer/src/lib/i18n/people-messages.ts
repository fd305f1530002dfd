/**
 * Strings of people's names (issue 18 §1): a sender's account one hover away, the details
 * dialog's name and account, the search panel's sender filter and the host's people errors.
 * Merged into the app's tables by ./messages.ts; both tables must have the same keys.
 */
export const peopleEn = {
  'people.accountTitle': 'Account ID: {account}',
  'people.accountTitleThen': 'Account ID: {account}. Now named {current}',
  'people.nameAndAccount': '{name} ({account})',
  'people.senderFilter': 'Sender',
  'people.senderFilterHint': 'A name or an account ID; suggestions as you type',
  'people.senderFilterPlaceholder': 'Anyone',
  'people.noMemberList': 'Live-stream and broadcast groups keep no member list: names come from profiles only, without group name cards.'
}

export const peopleZh: Record<keyof typeof peopleEn, string> = {
  'people.accountTitle': '账号 ID：{account}',
  'people.accountTitleThen': '账号 ID：{account}。现在的名字：{current}',
  'people.nameAndAccount': '{name}（{account}）',
  'people.senderFilter': '发送者',
  'people.senderFilterHint': '名字或账号 ID，输入时给出建议',
  'people.senderFilterPlaceholder': '任何人',
  'people.noMemberList': '直播群和广播群没有成员列表：名字仅来自资料，没有群名片。'
}
