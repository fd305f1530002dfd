/**
 * Types for the Tencent IM REST API as described in docs/reference/tencent-im-api.md
 * (group_msg_get_simple, get_group_info, get_appid_group_list). Field names are spelled exactly as
 * the API spells them.
 * Every response type has an index signature: the API may add fields at any time, and the archive
 * keeps whatever the server sent verbatim.
 *
 * Pure types: imported by main, the CLI, the simulator and the renderer.
 */

/** Common envelope of every REST response (HTTP 200 unless a gateway failed). */
export interface ApiEnvelope {
  ActionStatus: 'OK' | 'FAIL' | string
  ErrorCode: number
  ErrorInfo: string
  ErrorDisplay?: string
  [extra: string]: unknown
}

/** One `{MsgType, MsgContent}` element of a message body. Unknown MsgTypes are kept as they are. */
export interface MsgElement {
  MsgType: string
  MsgContent: Record<string, unknown>
  [extra: string]: unknown
}

export interface TextElem extends MsgElement {
  MsgType: 'TIMTextElem'
  MsgContent: { Text: string }
}
export interface FaceElem extends MsgElement {
  MsgType: 'TIMFaceElem'
  MsgContent: { Index: number; Data: string }
}
export interface LocationElem extends MsgElement {
  MsgType: 'TIMLocationElem'
  MsgContent: { Desc: string; Latitude: number; Longitude: number }
}
export interface CustomElem extends MsgElement {
  MsgType: 'TIMCustomElem'
  MsgContent: { Data: string; Desc?: string; Ext?: string; Sound?: string }
}
export interface SoundElem extends MsgElement {
  MsgType: 'TIMSoundElem'
  MsgContent: { Url?: string; UUID: string; Size: number; Second: number; Download_Flag?: number }
}
export interface ImageInfo {
  Type: number
  Size: number
  Width: number
  Height: number
  URL: string
}
export interface ImageElem extends MsgElement {
  MsgType: 'TIMImageElem'
  MsgContent: { UUID: string; ImageFormat: number; ImageInfoArray: ImageInfo[] }
}
export interface FileElem extends MsgElement {
  MsgType: 'TIMFileElem'
  MsgContent: { Url?: string; UUID: string; FileSize: number; FileName: string; Download_Flag?: number }
}
export interface VideoFileElem extends MsgElement {
  MsgType: 'TIMVideoFileElem'
  MsgContent: {
    VideoUrl?: string
    VideoUUID: string
    VideoSize: number
    VideoSecond: number
    VideoFormat: string
    VideoDownloadFlag?: number
    ThumbUrl?: string
    ThumbUUID: string
    ThumbSize: number
    ThumbWidth: number
    ThumbHeight: number
    ThumbFormat: string
    ThumbDownloadFlag?: number
  }
}
/** A message inside a TIMRelayElem's MsgList. */
export interface RelayItem {
  From_Account: string
  To_Account?: string
  GroupId?: string
  MsgSeq: number
  MsgRandom: number
  MsgTimeStamp: number
  MsgBody: MsgElement[]
  CloudCustomData?: string
  [extra: string]: unknown
}
export interface RelayElem extends MsgElement {
  MsgType: 'TIMRelayElem'
  MsgContent: {
    Title: string
    MsgNum: number
    CompatibleText: string
    AbstractList: string[]
    /** Present when the merged messages fit in 12 KB. */
    MsgList?: RelayItem[]
    /** Present instead of MsgList above 12 KB; REST clients cannot expand it. */
    JsonMsgKey?: string
  }
}

/** One entry of RspMsgList, kept verbatim. */
export interface RawMessage {
  From_Account: string
  /** 0 normal; 1 deleted, expired or failed to store (empty body); 2 recalled. */
  IsPlaceMsg: number
  /** An array of elements; an object on some system messages (IsSystemMsg 1). */
  MsgBody: MsgElement[] | Record<string, unknown>
  MsgRandom: number
  /** uint32: up to 4294967295. JS numbers hold it exactly. */
  MsgSeq: number
  /** Unix seconds, server clock. */
  MsgTimeStamp: number
  MsgPriority?: number
  IsSystemMsg?: number
  CloudCustomData?: string
  MsgKey?: string
  [extra: string]: unknown
}

export interface GroupMsgGetSimpleRequest {
  GroupId: string
  /** At most 20 messages come back per call. */
  ReqMsgNumber: number
  /** Inclusive upper bound. Omit on the first call to start from the newest message. */
  ReqMsgSeq?: number
  /** 1 includes recalled messages as IsPlaceMsg 2. */
  WithRecalledMsg?: 0 | 1
  /** Community topics only. */
  TopicId?: string
}

/**
 * IsFinished: 1 the whole requested range came back; 0 cut short (size, or range wider than 20);
 * 2 cut short and everything in the range had expired.
 */
export interface GroupMsgGetSimpleResponse extends ApiEnvelope {
  GroupId: string
  IsFinished: number
  RspMsgList: RawMessage[]
}

export interface GetGroupInfoRequest {
  GroupIdList: string[]
  ResponseFilter?: {
    GroupBaseInfoFilter?: string[]
    MemberInfoFilter?: string[]
    AppDefinedDataFilter_Group?: string[]
    AppDefinedDataFilter_GroupMember?: string[]
  }
}

export interface GroupInfo {
  /** Per-item status: a missing group gives 10010/10015 here while the envelope is OK. */
  ErrorCode: number
  ErrorInfo: string
  GroupId: string
  Type?: string
  Name?: string
  Appid?: number
  Introduction?: string
  Notification?: string
  FaceUrl?: string
  Owner_Account?: string
  CreateTime?: number
  InfoSeq?: number
  LastInfoTime?: number
  LastMsgTime?: number
  /** The seq the next message will get: the newest seq is NextMsgSeq - 1. */
  NextMsgSeq?: number
  MemberNum?: number
  MaxMemberNum?: number
  ApplyJoinOption?: string
  ShutUpAllMember?: string
  AppDefinedData?: { Key: string; Value: string }[]
  MemberList?: Record<string, unknown>[]
  [extra: string]: unknown
}

export interface GetGroupInfoResponse extends ApiEnvelope {
  GroupInfo: GroupInfo[]
}

export interface GetAppidGroupListRequest {
  /** At most 10000. */
  Limit?: number
  /** uint64 cursor: 0 on the first call, then the returned value. */
  Next?: number
  GroupType?: string
}

export interface GetAppidGroupListResponse extends ApiEnvelope {
  TotalCount: number
  GroupIdList: { GroupId: string }[]
  /** 0 when the listing is finished. */
  Next: number
}

// ---------------------------------------------------------------------------------------------
// People: profiles and group members (docs/reference/tencent-im-api.md §9.2)

/** The profile tags the archive reads: the nickname and the avatar URL. */
export const profileTags = ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image'] as const
export type ProfileTag = (typeof profileTags)[number]

/** v4/profile/portrait_get: at most 100 accounts per request. */
export interface PortraitGetRequest {
  To_Account: string[]
  TagList: string[]
}

export interface ProfileItem {
  Tag: string
  /** A string for the standard string tags; numbers or bytes for some others. */
  Value: unknown
  [extra: string]: unknown
}

export interface UserProfileItem {
  To_Account: string
  ProfileItem?: ProfileItem[]
  /** Per-account status: 0, or a 400xx code (40003: no such account). */
  ResultCode: number
  ResultInfo?: string
  [extra: string]: unknown
}

export interface PortraitGetResponse extends ApiEnvelope {
  UserProfileItem?: UserProfileItem[]
  /** Accounts the server could not read. */
  Fail_Account?: string[]
}

/** v4/group_open_http_svc/get_group_member_info. */
export interface GetGroupMemberInfoRequest {
  GroupId: string
  /** At most 200 per page (100 recommended). */
  Limit?: number
  /** Not for Communities, which page with Next. */
  Offset?: number
  /** Community only: "" on the first call, then the returned value. */
  Next?: string
  MemberInfoFilter?: string[]
  MemberRoleFilter?: string[]
  AppDefinedDataFilter_GroupMember?: string[]
}

export interface GroupMember {
  Member_Account: string
  Role?: string
  JoinTime?: number
  MsgSeq?: number
  MsgFlag?: string
  LastSendMsgTime?: number
  ShutUpUntil?: number
  /** The member's name card in this group ('' when none). */
  NameCard?: string
  [extra: string]: unknown
}

export interface GetGroupMemberInfoResponse extends ApiEnvelope {
  MemberNum?: number
  MemberList?: GroupMember[]
  /** Communities only: '' when the listing is finished. */
  Next?: string
}

// ---------------------------------------------------------------------------------------------
// Community topics (docs/reference/tencent-im-api.md §9.3)

/** v4/million_group_open_http_svc/get_topic (trtc.io/document/49469). */
export interface GetTopicRequest {
  GroupId: string
  /** Required by the page: whose SelfInfo comes back (the archive sends the admin identifier). */
  From_Account: string
  /** Optional: without it, every topic of the group. */
  TopicIdList?: string[]
  ResponseFilter?: string[]
}

export interface TopicInfo {
  TopicId: string
  TopicName?: string
  /** Spelt GroupID in the community SDK's model of this answer (not confirmed on the page). */
  GroupID?: string
  FaceUrl?: string
  Introduction?: string
  Notification?: string
  CreateTime?: number
  LastMsgTime?: number
  NextMsgSeq?: number
  ShutUpAllFlag?: number
  CustomString?: string
  [extra: string]: unknown
}

export interface TopicAndSelfInfo {
  ErrorCode?: number
  ErrorInfo?: string
  TopicInfo?: TopicInfo
  SelfInfo?: Record<string, unknown>
  [extra: string]: unknown
}

export interface GetTopicResponse extends ApiEnvelope {
  TopicAndSelfInfo?: TopicAndSelfInfo[]
}

// ---------------------------------------------------------------------------------------------
// Edits (docs/reference/tencent-im-api.md §9.4): the simulator serves it; the archive never calls it.

/** v4/openim/modify_group_msg. */
export interface ModifyGroupMsgRequest {
  GroupId: string
  MsgSeq: number
  MsgBody?: MsgElement[]
  CloudCustomData?: string
  TopicId?: string
}

// ---------------------------------------------------------------------------------------------
// What the client makes of these answers (src-main/tim/client.ts)

/** One account's nickname and avatar as portrait_get returned them (absent: not returned as a string). */
export interface AccountProfile {
  account: string
  nick?: string
  image?: string
}

/** An account, topic or page the server answered with an error of its own. */
export interface ItemFailure {
  /** The account (portrait_get) or topic ID (get_topic), when known. */
  id?: string
  /** The item's ResultCode / ErrorCode; undefined when the server only listed it in Fail_Account. */
  code?: number
  info: string
}

export interface ProfilesResult {
  profiles: AccountProfile[]
  failed: ItemFailure[]
}

export interface TopicList {
  topics: TopicInfo[]
  failed: ItemFailure[]
}
