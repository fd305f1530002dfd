/**
 * Strings of the message-link confirmation, the collapsible sidebar and compact group header, and the
 * names of values the API gives in English (group types, element types), in English and Simplified
 * Chinese (issue 15 items 11, 13, 16). Merged into the tables in messages.ts.
 */
export const uiEn = {
  'link.openHint': 'Open this link (you will see its address first)',
  'link.confirmTitle': 'Open this link?',
  'link.confirmBody': 'Links in archived messages can lead anywhere. Check the address before you open it.',
  'link.address': 'Address',
  'link.host': 'Site',
  'link.written': 'As written in the message',
  'link.openBrowser': 'Open in browser',
  'link.openMail': 'Open in mail app',
  'link.cancel': 'Cancel',
  'link.failed': 'The link could not be opened: {message}',

  'layout.sidebarToggle': 'Group list',
  'layout.sidebarHint': 'Show or hide the group list ({shortcut})',
  'groups.actions': 'Group actions',
  'groups.more': 'More',
  'groups.details': 'Details',

  // Group types as Tencent Cloud IM names them (Public, Work, Meeting, AVChatRoom, Community).
  'groupType.Public': 'Public',
  'groupType.Private': 'Work (Private)',
  'groupType.Work': 'Work',
  'groupType.ChatRoom': 'Meeting (ChatRoom)',
  'groupType.Meeting': 'Meeting',
  'groupType.AVChatRoom': 'Live stream (AVChatRoom)',
  'groupType.BChatRoom': 'Broadcast (BChatRoom)',
  'groupType.Community': 'Community',

  // Element types (MsgType) where the UI names one, e.g. in a system message's summary.
  'elemType.TIMTextElem': 'Text',
  'elemType.TIMFaceElem': 'Emoji',
  'elemType.TIMLocationElem': 'Location',
  'elemType.TIMCustomElem': 'Custom message',
  'elemType.TIMSoundElem': 'Voice message',
  'elemType.TIMImageElem': 'Image',
  'elemType.TIMFileElem': 'File',
  'elemType.TIMVideoFileElem': 'Video',
  'elemType.TIMRelayElem': 'Forwarded chat history',
  'elemType.TIMGroupTipElem': 'Group notice',
  'elemType.TIMGroupSystemNoticeElem': 'Group system notice'
}

export const uiZh: Record<keyof typeof uiEn, string> = {
  'link.openHint': '打开此链接（会先显示其地址）',
  'link.confirmTitle': '打开此链接？',
  'link.confirmBody': '归档消息中的链接可能指向任何地方。打开前请核对地址。',
  'link.address': '地址',
  'link.host': '网站',
  'link.written': '消息中的原文',
  'link.openBrowser': '在浏览器中打开',
  'link.openMail': '在邮件应用中打开',
  'link.cancel': '取消',
  'link.failed': '无法打开链接：{message}',

  'layout.sidebarToggle': '群组列表',
  'layout.sidebarHint': '显示或隐藏群组列表（{shortcut}）',
  'groups.actions': '群组操作',
  'groups.more': '更多',
  'groups.details': '详情',

  // 腾讯云 IM 文档中的群组类型名称。
  'groupType.Public': '陌生人社交群',
  'groupType.Private': '好友工作群',
  'groupType.Work': '好友工作群',
  'groupType.ChatRoom': '临时会议群',
  'groupType.Meeting': '会议群',
  'groupType.AVChatRoom': '直播群',
  'groupType.BChatRoom': '在线成员广播大群',
  'groupType.Community': '社群',

  'elemType.TIMTextElem': '文本',
  'elemType.TIMFaceElem': '表情',
  'elemType.TIMLocationElem': '位置',
  'elemType.TIMCustomElem': '自定义消息',
  'elemType.TIMSoundElem': '语音消息',
  'elemType.TIMImageElem': '图片',
  'elemType.TIMFileElem': '文件',
  'elemType.TIMVideoFileElem': '视频',
  'elemType.TIMRelayElem': '合并转发的聊天记录',
  'elemType.TIMGroupTipElem': '群提示',
  'elemType.TIMGroupSystemNoticeElem': '群系统通知'
}
