/**
 * TUIKit's conventions, read defensively from archived messages: replies and quotes
 * (CloudCustomData messageReply), mentions in text, stickers, custom business messages, and any
 * other app data made readable. Pure: the timeline, exports and search all use it.
 */
export * from './readable'
export * from './reply'
export * from './mentions'
export * from './face'
export * from './custom'
