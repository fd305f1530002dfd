/**
 * Client for the Tencent IM REST API (docs/reference/tencent-im-api.md), built on ky.
 *
 * - Every attempt gets a fresh query string: sdkappid, identifier, a current UserSig, a fresh uint32
 *   `random`, contenttype=json (docs/reference/tencent-im-api.md §1.2).
 * - Every attempt first takes a token from the SDKAppID's shared RateLimiter.
 * - The API answers HTTP 200 with ErrorCode in the body, so retry decisions are made in an
 *   afterResponse hook: transient codes (10002, 60007, 60008, 60011, 60018, 60019, 70169, 70202,
 *   70500, …), unparseable bodies, HTTP 5xx, resets and timeouts are retried with exponential
 *   backoff and full jitter. 70001 (UserSig expired) re-signs once, then retries. Anything else is
 *   permanent and surfaces as a TimApiError naming the code and its meaning.
 * - These calls only read, so retrying a POST is safe. Besides the group service, the client reads
 *   profiles (v4/profile/portrait_get) and Community topics (v4/million_group_open_http_svc/get_topic),
 *   all through the same 200/s limiter (docs/reference/tencent-im-api.md §9.2, §9.3).
 */
import ky, { isForceRetryError, isHTTPError, isNetworkError, isTimeoutError, type KyInstance } from 'ky'
import { randomInt } from 'node:crypto'
import { classifyCode } from '../shared/error-codes'
import { resolveEndpoint } from '../shared/regions'
import {
  profileTags,
  type AccountProfile,
  type ApiEnvelope,
  type GetAppidGroupListRequest,
  type GetAppidGroupListResponse,
  type GetGroupInfoRequest,
  type GetGroupInfoResponse,
  type GetGroupMemberInfoRequest,
  type GetGroupMemberInfoResponse,
  type GetTopicRequest,
  type GetTopicResponse,
  type GroupInfo,
  type GroupMember,
  type GroupMsgGetSimpleRequest,
  type GroupMsgGetSimpleResponse,
  type ItemFailure,
  type PortraitGetRequest,
  type PortraitGetResponse,
  type ProfilesResult,
  type TopicList
} from '../shared/tim-types'
import { TimApiError, UnsupportedGroupError, describeNetworkFailure } from './errors'
import { RateLimiter, limiterFor } from './rate-limiter'
import { UserSigSource } from './usersig'

export interface TimCredentials {
  sdkAppId: number
  identifier: string
  /** Either the secret key (UserSigs are then made and renewed locally) or a ready UserSig. */
  secretKey?: string
  userSig?: string
  region?: string
  /** A custom base URL (e.g. http://127.0.0.1:5080 for the simulator); overrides region. */
  endpoint?: string
}

export interface ClientOptions {
  /** Requests/s for this SDKAppID, shared by every client of it in the process. Default 200. */
  rate?: number
  /** Per-attempt timeout. */
  timeoutMs?: number
  /** Timeout of a whole call, retries and their delays included. Default: see the constructor. */
  totalTimeoutMs?: number
  /** Retries after the first attempt. */
  retries?: number
  /** First backoff step and its cap, in ms (full jitter is applied). */
  backoffMs?: number
  backoffLimitMs?: number
  /** Called on every retry, e.g. for progress statistics. */
  onRetry?: (reason: string) => void
}

export interface ClientStats {
  requests: number
  retries: number
  rateLimited: number
}

/** Codes that mean "slow down": the limiter holds everyone back briefly as well as retrying. */
const frequencyCodes = new Set([60007, 60011, 60018, 60019, 10006])

const groupService = 'v4/group_open_http_svc'
const profileService = 'v4/profile'
const communityService = 'v4/million_group_open_http_svc'

/** portrait_get takes at most 100 accounts (docs/reference/tencent-im-api.md §9.2). */
export const maxProfileAccounts = 100
/** get_group_member_info pages hold at most 200 members; 100 is the page's recommendation. */
export const maxMemberPage = 200
const defaultMemberPage = 100

export interface MemberPagesOptions {
  /** The group's Type from get_group_info. Communities page with Next; AVChatRoom/BChatRoom are refused. Default: Community when the ID starts with @TGS#_ (Tencent's rule for Community IDs). */
  groupType?: string
  /** Members per request, 1..200 (default 100). */
  pageSize?: number
  /** MemberInfoFilter (default: Member_Account, Role, JoinTime, NameCard). */
  fields?: string[]
  signal?: AbortSignal
}

export class TimClient {
  readonly baseUrl: string
  readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0 }
  private readonly sigs: UserSigSource
  private readonly limiter: RateLimiter
  /**
   * get_appid_group_list is limited to 1 request/s, separately from the 200/s APIs
   * (docs/reference/tencent-im-api.md §6.1).
   */
  private readonly listLimiter: RateLimiter
  private readonly http: KyInstance
  private readonly retries: number

  constructor(
    readonly creds: TimCredentials,
    private readonly opts: ClientOptions = {}
  ) {
    if (!Number.isSafeInteger(creds.sdkAppId) || creds.sdkAppId <= 0) {
      throw new Error('SDKAppID must be a positive integer')
    }
    if (!creds.identifier) throw new Error('The admin identifier is empty')
    if (!creds.secretKey && !creds.userSig) throw new Error('Give either the secret key or a UserSig')
    this.baseUrl = resolveEndpoint(creds)
    this.sigs = new UserSigSource(
      creds.secretKey
        ? { sdkAppId: creds.sdkAppId, identifier: creds.identifier, secretKey: creds.secretKey }
        : { sdkAppId: creds.sdkAppId, identifier: creds.identifier, userSig: creds.userSig! }
    )
    this.limiter = limiterFor(creds.sdkAppId, opts.rate)
    this.listLimiter = listLimiterFor(creds.sdkAppId)
    this.retries = opts.retries ?? 8
    const base = opts.backoffMs ?? 250
    const backoffLimit = opts.backoffLimitMs ?? 8_000
    const timeout = opts.timeoutMs ?? 20_000
    // ky's per-attempt timeout covers getting the response headers, not reading the body (which the
    // afterResponse hook does): a server that sends headers and then stalls held a call forever.
    // The total timeout bounds the whole call, hooks, body reads, retries and delays included. The
    // retries remain what normally ends a call, so the default is twice the retry budget (every
    // attempt at the full per-attempt timeout plus every backoff delay: 2 × (9 × 20 s + 31.75 s)
    // ≈ 7 min with the defaults). Twice, because each attempt also spends time the budget does not
    // count (the rate limiter, re-signing, a busy event loop): with the budget alone, the engine's
    // fault-injection tests gave up early on a loaded machine.
    let delays = 0
    for (let attempt = 1; attempt <= this.retries; attempt++) delays += Math.min(base * 2 ** (attempt - 1), backoffLimit)
    const totalTimeout = Math.min(opts.totalTimeoutMs ?? 2 * (delays + (this.retries + 1) * timeout), 2 ** 31 - 1)
    this.http = ky.create({
      prefix: this.baseUrl,
      timeout,
      totalTimeout,
      throwHttpErrors: true,
      retry: {
        limit: this.retries,
        methods: ['post'],
        // Any 5xx from a gateway is worth another try; 408/429 too
        // (docs/reference/tencent-im-api.md §3.3).
        statusCodes: [408, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)],
        afterStatusCodes: [],
        retryOnTimeout: true,
        delay: (attempt) => base * 2 ** (attempt - 1),
        backoffLimit,
        jitter: true,
        // A name the DNS says does not exist (a mistyped TIM_ENDPOINT) will not appear within the
        // retry budget: say so at once instead of after ~20 s of backoff.
        shouldRetry: ({ error }) => (describeNetworkFailure(error, this.baseUrl).code === 'ENOTFOUND' ? false : undefined)
      }
    })
  }

  /** Pull up to 20 messages with seq ≤ ReqMsgSeq (or the newest when it is omitted), newest first. */
  groupMsgGetSimple(req: GroupMsgGetSimpleRequest, signal?: AbortSignal): Promise<GroupMsgGetSimpleResponse> {
    return this.call<GroupMsgGetSimpleResponse>('group_msg_get_simple', req, this.limiter, signal)
  }

  /** Profiles of up to 50 groups. Per-item errors (10010, 10015) stay inside each GroupInfo item. */
  getGroupInfo(req: GetGroupInfoRequest, signal?: AbortSignal): Promise<GetGroupInfoResponse> {
    if (req.GroupIdList.length === 0 || req.GroupIdList.length > 50) {
      throw new RangeError('get_group_info takes 1 to 50 group IDs per request')
    }
    return this.call<GetGroupInfoResponse>('get_group_info', req, this.limiter, signal)
  }

  /** One portrait_get request: 1 to 100 accounts. Per-account errors stay in each UserProfileItem. */
  portraitGet(req: PortraitGetRequest, signal?: AbortSignal): Promise<PortraitGetResponse> {
    if (req.To_Account.length === 0 || req.To_Account.length > maxProfileAccounts) {
      throw new RangeError(`portrait_get takes 1 to ${maxProfileAccounts} accounts per request`)
    }
    return this.call<PortraitGetResponse>('portrait_get', req, this.limiter, signal, profileService)
  }

  /**
   * Nicknames and avatars (Tag_Profile_IM_Nick, Tag_Profile_IM_Image) of any number of accounts, 100
   * per request, in the order asked (duplicates asked once). Accounts the server could not read
   * (a per-item ResultCode, or only a Fail_Account entry) come back in `failed`, not as an error;
   * an error of the whole request (40001, 40004, …) throws a TimApiError.
   */
  async getProfiles(accounts: readonly string[], opts: { signal?: AbortSignal; concurrency?: number } = {}): Promise<ProfilesResult> {
    const unique = [...new Set(accounts)]
    const chunks: string[][] = []
    for (let i = 0; i < unique.length; i += maxProfileAccounts) chunks.push(unique.slice(i, i + maxProfileAccounts))
    const answers: PortraitGetResponse[] = []
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const i = next++
        answers[i] = await this.portraitGet({ To_Account: chunks[i]!, TagList: [...profileTags] }, opts.signal)
      }
    }
    await Promise.all(Array.from({ length: Math.min(Math.max(1, opts.concurrency ?? 1), chunks.length) }, worker))
    const profiles: AccountProfile[] = []
    const failed: ItemFailure[] = []
    for (const res of answers) {
      const seen = new Set<string>()
      for (const item of res.UserProfileItem ?? []) {
        if (typeof item.To_Account !== 'string') continue
        seen.add(item.To_Account)
        const code = typeof item.ResultCode === 'number' ? item.ResultCode : 0
        if (code !== 0) {
          failed.push({ id: item.To_Account, code, info: String(item.ResultInfo ?? '') })
          continue
        }
        const p: AccountProfile = { account: item.To_Account }
        for (const tag of item.ProfileItem ?? []) {
          if (typeof tag.Value !== 'string') continue
          if (tag.Tag === 'Tag_Profile_IM_Nick') p.nick = tag.Value
          else if (tag.Tag === 'Tag_Profile_IM_Image') p.image = tag.Value
        }
        profiles.push(p)
      }
      for (const acc of res.Fail_Account ?? []) if (!seen.has(acc)) failed.push({ id: acc, info: 'listed in Fail_Account' })
    }
    return { profiles, failed }
  }

  /** One get_group_member_info request (Limit ≤ 200; Offset, or Next for a Community). */
  getGroupMemberInfo(req: GetGroupMemberInfoRequest, signal?: AbortSignal): Promise<GetGroupMemberInfoResponse> {
    if (req.Limit !== undefined && (!Number.isInteger(req.Limit) || req.Limit < 1 || req.Limit > maxMemberPage)) {
      throw new RangeError(`get_group_member_info takes a Limit of 1 to ${maxMemberPage}`)
    }
    return this.call<GetGroupMemberInfoResponse>('get_group_member_info', req, this.limiter, signal)
  }

  /**
   * A group's members, page by page: Offset for every type but a Community, which pages with the
   * `Next` cursor. AVChatRoom and BChatRoom keep no member list: an UnsupportedGroupError, before
   * any request. Members who left are not listed (resolve them with getProfiles).
   */
  async *groupMemberPages(groupId: string, opts: MemberPagesOptions = {}): AsyncGenerator<GroupMember[], void, undefined> {
    const type = opts.groupType ?? (groupId.startsWith('@TGS#_') ? 'Community' : undefined)
    if (type === 'AVChatRoom' || type === 'BChatRoom') throw new UnsupportedGroupError('get_group_member_info', groupId, type)
    const limit = opts.pageSize ?? defaultMemberPage
    if (!Number.isInteger(limit) || limit < 1 || limit > maxMemberPage) throw new RangeError(`pageSize must be 1 to ${maxMemberPage}`)
    const base: GetGroupMemberInfoRequest = {
      GroupId: groupId,
      Limit: limit,
      MemberInfoFilter: opts.fields ?? ['Member_Account', 'Role', 'JoinTime', 'NameCard']
    }
    if (type === 'Community') {
      let next = ''
      const seen = new Set<string>()
      for (;;) {
        const res = await this.getGroupMemberInfo({ ...base, Next: next }, opts.signal)
        const page = res.MemberList ?? []
        if (page.length > 0) yield page
        next = typeof res.Next === 'string' ? res.Next : ''
        if (next === '' || page.length === 0) return
        // A cursor seen before would loop forever: the listing is as complete as it gets.
        if (seen.has(next)) return
        seen.add(next)
      }
    }
    let offset = 0
    for (;;) {
      const res = await this.getGroupMemberInfo({ ...base, Offset: offset }, opts.signal)
      const page = res.MemberList ?? []
      if (page.length > 0) yield page
      offset += page.length
      const total = typeof res.MemberNum === 'number' ? res.MemberNum : undefined
      if (page.length < limit || (total !== undefined && offset >= total)) return
    }
  }

  /** Every member of a group (see groupMemberPages). */
  async getGroupMembers(groupId: string, opts: MemberPagesOptions = {}): Promise<GroupMember[]> {
    const all: GroupMember[] = []
    for await (const page of this.groupMemberPages(groupId, opts)) all.push(...page)
    return all
  }

  /** One get_topic request. */
  getTopic(req: GetTopicRequest, signal?: AbortSignal): Promise<GetTopicResponse> {
    return this.call<GetTopicResponse>('get_topic', req, this.limiter, signal, communityService)
  }

  /**
   * A topic-enabled Community's topics (all of them, or `topicIds`). From_Account, which the page
   * requires, is the admin identifier. Topics answered with an error of their own are in `failed`.
   */
  async getTopics(groupId: string, opts: { topicIds?: string[]; signal?: AbortSignal } = {}): Promise<TopicList> {
    const req: GetTopicRequest = { GroupId: groupId, From_Account: this.creds.identifier }
    if (opts.topicIds) req.TopicIdList = opts.topicIds
    const res = await this.getTopic(req, opts.signal)
    const topics: TopicList['topics'] = []
    const failed: ItemFailure[] = []
    ;(res.TopicAndSelfInfo ?? []).forEach((item, i) => {
      const code = typeof item.ErrorCode === 'number' ? item.ErrorCode : 0
      const info = item.TopicInfo
      if (code !== 0 || !info || typeof info.TopicId !== 'string') {
        const id = info?.TopicId ?? opts.topicIds?.[i]
        failed.push({ ...(id === undefined ? {} : { id }), code, info: String(item.ErrorInfo ?? '') })
      } else topics.push(info)
    })
    return { topics, failed }
  }

  /** One page of the app's group IDs. `Next` is 0 when the listing is finished. */
  getAppidGroupList(req: GetAppidGroupListRequest = {}, signal?: AbortSignal): Promise<GetAppidGroupListResponse> {
    return this.call<GetAppidGroupListResponse>('get_appid_group_list', req, this.listLimiter, signal)
  }

  /** Every group ID of the app, following the `Next` cursor (1 request/s). */
  async listAllGroupIds(groupType?: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = []
    let next = 0
    do {
      const page = await this.getAppidGroupList({ Limit: 10000, Next: next, ...(groupType ? { GroupType: groupType } : {}) }, signal)
      for (const g of page.GroupIdList ?? []) ids.push(g.GroupId)
      next = page.Next ?? 0
    } while (next !== 0)
    return ids
  }

  /**
   * Profiles for any number of groups, 50 per request, in the order of the requests.
   * `responseFilter` names the fields to return (without one the API adds every member list);
   * `concurrency` requests run at once (default 1).
   */
  async getGroupInfos(
    groupIds: string[],
    signal?: AbortSignal,
    options: { responseFilter?: GetGroupInfoRequest['ResponseFilter']; concurrency?: number } = {}
  ): Promise<GroupInfo[]> {
    const chunks: string[][] = []
    for (let i = 0; i < groupIds.length; i += 50) chunks.push(groupIds.slice(i, i + 50))
    const answers: GroupInfo[][] = []
    let next = 0
    const worker = async () => {
      while (next < chunks.length) {
        const i = next++
        const req: GetGroupInfoRequest = { GroupIdList: chunks[i]! }
        if (options.responseFilter) req.ResponseFilter = options.responseFilter
        const res = await this.getGroupInfo(req, signal)
        answers[i] = res.GroupInfo ?? []
      }
    }
    await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency ?? 1), chunks.length) }, worker))
    return answers.flat()
  }

  private signedPath(service: string, command: string): string {
    const q = new URLSearchParams({
      sdkappid: String(this.creds.sdkAppId),
      identifier: this.creds.identifier,
      usersig: this.sigs.get(),
      // A fresh uint32 on every attempt (docs/reference/tencent-im-api.md §1.2): 0 … 4294967295.
      random: String(randomInt(0, 2 ** 32 - 1)),
      contenttype: 'json'
    })
    return `${service}/${command}?${q.toString()}`
  }

  private async call<T extends ApiEnvelope>(command: string, body: object, limiter: RateLimiter, signal?: AbortSignal, service = groupService): Promise<T> {
    let parsed: T | undefined
    let resigned = false
    const stats = this.stats
    const onRetry = this.opts.onRetry
    const resign = (request: Request): Request => {
      const url = new URL(request.url)
      const fresh = new URL(this.signedPath(service, command), this.baseUrl + '/')
      url.search = fresh.search
      return new Request(url, request)
    }
    try {
      await this.http.post(this.signedPath(service, command), {
        json: body,
        signal,
        hooks: {
          beforeRequest: [
            async () => {
              await limiter.take(signal)
              stats.requests++
            }
          ],
          beforeRetry: [
            async ({ request, error }) => {
              onRetry?.(error.message)
              await limiter.take(signal)
              // Counted once the retry is let through: a total timeout or a cancel while it waits
              // for the limiter sends nothing, so it is no retry.
              stats.retries++
              stats.requests++
              return resign(request)
            }
          ],
          afterResponse: [
            async ({ response }) => {
              if (!response.ok) return // HTTP errors go through ky's status-code retry.
              let data: T
              try {
                data = JSON.parse(await response.text()) as T
                if (typeof data !== 'object' || data === null || typeof data.ErrorCode !== 'number') {
                  throw new Error('no ErrorCode in the response')
                }
              } catch (cause) {
                // Truncated or garbled bodies (a proxy cut the connection) are transient.
                return ky.retry({ code: 'BAD_BODY', cause: cause as Error })
              }
              const code = data.ErrorCode
              if (code !== 0) {
                const cls = classifyCode(code)
                if (cls === 'retry') {
                  if (frequencyCodes.has(code)) {
                    stats.rateLimited++
                    limiter.pause(100)
                  }
                  return ky.retry({ code: `TIM_${code}` })
                }
                if (cls === 'resign' && !resigned && this.sigs.canRenew) {
                  // 70001: the UserSig expired. Sign again once, then retry (the beforeRetry
                  // hook rebuilds the query with the new sig).
                  resigned = true
                  this.sigs.invalidate()
                  return ky.retry({ code: `TIM_${code}`, delay: 0 })
                }
              }
              parsed = data
              // The hook's response (ky's clone, read above) becomes the call's: otherwise ky
              // cancels its spent body, which throws and is caught for every request (about 0.2 ms
              // of CPU each, docs/dev/benchmarks.md, issue 19); the untouched original is cancelled.
              return response
            }
          ]
        }
      })
    } catch (error) {
      throw this.toApiError(command, error, signal)
    }
    const data = parsed!
    if (data.ErrorCode !== 0) {
      throw new TimApiError(command, data.ErrorCode, String(data.ErrorInfo ?? ''), false)
    }
    return data
  }

  private toApiError(command: string, error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason ?? error
    if (isForceRetryError(error)) {
      const m = /^TIM_(\d+)$/.exec(error.code ?? '')
      if (m) return new TimApiError(command, Number(m[1]), '', true, { cause: error })
      return new TimApiError(command, 'BAD_BODY', String((error.cause as Error | undefined)?.message ?? ''), true, { cause: error })
    }
    if (isHTTPError(error)) {
      return new TimApiError(command, 'HTTP', `status ${error.response.status}`, true, { cause: error })
    }
    if (isTimeoutError(error)) return new TimApiError(command, 'TIMEOUT', '', true, { cause: error })
    if (isNetworkError(error) || error instanceof TypeError) {
      const { info, unreachable } = describeNetworkFailure(error, this.baseUrl)
      return new TimApiError(command, 'NETWORK', info, true, unreachable ? { cause: error, unreachable } : { cause: error })
    }
    return error
  }
}

const listLimiters = new Map<number, RateLimiter>()
function listLimiterFor(sdkAppId: number): RateLimiter {
  let l = listLimiters.get(sdkAppId)
  if (!l) {
    l = new RateLimiter(1)
    listLimiters.set(sdkAppId, l)
  }
  return l
}
