/**
 * Local simulator of the Tencent Cloud IM server REST API (docs/reference/tencent-im-api.md §1, §3,
 * §5.5, §6.1, §6.2, §8). node:http only. It is strict on purpose: the client it tests will later
 * talk to the real server, so every request detail the reference documents is checked, never
 * tolerated.
 *
 * Models: POST /v4/group_open_http_svc/{group_msg_get_simple, get_group_info, get_appid_group_list},
 * the common query string, UserSig v2 verification, app-admin check, per-command token-bucket rate
 * limits, the 20-message and response-size caps, holes / placeholders / recalled messages, purged
 * history, and injected transport faults (10002, HTML 502, reset, truncated body, stall).
 *
 * The same server and port also serve the demo groups' media from a loopback "COS" under /cos/
 * (./media/cos.ts), and a second 127.0.0.1 port stands for a private address (./media/private-port.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP, type Socket } from 'node:net'
import type { MsgElement } from '../../src-main/shared/tim-types'
import { verifyUserSig } from '../../src-main/tim/usersig'
import { fail, isInt, isStringArray, ok, type Answer } from './answers'
import { demoApp, mulberry32 } from './seed'
import { COS_PREFIX, cosPathOf, SimCos, type CosOptions, type MediaOverride } from './media/cos'
import { mediaBucket } from './media/lab'
import { PrivatePortListener } from './media/private-port'
import { CallbackSender } from './callbacks'
import { getGroupMemberInfo, getTopic, memberRows, portraitGet, type MemberRow, type SimMember, type SimProfile, type SimTopic } from './people'

export type MsgState = 'normal' | 'deleted' | 'expired' | 'recalled'

/** One stored message. */
export interface SimMessage {
  seq: number
  from: string
  /** Unix seconds. */
  time: number
  random: number
  /** 1 High, 2 Normal, 3 Low, 4 Lowest. Emitted as 2 when absent (the server fills it in). */
  priority?: number
  /** The object form is only for system messages. */
  body: MsgElement[] | Record<string, unknown>
  isSystem?: boolean
  state: MsgState
  cloudCustomData?: string
  /**
   * Test switch: the message is still served but its files answer 404 on the loopback COS (the
   * moment between a file's expiry and its message's). An 'expired' message's files always answer 404.
   */
  mediaExpired?: boolean
}

export interface SimGroup {
  GroupId: string
  /** Public | Private | ChatRoom | Work | Meeting | AVChatRoom | BChatRoom | Community */
  Type: string
  Name: string
  Owner_Account?: string
  CreateTime?: number
  MemberNum?: number
  Introduction?: string
  /** Extension: group notice for get_group_info (default ''). */
  Notification?: string
  /** Extension: avatar URL for get_group_info (default ''). */
  FaceUrl?: string
  /** Seq the next message will get; the newest is nextMsgSeq - 1. */
  nextMsgSeq: number
  /** Seqs absent from this map are "seq holes": never returned at all. */
  messages: Map<number, SimMessage>
  /** Seqs below historyFloor are purged: never returned. */
  historyFloor?: number
  /** Dismissed groups answer 10010. */
  dismissed?: boolean
  /** Misbehaving media objects on the loopback COS, by path (`/cos/<bucket>/<object>`, decoded). */
  mediaOverrides?: Map<string, MediaOverride>
  /**
   * The members, with their name cards over time and when they left (tools/sim/people.ts). Without
   * it, members are the owner, every sender and synthetic members up to MemberNum.
   */
  members?: SimMember[]
  /** A topic-enabled Community's topics, by TopicId; their messages are pulled with TopicId. */
  topics?: Map<string, SimTopic>
}

export interface SimApp {
  sdkAppId: number
  secretKey: string
  admins: string[]
  groups: Map<string, SimGroup>
  /** Profiles by UserID (nickname and avatar over time). Accounts without one do not exist (40003). */
  profiles?: Map<string, SimProfile>
}

export type FaultKind = 'err10002' | 'html502' | 'reset' | 'truncated' | 'stall'
export const allFaultKinds: readonly FaultKind[] = ['err10002', 'html502', 'reset', 'truncated', 'stall']

export interface SimOptions {
  /** Loopback only (127.0.0.0/8, ::1, localhost); default 127.0.0.1. */
  host?: string
  /** 0 = random. */
  port?: number
  /** Default: [demoApp()]. */
  apps?: SimApp[]
  /** Delay before answering each request, ms (default 0). */
  latencyMs?: number
  /** `rate` (0..1) of the requests that pass routing, auth and rate limiting get a random enabled kind. */
  faults?: { rate: number; kinds: FaultKind[]; stallMs?: number }
  /** Requests/s per SDKAppID per command, default 200 (get_appid_group_list: always 1/s). */
  rateLimit?: number
  /** Size budget of RspMsgList in group_msg_get_simple responses, bytes (default 1 000 000). */
  maxResponseBytes?: number
  /**
   * How ReqMsgNumber is read. 'range' (default, the reference's reading): the seqs
   * [ReqMsgSeq − n + 1, ReqMsgSeq]. 'count': the n newest messages with seq ≤ ReqMsgSeq, skipping
   * holes. Test-only switch, so the client is proven against both readings of the docs.
   */
  semantics?: 'range' | 'count'
  /** Test-only: answer get_group_info with 10003 as a server without that command would. */
  withoutGroupInfo?: boolean
  /** Test-only: refuse a page over maxResponseBytes with 10018 instead of cutting it short. */
  oversizeAs10018?: boolean
  /** Unix-seconds clock for UserSig expiry (default real time). */
  now?: () => number
  /** The loopback COS: latency, faults and signed buckets (default: the demo's media bucket is signed). */
  cos?: CosOptions
  /** Port of the private-address stand-in listener on 127.0.0.1 (default 0 = any free port). */
  privatePort?: number
}

export interface SimStats {
  requests: number
  refusedRateLimit: number
  faultsInjected: number
  /** Requests per known command name (e.g. group_msg_get_simple), counted once routed. */
  byCommand: Record<string, number>
}

type Body = Record<string, unknown>
type Handler = (app: SimApp, body: Body) => Answer

const UINT32_MAX = 4294967295
/** Messages (seqs of range) served per group_msg_get_simple call. */
export const maxMsgsPerCall = 20
/** get_appid_group_list cursors are BASE + index: above 2^32 (catches int32 bugs), below 2^53. */
export const groupListCursorBase = 2 ** 52
const MAX_REQUEST_BYTES = 4 * 1024 * 1024
const LIST_TYPES = ['Public', 'Private', 'ChatRoom', 'AVChatRoom', 'BChatRoom', 'Community'] as const
/** New type names that the listing filter treats as their legacy name. */
const TYPE_ALIAS: Record<string, string> = { Work: 'Private', Meeting: 'ChatRoom' }
/** GET: the media counters as JSON ({ privatePort, privateHits, cos }), outside the API's /v4/ paths. */
export const SIM_MEDIA_STATS_PATH = '/_sim/media'
/** POST control endpoints for tests that run the simulator as a child process (see Simulator.control). */
export const SIM_CONTROL_PREFIX = '/_sim/'
const HTML_502 = '<html><body><h1>502 Bad Gateway</h1></body></html>'

/** Group IDs are 1..48 bytes of printable ASCII; anything else is malformed (10015). */
export function isWellFormedGroupId(id: string): boolean {
  return id.length > 0 && id.length <= 48 && /^[\x20-\x7e]+$/.test(id)
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  const v = isIP(host)
  if (v === 4) return host.startsWith('127.')
  if (v === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

/** Form-style query decoding with percent-decoding. null on a malformed escape or a repeated key. */
function parseQuery(raw: string): Map<string, string> | null {
  const out = new Map<string, string>()
  if (raw === '') return out
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const k = eq < 0 ? part : part.slice(0, eq)
    const v = eq < 0 ? '' : part.slice(eq + 1)
    let dk: string
    let dv: string
    try {
      dk = decodeURIComponent(k.replace(/\+/g, ' '))
      dv = decodeURIComponent(v.replace(/\+/g, ' '))
    } catch {
      return null
    }
    if (out.has(dk)) return null
    out.set(dk, dv)
  }
  return out
}

interface Bucket {
  tokens: number
  last: number
}

export class Simulator {
  readonly apps = new Map<number, SimApp>()
  stats: SimStats = { requests: 0, refusedRateLimit: 0, faultsInjected: 0, byCommand: {} }

  private readonly host: string
  private readonly port: number
  private latencyMs: number
  private faults: { rate: number; kinds: FaultKind[]; stallMs: number } | undefined
  private faultRng = mulberry32(0x5eed)
  private readonly rateLimit: number
  private readonly maxResponseBytes: number
  private readonly semantics: 'range' | 'count'
  private readonly withoutGroupInfo: boolean
  private readonly oversizeAs10018: boolean
  private readonly now: (() => number) | undefined
  private readonly buckets = new Map<string, Bucket>()
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private stopping = false
  /** The loopback COS serving the groups' media on this server's port. */
  readonly cos: SimCos
  /** Third-party callbacks to a loopback listener, once configured (./callbacks.ts). */
  readonly callbacks = new CallbackSender(() => this.nowSec() * 1000)
  private readonly privateListener = new PrivatePortListener()
  private readonly privatePortOption: number

  private readonly services: Record<string, Record<string, Handler>> = {
    group_open_http_svc: {
      group_msg_get_simple: (app, body) => this.groupMsgGetSimple(app, body),
      get_group_info: (app, body) => (this.withoutGroupInfo ? fail(10003, 'invalid command word') : this.getGroupInfo(app, body)),
      get_appid_group_list: (app, body) => this.getAppidGroupList(app, body),
      get_group_member_info: (app, body) => getGroupMemberInfo(app, body, this.nowSec(), (g) => syntheticMembers(g), isWellFormedGroupId)
    },
    profile: {
      portrait_get: (app, body) => portraitGet(app, body, this.nowSec(), (url) => this.avatarUrl(url))
    },
    million_group_open_http_svc: {
      get_topic: (app, body) => getTopic(app, body, isWellFormedGroupId)
    },
    openim: {
      modify_group_msg: (app, body) => this.modifyGroupMsg(app, body)
    }
  }

  constructor(opts: SimOptions = {}) {
    this.host = opts.host ?? '127.0.0.1'
    if (!isLoopback(this.host)) throw new Error(`The simulator binds to loopback only, not ${this.host}`)
    this.port = opts.port ?? 0
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) throw new Error(`Invalid port ${this.port}`)
    this.latencyMs = 0
    this.setLatency(opts.latencyMs ?? 0)
    this.setFaults(opts.faults)
    this.rateLimit = opts.rateLimit ?? 200
    if (!(this.rateLimit > 0) || !Number.isFinite(this.rateLimit)) throw new Error('rateLimit must be a positive number')
    this.maxResponseBytes = opts.maxResponseBytes ?? 1_000_000
    this.semantics = opts.semantics ?? 'range'
    this.withoutGroupInfo = opts.withoutGroupInfo ?? false
    this.oversizeAs10018 = opts.oversizeAs10018 ?? false
    if (!(this.maxResponseBytes > 0)) throw new Error('maxResponseBytes must be positive')
    this.now = opts.now
    for (const app of opts.apps ?? [demoApp()]) {
      if (this.apps.has(app.sdkAppId)) throw new Error(`Duplicate SDKAppID ${app.sdkAppId}`)
      this.apps.set(app.sdkAppId, app)
    }
    this.privatePortOption = opts.privatePort ?? 0
    if (!Number.isInteger(this.privatePortOption) || this.privatePortOption < 0 || this.privatePortOption > 65535) {
      throw new Error(`Invalid private port ${this.privatePortOption}`)
    }
    this.cos = new SimCos(
      this.apps,
      { signedBuckets: [mediaBucket], ...opts.cos },
      () => (this.now ? this.now() : Date.now() / 1000),
      (ms) => this.sleep(ms),
      (ms, fn) => {
        const t = setTimeout(() => {
          this.timers.delete(t)
          fn()
        }, ms)
        this.timers.add(t)
      }
    )
    this.registerAvatars()
  }

  /** Registers every profile's placeholder avatars on the loopback COS (done once, at construction). */
  private registerAvatars(): void {
    for (const app of this.apps.values()) for (const [acc, p] of app.profiles ?? []) for (const v of p.image) this.registerAvatar(v.value, acc)
  }

  /** The 127.0.0.1 port that stands for a private address (0 until started). */
  get privatePort(): number {
    return this.privateListener.port
  }

  /** Connections the private-address stand-in received: must stay 0. */
  get privateHits(): number {
    return this.privateListener.hits.length
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  async start(): Promise<{ url: string }> {
    if (this.server) throw new Error('The simulator is already running')
    this.stopping = false
    const server = createServer((req, res) => this.onRequest(req, res))
    server.keepAliveTimeout = 10_000
    server.headersTimeout = 15_000
    server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      else socket.destroy()
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    const addr = server.address()
    if (addr === null || typeof addr === 'string') throw new Error('Unexpected server address')
    const h = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address
    const url = `http://${h}:${addr.port}`
    const privatePort = await this.privateListener.start(this.privatePortOption)
    this.cos.setOrigins(url, privatePort)
    return { url }
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.callbacks.idle()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await this.privateListener.stop()
    const server = this.server
    if (!server) return
    this.server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const s of this.sockets) s.destroy()
      this.sockets.clear()
      server.closeAllConnections()
    })
  }

  // -------------------------------------------------------------------------------------------
  // Programmatic control

  group(sdkAppId: number, groupId: string): SimGroup {
    const app = this.apps.get(sdkAppId)
    if (!app) throw new Error(`No app ${sdkAppId}`)
    const g = app.groups.get(groupId)
    if (!g) throw new Error(`No group ${groupId} in app ${sdkAppId}`)
    return g
  }

  setLatency(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error('latency must be a non-negative number of ms')
    this.latencyMs = ms
  }

  setFaults(f: SimOptions['faults'] | undefined): void {
    if (f === undefined) {
      this.faults = undefined
      return
    }
    if (!(f.rate >= 0 && f.rate <= 1)) throw new Error('fault rate must be within 0..1')
    for (const k of f.kinds) if (!allFaultKinds.includes(k)) throw new Error(`Unknown fault kind ${String(k)}`)
    if (f.rate > 0 && f.kinds.length === 0) throw new Error('fault kinds must not be empty')
    const stallMs = f.stallMs ?? 60_000
    if (!(stallMs >= 0)) throw new Error('stallMs must be non-negative')
    this.faults = { rate: f.rate, kinds: [...f.kinds], stallMs }
    this.faultRng = mulberry32(0x5eed)
  }

  resetStats(): void {
    this.stats = { requests: 0, refusedRateLimit: 0, faultsInjected: 0, byCommand: {} }
  }

  /** Appends messages at nextMsgSeq, nextMsgSeq + 1, …; returns the assigned seqs. */
  appendMessages(sdkAppId: number, groupId: string, msgs: Omit<SimMessage, 'seq'>[]): number[] {
    const g = this.group(sdkAppId, groupId)
    const seqs: number[] = []
    for (const m of msgs) {
      const seq = g.nextMsgSeq
      if (seq > UINT32_MAX) throw new Error('MsgSeq would exceed uint32')
      g.nextMsgSeq = seq + 1
      const msg = { ...m, seq }
      g.messages.set(seq, msg)
      this.cos.indexMessage(sdkAppId, g, msg)
      seqs.push(seq)
      this.afterSend(sdkAppId, g, msg)
    }
    return seqs
  }

  /** Group.CallbackAfterSendMsg for a message just stored (page 269/2661). */
  private afterSend(sdkAppId: number, g: SimGroup, m: SimMessage, topicId?: string): void {
    if (!this.callbacks.enabled || Array.isArray(m.body) === false) return
    const body: Record<string, unknown> = {
      GroupId: g.GroupId,
      Type: g.Type,
      From_Account: m.from,
      Operator_Account: m.from,
      Random: m.random,
      MsgSeq: m.seq,
      MsgTime: m.time,
      // Live groups ignore it and send 0; the simulator's messages are all kept messages.
      OnlineOnlyFlag: 0,
      MsgBody: this.cos.render(m.body),
      EventTime: Math.floor(this.nowSec() * 1000)
    }
    if (m.cloudCustomData !== undefined) body['CloudCustomData'] = m.cloudCustomData
    if (topicId !== undefined) body['TopicId'] = topicId
    this.callbacks.send(sdkAppId, 'Group.CallbackAfterSendMsg', body)
  }

  setState(sdkAppId: number, groupId: string, seq: number, state: MsgState, operator?: string): void {
    const g = this.group(sdkAppId, groupId)
    const m = g.messages.get(seq)
    if (!m) throw new Error(`No message with seq ${seq} in ${groupId}`)
    const was = m.state
    m.state = state
    if (state === 'recalled' && was !== 'recalled' && this.callbacks.enabled) {
      // Group.CallbackAfterRecallMsg (docs/reference/tencent-im-api.md §9.5).
      this.callbacks.send(sdkAppId, 'Group.CallbackAfterRecallMsg', {
        Operator_Account: operator ?? m.from,
        Type: g.Type,
        GroupId: g.GroupId,
        MsgSeqList: [{ MsgSeq: seq }],
        EventTime: Math.floor(this.nowSec() * 1000)
      })
    }
  }

  /** The server's clock in Unix seconds (the `now` option, else real time). */
  nowSec(): number {
    return this.now ? this.now() : Date.now() / 1000
  }

  /**
   * A new nickname and/or avatar for `account`, in force from `at` (default now). The avatar is a
   * placeholder COS URL (SIM_COS_ORIGIN/cos/<bucket>/…) that this server then serves, or any URL.
   * Creates the profile when the account had none.
   */
  setProfile(sdkAppId: number, account: string, change: { nick?: string; image?: string; at?: number }): void {
    const app = this.apps.get(sdkAppId)
    if (!app) throw new Error(`No app ${sdkAppId}`)
    app.profiles ??= new Map()
    let p = app.profiles.get(account)
    if (!p) {
      p = { nick: [], image: [] }
      app.profiles.set(account, p)
    }
    const since = change.at ?? this.nowSec()
    if (change.nick !== undefined) p.nick.push({ since, value: change.nick })
    if (change.image !== undefined) {
      p.image.push({ since, value: change.image })
      this.registerAvatar(change.image, account)
    }
  }

  /** A new name card for a member of `groupId`, in force from `at` (default now). */
  setNameCard(sdkAppId: number, groupId: string, account: string, nameCard: string, at?: number): void {
    const g = this.group(sdkAppId, groupId)
    const m = g.members?.find((x) => x.account === account)
    if (!m) throw new Error(`${account} is not a listed member of ${groupId}`)
    if (Buffer.byteLength(nameCard) > 50) throw new Error('a name card holds at most 50 bytes')
    m.nameCard.push({ since: at ?? this.nowSec(), value: nameCard })
  }

  /** `account` leaves `groupId` at `at` (default now): gone from get_group_member_info, still in portrait_get. */
  removeMember(sdkAppId: number, groupId: string, account: string, at?: number): void {
    const m = this.group(sdkAppId, groupId).members?.find((x) => x.account === account)
    if (!m) throw new Error(`${account} is not a listed member of ${groupId}`)
    m.leftAt = at ?? this.nowSec()
  }

  /** Adds a topic to a Community (a later get_topic lists it). */
  addTopic(sdkAppId: number, groupId: string, topic: { TopicId: string; TopicName: string; CreateTime?: number }): SimTopic {
    const g = this.group(sdkAppId, groupId)
    if (g.Type !== 'Community') throw new Error(`${groupId} is not a Community`)
    if (!topic.TopicId.startsWith(`${groupId}@TOPIC#_`)) throw new Error('a topic ID is the group ID + @TOPIC#_ + a custom part')
    g.topics ??= new Map()
    if (g.topics.has(topic.TopicId)) throw new Error(`topic ${topic.TopicId} exists`)
    const t: SimTopic = {
      TopicId: topic.TopicId,
      TopicName: topic.TopicName,
      CreateTime: topic.CreateTime ?? Math.floor(this.nowSec()),
      nextMsgSeq: 1,
      messages: new Map()
    }
    g.topics.set(t.TopicId, t)
    return t
  }

  /** Appends messages to a topic at its nextMsgSeq; returns the seqs. */
  appendTopicMessages(sdkAppId: number, groupId: string, topicId: string, msgs: Omit<SimMessage, 'seq'>[]): number[] {
    const t = this.group(sdkAppId, groupId).topics?.get(topicId)
    if (!t) throw new Error(`No topic ${topicId} in ${groupId}`)
    return msgs.map((m) => {
      const seq = t.nextMsgSeq++
      const msg = { ...m, seq }
      t.messages.set(seq, msg)
      this.afterSend(sdkAppId, this.group(sdkAppId, groupId), msg, topicId)
      return seq
    })
  }

  /**
   * What v4/openim/modify_group_msg does: overwrite MsgBody and/or CloudCustomData of the message at
   * `seq` (in a topic when `topicId` is given). No old version is kept, as on the real server.
   */
  editMessage(
    sdkAppId: number,
    groupId: string,
    seq: number,
    change: { body?: MsgElement[]; cloudCustomData?: string; topicId?: string },
    operator?: string
  ): void {
    const g = this.group(sdkAppId, groupId)
    const messages = change.topicId === undefined ? g.messages : g.topics?.get(change.topicId)?.messages
    const m = messages?.get(seq)
    if (!m) throw new Error(`No message with seq ${seq} in ${groupId}${change.topicId ? ` / ${change.topicId}` : ''}`)
    if (change.body !== undefined) {
      m.body = change.body
      if (change.topicId === undefined) this.cos.indexMessage(sdkAppId, g, m)
    }
    if (change.cloudCustomData !== undefined) m.cloudCustomData = change.cloudCustomData
    if (this.callbacks.enabled && Array.isArray(m.body)) {
      // Group.CallbackAfterModifyMsg (page 269/129193): the message's MsgBody after the change; no
      // CloudCustomData; TopicId empty for a message in no topic, as the page's example shows.
      this.callbacks.send(sdkAppId, 'Group.CallbackAfterModifyMsg', {
        MsgBody: this.cos.render(m.body),
        Operator_Account: operator ?? this.apps.get(sdkAppId)?.admins[0] ?? 'administrator',
        GroupId: groupId,
        TopicId: change.topicId ?? '',
        MsgSeq: seq,
        EventTime: Math.floor(this.nowSec() * 1000)
      })
    }
  }

  /**
   * The control endpoints under /_sim/ (POST, JSON body; the answer is {ok: true} or {ok: false,
   * error}). `sdkAppId` defaults to the first app. See docs/dev/contributing.md.
   *   /_sim/profile   {account, nick?, image?, at?}
   *   /_sim/name-card {groupId, account, nameCard, at?}
   *   /_sim/leave     {groupId, account, at?}
   *   /_sim/edit      {groupId, seq, topicId?, body?, cloudCustomData?}
   *   /_sim/append    {groupId, topicId?, from, text, time?}   → {ok, seqs}
   *   /_sim/topic     {groupId, topicId, name}
   *   /_sim/recall    {groupId, seqs, operator?}                (Group.CallbackAfterRecallMsg when configured)
   *   /_sim/callbacks {url?, token?}   send the callbacks to a loopback url (no url: stop sending)
   *   /_sim/dismiss   {groupId}   (as destroy_group: every API answers 10010 for it from now on)
   */
  control(path: string, body: Record<string, unknown>): Record<string, unknown> {
    const first = this.apps.keys().next().value as number
    const appId = typeof body['sdkAppId'] === 'number' ? body['sdkAppId'] : first
    const str = (k: string): string => {
      const v = body[k]
      if (typeof v !== 'string') throw new Error(`${k} must be a string`)
      return v
    }
    const optStr = (k: string): string | undefined => (body[k] === undefined ? undefined : str(k))
    const optNum = (k: string): number | undefined => {
      const v = body[k]
      if (v === undefined) return undefined
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${k} must be a number`)
      return v
    }
    switch (path) {
      case 'profile': {
        const change: { nick?: string; image?: string; at?: number } = {}
        const nick = optStr('nick')
        const image = optStr('image')
        const at = optNum('at')
        if (nick !== undefined) change.nick = nick
        if (image !== undefined) change.image = image
        if (at !== undefined) change.at = at
        this.setProfile(appId, str('account'), change)
        return { ok: true }
      }
      case 'name-card':
        this.setNameCard(appId, str('groupId'), str('account'), str('nameCard'), optNum('at'))
        return { ok: true }
      case 'leave':
        this.removeMember(appId, str('groupId'), str('account'), optNum('at'))
        return { ok: true }
      case 'edit': {
        const change: { body?: MsgElement[]; cloudCustomData?: string; topicId?: string } = {}
        if (body['body'] !== undefined) {
          if (!Array.isArray(body['body'])) throw new Error('body must be an array of elements')
          change.body = body['body'] as MsgElement[]
        }
        const ccd = optStr('cloudCustomData')
        const topicId = optStr('topicId')
        if (ccd !== undefined) change.cloudCustomData = ccd
        if (topicId !== undefined) change.topicId = topicId
        const seq = optNum('seq')
        if (seq === undefined) throw new Error('seq is required')
        this.editMessage(appId, str('groupId'), seq, change)
        return { ok: true }
      }
      case 'append': {
        const msg: Omit<SimMessage, 'seq'> = {
          from: str('from'),
          time: Math.floor(optNum('time') ?? this.nowSec()),
          random: Math.floor(this.faultRng() * 4294967296),
          state: 'normal',
          body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: str('text') } }]
        }
        const topicId = optStr('topicId')
        const seqs = topicId === undefined ? this.appendMessages(appId, str('groupId'), [msg]) : this.appendTopicMessages(appId, str('groupId'), topicId, [msg])
        return { ok: true, seqs }
      }
      case 'topic':
        this.addTopic(appId, str('groupId'), { TopicId: str('topicId'), TopicName: str('name') })
        return { ok: true }
      case 'recall': {
        const seqs = body['seqs']
        if (!Array.isArray(seqs) || seqs.some((x) => !isInt(x))) throw new Error('seqs must be an array of seqs')
        for (const seq of seqs as number[]) this.setState(appId, str('groupId'), seq, 'recalled', optStr('operator'))
        return { ok: true }
      }
      case 'callbacks': {
        const url = optStr('url')
        this.callbacks.configure(url === undefined ? undefined : { url, token: str('token') })
        return { ok: true }
      }
      case 'dismiss':
        this.group(appId, str('groupId')).dismissed = true
        return { ok: true }
      default:
        throw new Error(`unknown control ${path}`)
    }
  }

  /** Registers an avatar placeholder URL on the loopback COS (a small PNG), so it is served. */
  private registerAvatar(url: string, account: string): void {
    const path = cosPathOf(url)
    if (path !== null) this.cos.registerObject(path, { type: 'png', width: 96, height: 96, size: undefined, name: `avatar:${account}` }, 'image/png')
  }

  /** An avatar URL as an answer carries it: this server's origin for placeholders, anything else as stored. */
  private avatarUrl(url: string): string {
    const path = cosPathOf(url)
    return path === null ? url : this.cos.urlFor(path)
  }

  // -------------------------------------------------------------------------------------------
  // openim/modify_group_msg (docs/reference/tencent-im-api.md §9.4)

  private modifyGroupMsg(app: SimApp, body: Body): Answer {
    const { GroupId, MsgSeq, MsgBody, CloudCustomData, TopicId } = body
    if (typeof GroupId !== 'string') return fail(10004, 'invalid parameter: GroupId is required and must be a string')
    if (!isInt(MsgSeq) || MsgSeq < 1 || MsgSeq > UINT32_MAX) return fail(10004, 'invalid parameter: MsgSeq must be a positive 32-bit integer')
    if (MsgBody === undefined && CloudCustomData === undefined) return fail(10004, 'invalid parameter: give MsgBody, CloudCustomData or both')
    if (MsgBody !== undefined && (!Array.isArray(MsgBody) || MsgBody.length === 0)) return fail(10004, 'invalid parameter: MsgBody must be a non-empty array')
    if (CloudCustomData !== undefined && typeof CloudCustomData !== 'string') return fail(10004, 'invalid parameter: CloudCustomData must be a string')
    if (TopicId !== undefined && typeof TopicId !== 'string') return fail(10004, 'invalid parameter: TopicId must be a string')
    if (!isWellFormedGroupId(GroupId)) return fail(10015, `invalid group ID: ${JSON.stringify(GroupId)}`)
    const g = app.groups.get(GroupId)
    if (!g || g.dismissed) return fail(10010, 'the group does not exist or has been dismissed')
    if (g.Type === 'AVChatRoom' || g.Type === 'BChatRoom') return fail(10007, `operation not permitted: modify_group_msg does not support ${g.Type} groups`)
    if (TopicId !== undefined && (g.Type !== 'Community' || !g.topics?.has(TopicId))) return fail(10010, `topic ${TopicId} does not exist`)
    const messages = TopicId === undefined ? g.messages : g.topics!.get(TopicId)!.messages
    const m = messages.get(MsgSeq)
    if (!m || m.state !== 'normal' || MsgSeq < (g.historyFloor ?? 1)) return fail(10004, `invalid parameter: no message with MsgSeq ${MsgSeq} to modify`)
    const change: { body?: MsgElement[]; cloudCustomData?: string; topicId?: string } = {}
    if (MsgBody !== undefined) change.body = MsgBody as MsgElement[]
    if (CloudCustomData !== undefined) change.cloudCustomData = CloudCustomData
    if (TopicId !== undefined) change.topicId = TopicId
    this.editMessage(app.sdkAppId, GroupId, MsgSeq, change, app.admins[0])
    return ok({})
  }

  // -------------------------------------------------------------------------------------------
  // HTTP plumbing

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if ((req.url ?? '').startsWith(COS_PREFIX)) {
      // Media on the loopback COS: counted in cos.stats, not in the REST API's stats.
      this.cos.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
          res.end(`simulator error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
        } else res.destroy()
      })
      return
    }
    if (req.method === 'POST' && (req.url ?? '').startsWith(SIM_CONTROL_PREFIX)) {
      this.onControl(req, res)
      return
    }
    if (req.method === 'GET' && req.url === SIM_MEDIA_STATS_PATH) {
      // Read-only: lets a test that runs the simulator as a child process see the COS counters and
      // assert that the private-address stand-in was never contacted.
      const buf = Buffer.from(JSON.stringify({ privatePort: this.privatePort, privateHits: this.privateHits, cos: this.cos.stats }))
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': buf.length })
      res.end(buf)
      return
    }
    this.stats.requests++
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_REQUEST_BYTES) tooLarge = true
      else chunks.push(c)
    })
    req.on('end', () => {
      void this.process(req, res, tooLarge ? null : Buffer.concat(chunks))
    })
    req.on('error', () => {
      /* the client went away */
    })
  }

  private onControl(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let answer: Record<string, unknown>
      try {
        const raw = Buffer.concat(chunks).toString('utf8')
        const body = raw === '' ? {} : (JSON.parse(raw) as unknown)
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('the body must be a JSON object')
        answer = this.control((req.url ?? '').slice(SIM_CONTROL_PREFIX.length), body as Record<string, unknown>)
      } catch (e) {
        answer = { ok: false, error: e instanceof Error ? e.message : String(e) }
      }
      const buf = Buffer.from(JSON.stringify(answer))
      res.writeHead(answer['ok'] === true ? 200 : 400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': buf.length })
      res.end(buf)
    })
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t)
        resolve()
      }, ms)
      this.timers.add(t)
    })
  }

  private async process(req: IncomingMessage, res: ServerResponse, body: Buffer | null): Promise<void> {
    if (this.latencyMs > 0) await this.sleep(this.latencyMs)
    if (this.stopping || res.destroyed) return
    let outcome: { answer: Answer; fault?: FaultKind }
    try {
      outcome = this.dispatch(req, body)
    } catch (e) {
      // A simulator bug must be visible, not disguised as an API answer.
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`simulator error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      return
    }
    if (outcome.fault) this.inject(outcome.fault, req, res, outcome.answer)
    else this.send(res, outcome.answer)
  }

  private send(res: ServerResponse, answer: Answer): void {
    const buf = Buffer.from(JSON.stringify(answer), 'utf8')
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': buf.length })
    res.end(buf)
  }

  private inject(kind: FaultKind, req: IncomingMessage, res: ServerResponse, answer: Answer): void {
    const socket = req.socket
    switch (kind) {
      case 'err10002':
        this.send(res, fail(10002, 'internal server error'))
        return
      case 'html502': {
        const buf = Buffer.from(HTML_502)
        res.writeHead(502, { 'Content-Type': 'text/html', 'Content-Length': buf.length })
        res.end(buf)
        return
      }
      case 'reset':
        socket.resetAndDestroy()
        return
      case 'truncated': {
        const full = Buffer.from(JSON.stringify(answer), 'utf8')
        const half = full.subarray(0, Math.floor(full.length / 2))
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': half.length })
        res.end(half)
        return
      }
      case 'stall': {
        const t = setTimeout(() => {
          this.timers.delete(t)
          socket.destroy()
        }, this.faults?.stallMs ?? 60_000)
        this.timers.add(t)
        socket.once('close', () => {
          clearTimeout(t)
          this.timers.delete(t)
        })
        return
      }
    }
  }

  /** `http://<Host header>` when it names a loopback host on this server's port, else undefined. */
  private originOf(req: IncomingMessage): string | undefined {
    const host = req.headers.host ?? ''
    const m = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]):(\d{1,5})$/i.exec(host)
    const addr = this.server?.address()
    if (!m || addr === null || addr === undefined || typeof addr === 'string' || Number(m[2]) !== addr.port) return undefined
    return `http://${host.toLowerCase()}`
  }

  /** Token bucket per SDKAppID and command; capacity one second's worth, continuous refill. */
  private takeToken(sdkAppId: number, command: string): boolean {
    const rate = command === 'get_appid_group_list' ? 1 : this.rateLimit
    const cap = Math.max(1, rate)
    const key = `${sdkAppId}\u0000${command}`
    const now = performance.now() / 1000
    let b = this.buckets.get(key)
    if (!b) {
      b = { tokens: cap, last: now }
      this.buckets.set(key, b)
    }
    b.tokens = Math.min(cap, b.tokens + (now - b.last) * rate)
    b.last = now
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  private rollFault(): FaultKind | undefined {
    const f = this.faults
    if (!f || f.rate <= 0 || f.kinds.length === 0) return undefined
    if (this.faultRng() >= f.rate) return undefined
    return f.kinds[Math.floor(this.faultRng() * f.kinds.length)]
  }

  /**
   * Order of checks: method (60002) → path (60009) → query (60002) → sdkappid (60012 / 60002 /
   * 70020) → identifier, random, contenttype (60002) → UserSig → admin (60010) → command (10003)
   * → rate limit (60007) → fault injection → body (60003) → the command's own checks. The UserSig
   * checks and their codes: docs/reference/tencent-im-api.md §5.5.
   */
  private dispatch(req: IncomingMessage, raw: Buffer | null): { answer: Answer; fault?: FaultKind } {
    const url = req.url ?? '/'
    const qi = url.indexOf('?')
    const path = qi < 0 ? url : url.slice(0, qi)
    const rawQuery = qi < 0 ? '' : url.slice(qi + 1)
    if (req.method !== 'POST') return { answer: fail(60002, `HTTP parsing error: method ${req.method ?? ''} not allowed, use POST`) }

    const m = /^\/v4\/([^/]+)\/([^/]+)$/.exec(path)
    const service = m?.[1]
    const command = m?.[2]
    if (service === undefined || command === undefined || !Object.hasOwn(this.services, service)) {
      return { answer: fail(60009, `requested resource is wrong: check the URL path ${path}`) }
    }
    const handlers = this.services[service]
    const handler = handlers && Object.hasOwn(handlers, command) ? handlers[command] : undefined
    if (handler) this.stats.byCommand[command] = (this.stats.byCommand[command] ?? 0) + 1

    const q = parseQuery(rawQuery)
    if (!q) return { answer: fail(60002, 'HTTP parsing error: malformed query string') }
    const sdkappid = q.get('sdkappid')
    if (sdkappid === undefined || sdkappid === '') return { answer: fail(60012, 'sdkappid is missing from the URL') }
    if (!/^\d{1,19}$/.test(sdkappid)) return { answer: fail(60002, 'HTTP parsing error: sdkappid must be a decimal integer') }
    const sdkAppId = Number(sdkappid)
    const app = this.apps.get(sdkAppId)
    if (!app) return { answer: fail(70020, `SDKAppID ${sdkappid} not found: check the SDKAppID and the data center`) }
    const identifier = q.get('identifier')
    if (identifier === undefined || identifier === '') return { answer: fail(60002, 'HTTP parsing error: identifier is missing') }
    const random = q.get('random')
    if (random === undefined || !/^\d{1,10}$/.test(random) || Number(random) > UINT32_MAX) {
      return { answer: fail(60002, 'HTTP parsing error: random must be an unsigned 32-bit integer') }
    }
    if (q.get('contenttype') !== 'json') return { answer: fail(60002, 'HTTP parsing error: contenttype must be json') }

    const v = verifyUserSig(q.get('usersig') ?? '', {
      sdkAppId,
      identifier,
      keyFor: (id) => {
        const k = this.apps.get(id)?.secretKey
        return k === '' ? undefined : k
      },
      ...(this.now ? { now: this.now() } : {})
    })
    if (!v.ok) return { answer: fail(v.code, v.reason) }
    if (!app.admins.includes(identifier)) return { answer: fail(60010, `the request needs App admin permission: ${identifier} is not an App admin`) }

    if (!handler) return { answer: fail(10003, `invalid command word: ${command}`) }

    if (!this.takeToken(sdkAppId, command)) {
      this.stats.refusedRateLimit++
      return { answer: fail(60007, 'REST call frequency over the limit') }
    }

    const fault = this.rollFault()
    if (fault) this.stats.faultsInjected++
    // Only a truncated answer needs the real answer; handlers only read state.
    if (fault && fault !== 'truncated') return { answer: {}, fault }

    let answer: Answer
    const body = this.parseBody(raw)
    if (typeof body === 'string') answer = fail(60003, body)
    // Media URLs name the host the client used (127.0.0.1 or localhost), so they match its endpoint.
    else answer = this.cos.withOrigin(this.originOf(req), () => handler(app, body))
    return fault ? { answer, fault } : { answer }
  }

  private parseBody(raw: Buffer | null): Body | string {
    if (raw === null) return 'the request body is too large'
    if (raw.length === 0) return 'the request body is empty: send a JSON object ({} when there are no fields)'
    let parsed: unknown
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw))
    } catch {
      return 'the request JSON could not be parsed'
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the request JSON must be an object'
    return parsed as Body
  }

  /** The 'count' reading: up to n (≤ 20) messages with seq ≤ ReqMsgSeq, newest first. */
  private countPage(g: MessageSource, GroupId: string, n: number, reqSeq: number | undefined, withRecalled: boolean): Answer {
    const newest = g.nextMsgSeq - 1
    const top = reqSeq === undefined ? newest : Math.min(reqSeq, newest)
    const want = Math.min(n, maxMsgsPerCall)
    const list: Answer[] = []
    let bytes = 2
    let cut = n > maxMsgsPerCall
    for (let seq = top; seq >= Math.max(1, g.historyFloor ?? 1) && list.length < want; seq--) {
      const m = g.messages.get(seq)
      if (!m) continue
      const item = renderMessage(seq, m, withRecalled, this.cos)
      if (!item) continue
      const b = Buffer.byteLength(JSON.stringify(item)) + (list.length > 0 ? 1 : 0)
      if (list.length > 0 && bytes + b > this.maxResponseBytes) {
        cut = true
        break
      }
      list.push(item)
      bytes += b
    }
    return ok({ GroupId, IsFinished: cut ? 0 : 1, RspMsgList: list })
  }

  // -------------------------------------------------------------------------------------------
  // group_open_http_svc/group_msg_get_simple (docs/reference/tencent-im-api.md §1, §8)

  private groupMsgGetSimple(app: SimApp, body: Body): Answer {
    const { GroupId, ReqMsgNumber, ReqMsgSeq, WithRecalledMsg, TopicId } = body
    if (typeof GroupId !== 'string') return fail(10004, 'invalid parameter: GroupId is required and must be a string')
    if (!isInt(ReqMsgNumber) || ReqMsgNumber < 1) return fail(10004, 'invalid parameter: ReqMsgNumber must be a positive integer')
    if (ReqMsgSeq !== undefined && (!isInt(ReqMsgSeq) || ReqMsgSeq < 0 || ReqMsgSeq > UINT32_MAX)) {
      return fail(10004, 'invalid parameter: ReqMsgSeq must be an unsigned 32-bit integer')
    }
    if (WithRecalledMsg !== undefined && WithRecalledMsg !== 0 && WithRecalledMsg !== 1) {
      return fail(10004, 'invalid parameter: WithRecalledMsg must be 0 or 1')
    }
    if (TopicId !== undefined && typeof TopicId !== 'string') return fail(10004, 'invalid parameter: TopicId must be a string')
    if (!isWellFormedGroupId(GroupId)) return fail(10015, `invalid group ID: ${JSON.stringify(GroupId)}`)
    const g = app.groups.get(GroupId)
    if (!g || g.dismissed) return fail(10010, 'the group does not exist or has been dismissed')
    if (g.Type === 'AVChatRoom' || g.Type === 'BChatRoom') {
      return fail(10007, `operation not permitted: ${g.Type} groups have no roaming messages`)
    }
    let src: MessageSource = g
    if (TopicId !== undefined) {
      if (g.Type !== 'Community') return fail(10004, 'invalid parameter: TopicId is only valid for Community groups')
      const topic = g.topics?.get(TopicId)
      if (!topic) return fail(10010, `topic ${TopicId} does not exist`)
      src = { nextMsgSeq: topic.nextMsgSeq, messages: topic.messages }
    }

    const withRecalled = WithRecalledMsg === 1
    if (this.semantics === 'count') return this.countPage(src, GroupId, ReqMsgNumber, ReqMsgSeq as number | undefined, withRecalled)
    const newest = src.nextMsgSeq - 1
    const top = ReqMsgSeq === undefined ? newest : Math.min(ReqMsgSeq, newest)
    const bottom = Math.max(1, top - ReqMsgNumber + 1)
    const rangeSize = top >= bottom ? top - bottom + 1 : 0
    const servedBottom = Math.max(bottom, top - maxMsgsPerCall + 1)
    const floor = src.historyFloor ?? 1
    const cutByRange = rangeSize > maxMsgsPerCall

    const list: Answer[] = []
    let bytes = 2 // "[]"
    let cutBySize = false
    let anyMessage = false
    let allExpired = true
    for (let seq = top; seq >= servedBottom; seq--) {
      const m = src.messages.get(seq)
      if (!m) continue // seq hole
      anyMessage = true
      const purged = seq < floor
      if (!purged && m.state !== 'expired') allExpired = false
      if (purged || cutBySize) continue
      const item = renderMessage(seq, m, withRecalled, this.cos)
      if (!item) continue
      const b = Buffer.byteLength(JSON.stringify(item)) + (list.length > 0 ? 1 : 0)
      if (list.length > 0 && bytes + b > this.maxResponseBytes) {
        if (this.oversizeAs10018) return fail(10018, 'the response packet is larger than 1 MB: request fewer messages')
        cutBySize = true
        continue
      }
      list.push(item)
      bytes += b
    }
    const IsFinished = cutByRange || cutBySize ? (anyMessage && allExpired ? 2 : 0) : 1
    return ok({ GroupId, IsFinished, RspMsgList: list })
  }

  // -------------------------------------------------------------------------------------------
  // group_open_http_svc/get_group_info (docs/reference/tencent-im-api.md §6.2)

  private getGroupInfo(app: SimApp, body: Body): Answer {
    const { GroupIdList, ResponseFilter } = body
    if (!isStringArray(GroupIdList) || GroupIdList.length < 1 || GroupIdList.length > 50) {
      return fail(10004, 'invalid parameter: GroupIdList must be an array of 1 to 50 group IDs')
    }
    let baseFilter: Set<string> | undefined
    let memberFilter: Set<string> | undefined
    const filtered = ResponseFilter !== undefined
    if (filtered) {
      if (ResponseFilter === null || typeof ResponseFilter !== 'object' || Array.isArray(ResponseFilter)) {
        return fail(10004, 'invalid parameter: ResponseFilter must be an object')
      }
      const rf = ResponseFilter as Record<string, unknown>
      for (const k of ['GroupBaseInfoFilter', 'MemberInfoFilter', 'AppDefinedDataFilter_Group', 'AppDefinedDataFilter_GroupMember']) {
        if (rf[k] !== undefined && !isStringArray(rf[k])) return fail(10004, `invalid parameter: ResponseFilter.${k} must be an array of strings`)
      }
      baseFilter = new Set((rf['GroupBaseInfoFilter'] as string[] | undefined) ?? [])
      if (rf['MemberInfoFilter'] !== undefined) memberFilter = new Set(rf['MemberInfoFilter'] as string[])
    }
    const GroupInfo = GroupIdList.map((id) => {
      if (!isWellFormedGroupId(id)) return { GroupId: id, ErrorCode: 10015, ErrorInfo: `invalid group ID: ${JSON.stringify(id)}` }
      const g = app.groups.get(id)
      if (!g || g.dismissed) return { GroupId: id, ErrorCode: 10010, ErrorInfo: 'the group does not exist or has been dismissed' }
      return groupInfoItem(app, g, filtered, baseFilter, memberFilter, this.nowSec())
    })
    return ok({ GroupInfo })
  }

  // -------------------------------------------------------------------------------------------
  // group_open_http_svc/get_appid_group_list (docs/reference/tencent-im-api.md §6.1)

  private getAppidGroupList(app: SimApp, body: Body): Answer {
    const { Limit, Next, GroupType } = body
    if (Limit !== undefined && (!isInt(Limit) || Limit < 1 || Limit > 10000)) {
      return fail(10004, 'invalid parameter: Limit must be an integer from 1 to 10000')
    }
    if (Next !== undefined && (!isInt(Next) || Next < 0)) return fail(10004, 'invalid parameter: Next must be an unsigned integer')
    if (GroupType !== undefined && (typeof GroupType !== 'string' || !(LIST_TYPES as readonly string[]).includes(GroupType))) {
      return fail(10004, `invalid parameter: GroupType must be one of ${LIST_TYPES.join(', ')}`)
    }
    const limit = Limit ?? 10000
    const next = Next ?? 0
    let start = 0
    if (next !== 0) {
      start = next - groupListCursorBase
      if (start < 1 || start > UINT32_MAX) return fail(10004, 'invalid parameter: Next is not a cursor this server returned')
    }
    const groups = [...app.groups.values()].filter((g) => !g.dismissed && (GroupType === undefined || (TYPE_ALIAS[g.Type] ?? g.Type) === GroupType))
    const page = groups.slice(start, start + limit)
    const end = start + page.length
    return ok({
      TotalCount: groups.length,
      GroupIdList: page.map((g) => ({ GroupId: g.GroupId })),
      Next: end < groups.length ? groupListCursorBase + end : 0
    })
  }
}

/** Where group_msg_get_simple reads: a group, or one of a Community's topics. */
type MessageSource = Pick<SimGroup, 'nextMsgSeq' | 'messages' | 'historyFloor'>

// ---------------------------------------------------------------------------------------------
// Rendering

function renderMessage(seq: number, m: SimMessage, withRecalled: boolean, cos: SimCos): Answer | undefined {
  const place = m.state === 'normal' ? 0 : m.state === 'recalled' ? 2 : 1
  if (place === 2 && !withRecalled) return undefined
  const item: Answer = { From_Account: m.from, IsPlaceMsg: place }
  if (m.isSystem) item['IsSystemMsg'] = 1
  // Media URLs get this server's origin, and a signature that is new on every answer.
  item['MsgBody'] = place === 0 ? cos.render(m.body) : []
  item['MsgPriority'] = m.priority ?? 2
  item['MsgRandom'] = m.random
  item['MsgSeq'] = seq
  item['MsgTimeStamp'] = m.time
  if (place === 0 && m.cloudCustomData !== undefined) item['CloudCustomData'] = m.cloudCustomData
  return item
}

const MAX_MEMBERS: Record<string, number> = {
  Public: 2000,
  Private: 200,
  Work: 200,
  ChatRoom: 6000,
  Meeting: 6000,
  Community: 100000,
  BChatRoom: 0,
  AVChatRoom: 0
}
const APPLY_JOIN: Record<string, string> = {
  Public: 'NeedPermission',
  Private: 'DisableApply',
  Work: 'DisableApply'
}

interface Member {
  Member_Account: string
  Role: string
  JoinTime: number
  MsgSeq: number
  MsgFlag: string
  LastSendMsgTime: number
  ShutUpUntil: number
  NameCard: string
}

/**
 * Members: the group's explicit list (tools/sim/people.ts) when it has one; else the owner plus
 * every non-system sender, padded with synthetic members to MemberNum.
 */
function membersOf(g: SimGroup, now?: number): Member[] {
  if (g.members) return memberRows(g, now ?? Date.now() / 1000, () => [])
  return syntheticMembers(g)
}

function syntheticMembers(g: SimGroup): MemberRow[] {
  const created = g.CreateTime ?? 0
  const last = new Map<string, number>()
  for (const m of g.messages.values()) {
    if (m.isSystem) continue
    const prev = last.get(m.from)
    if (prev === undefined || m.time > prev) last.set(m.from, m.time)
  }
  const out: Member[] = []
  const add = (acc: string, role: string): void => {
    out.push({
      Member_Account: acc,
      Role: role,
      JoinTime: created,
      MsgSeq: g.nextMsgSeq - 1,
      MsgFlag: 'AcceptAndNotify',
      LastSendMsgTime: last.get(acc) ?? 0,
      ShutUpUntil: 0,
      NameCard: ''
    })
  }
  if (g.Owner_Account) add(g.Owner_Account, 'Owner')
  for (const acc of last.keys()) if (acc !== g.Owner_Account) add(acc, 'Member')
  const want = Math.min(g.MemberNum ?? out.length, 6000)
  for (let i = 1; out.length < want; i++) add(`member_${String(i).padStart(4, '0')}`, 'Member')
  return out
}

const MEMBER_FILTER_KEYS: Record<string, keyof Member> = {
  Account: 'Member_Account',
  Member_Account: 'Member_Account',
  Role: 'Role',
  JoinTime: 'JoinTime',
  MsgSeq: 'MsgSeq',
  MsgFlag: 'MsgFlag',
  LastSendMsgTime: 'LastSendMsgTime',
  ShutUpUntil: 'ShutUpUntil',
  NameCard: 'NameCard'
}

function lastMsgTime(g: SimGroup): number {
  const floor = Math.max(1, g.historyFloor ?? 1)
  for (let seq = g.nextMsgSeq - 1; seq >= floor; seq--) {
    const m = g.messages.get(seq)
    if (m) return m.time
  }
  return 0
}

function groupInfoItem(
  app: SimApp,
  g: SimGroup,
  filtered: boolean,
  baseFilter: Set<string> | undefined,
  memberFilter: Set<string> | undefined,
  now: number
): Answer {
  const av = g.Type === 'AVChatRoom'
  const created = g.CreateTime ?? 0
  const base: Answer = {
    Type: g.Type,
    Appid: app.sdkAppId,
    Name: g.Name,
    Introduction: g.Introduction ?? '',
    Notification: g.Notification ?? '',
    FaceUrl: g.FaceUrl ?? '',
    Owner_Account: g.Owner_Account ?? '',
    CreateTime: created,
    InfoSeq: 3,
    LastInfoTime: created,
    LastMsgTime: lastMsgTime(g),
    NextMsgSeq: g.nextMsgSeq,
    MaxMemberNum: MAX_MEMBERS[g.Type] ?? 2000,
    ApplyJoinOption: APPLY_JOIN[g.Type] ?? 'FreeAccess',
    ShutUpAllMember: 'Off'
  }
  const members = av ? undefined : membersOf(g, now)
  if (members) base['MemberNum'] = members.length
  const item: Answer = { GroupId: g.GroupId, ErrorCode: 0, ErrorInfo: '' }
  for (const [k, v] of Object.entries(base)) if (!filtered || baseFilter?.has(k)) item[k] = v
  if (members && (!filtered || memberFilter)) {
    item['MemberList'] = members.map((mem) => {
      if (!memberFilter) return { ...mem }
      const o: Answer = { Member_Account: mem.Member_Account }
      for (const f of memberFilter) {
        const key = MEMBER_FILTER_KEYS[f]
        if (key) o[key] = mem[key]
      }
      return o
    })
  }
  return item
}
