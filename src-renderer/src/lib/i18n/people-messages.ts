/**
 * Strings of people's names (issue 18 §1): a sender's account one hover away, the details
 * dialog's name and account, the search panel's sender filter and the host's people errors.
 * Merged into the app's tables by ./messages.ts; both tables must have the same keys.
 */
export const peopleEn = {
  'people.accountTitle': 'Account ID: {account}',
  'people.accountTitleThen': 'Account ID: {account}. Now named {current}',
  'people.nameAndAccount': '{name} ({account})',
  'people.senderFilterHint': 'A name or an account ID; suggestions as you type',
  'people.senderFilterPlaceholder': 'Any sender (a name or an account ID)'
}

export const peopleZh: Record<keyof typeof peopleEn, string> = {
  'people.accountTitle': '账号 ID：{account}',
  'people.accountTitleThen': '账号 ID：{account}。现在的名字：{current}',
  'people.nameAndAccount': '{name}（{account}）',
  'people.senderFilterHint': '名字或账号 ID，输入时给出建议',
  'people.senderFilterPlaceholder': '任何发送者（名字或账号 ID）'
}
