/**
 * Strings of kept media (issue 17): the inline image and its placeholders, merged into the UI
 * tables in messages.ts.
 */
export const mediaEn = {
  'media.alt': 'Image {width}×{height}',
  'media.altUnknown': 'Image',
  'media.pending': 'Not kept yet',
  'media.pendingHint': 'The image is saved in the background after a sync.',
  'media.expired': 'Expired on the server',
  'media.expiredSince': 'Missing on the server since {date}',
  'media.refused': 'Not kept',
  'media.reason.too-big': 'over the size limit',
  'media.reason.type-not-allowed': 'this type is turned off',
  'media.reason.host-not-allowed': 'from a server that is not allowed',
  'media.reason.private-address': 'points at a private network address',
  'media.reasonOther': 'refused ({reason})',
  'media.failed': 'Could not be downloaded',
  'media.noUrl': 'No download address (sent by an old SDK)',
  'media.openLarge': 'Open the large image',
  'media.viewerLarge': 'Large image · {width}×{height}',
  'media.viewerOriginal': 'Original image · {width}×{height}',
  'media.close': 'Close',
  'media.voice': 'Voice message',
  'media.video': 'Video',
  'media.videoPoster': 'Video thumbnail',
  'media.fileKept': 'Kept in the archive'
} as const

export const mediaZh: Record<keyof typeof mediaEn, string> = {
  'media.alt': '图片 {width}×{height}',
  'media.altUnknown': '图片',
  'media.pending': '尚未保存',
  'media.pendingHint': '同步后会在后台保存图片。',
  'media.expired': '服务器上已过期',
  'media.expiredSince': '自 {date} 起服务器上已不存在',
  'media.refused': '未保存',
  'media.reason.too-big': '超过大小上限',
  'media.reason.type-not-allowed': '已关闭此类型',
  'media.reason.host-not-allowed': '来自未允许的服务器',
  'media.reason.private-address': '指向私有网络地址',
  'media.reasonOther': '已拒绝（{reason}）',
  'media.failed': '下载失败',
  'media.noUrl': '没有下载地址（旧版 SDK 发送）',
  'media.openLarge': '打开大图',
  'media.viewerLarge': '大图 · {width}×{height}',
  'media.viewerOriginal': '原图 · {width}×{height}',
  'media.close': '关闭',
  'media.voice': '语音消息',
  'media.video': '视频',
  'media.videoPoster': '视频缩略图',
  'media.fileKept': '已保存到归档'
}
