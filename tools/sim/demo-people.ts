/**
 * The demo's people and conversation (issue 18): profiles with nicknames and avatars that change
 * over time, the team chat's members with name cards and one who left, TUIKit replies, quotes,
 * mentions, stickers and custom business messages in the team chat, a message that gets edited,
 * and a Community with topics. Every convention is one Tencent or TUIKit documents or sends:
 * docs/reference/tencent-im-api.md §9.2, §9.3, §9.4 and §9.7 say which was checked where.
 */
import type { MsgElement } from '../../src-main/shared/tim-types'
import { COS_PREFIX, SIM_COS_ORIGIN } from './media/cos'
import { teamBucket } from './media/lab'
import type { NameVersion, SimMember, SimProfile, SimTopic } from './people'
import type { SimGroup, SimMessage } from './server'
import { mulberry32 } from '../random'

const text = (Text: string): MsgElement => ({ MsgType: 'TIMTextElem', MsgContent: { Text } })
const custom = (Data: string, Desc = '', Ext = ''): MsgElement => ({ MsgType: 'TIMCustomElem', MsgContent: { Data, Desc, Ext } })
/** A sticker as TUIKit sends one: Index is the sticker pack, Data the sticker's name (§9.7). */
const sticker = (Index: number, Data: string): MsgElement => ({ MsgType: 'TIMFaceElem', MsgContent: { Index, Data } })

/** A placeholder avatar URL on the loopback COS (public-read bucket: the URL never changes). */
export function avatarUrl(name: string): string {
  return `${SIM_COS_ORIGIN}${COS_PREFIX}${teamBucket}/avatar/${name}.png`
}

// ---------------------------------------------------------------------------------------------
// Profiles

const DAY = 86400

/**
 * Who is who. `bob` renamed himself 20 days before `now` (and changed his avatar then);
 * `144115198339527735` has a nickname but no avatar; `144115212345678901` has neither (a bare
 * account). Accounts not listed here do not exist: portrait_get answers them with 40003.
 */
export function demoProfiles(now: number, extra: string[] = []): Map<string, SimProfile> {
  const born = now - 400 * DAY
  const p = (nick: string, image?: string): SimProfile => ({
    nick: [{ since: born, value: nick }],
    image: image === undefined ? [] : [{ since: born, value: image }]
  })
  const m = new Map<string, SimProfile>([
    ['administrator', p('Admin 管理员', avatarUrl('administrator'))],
    ['admin2', p('Ops Bot', avatarUrl('admin2'))],
    ['alice', p('Alice Wang', avatarUrl('alice'))],
    [
      'bob',
      {
        nick: [
          { since: born, value: 'Bob' },
          { since: now - 20 * DAY, value: 'Bob Zhang 张博' }
        ],
        image: [
          { since: born, value: avatarUrl('bob') },
          { since: now - 20 * DAY, value: avatarUrl('bob-2') }
        ]
      }
    ],
    ['chen_wei', p('陈伟', avatarUrl('chen_wei'))],
    ['li_lei', p('李雷', avatarUrl('li_lei'))],
    ['fatima', p('فاطمة Fatima', avatarUrl('fatima'))],
    ['yossi', p('יוסי Yossi', avatarUrl('yossi'))],
    ['144115197276518801', p('猫桶 MaoTong', avatarUrl('144115197276518801'))],
    ['144115198339527735', p('Watermelon Girl')],
    ['144115212345678901', { nick: [], image: [] }],
    ['zhang_san', p('张三', avatarUrl('zhang_san'))],
    ['wang.wu', p('王五')],
    ['bench_bot', p('Bench Bot')],
    ['zhao_min', p('赵敏', avatarUrl('zhao_min'))],
    ['olga', p('Ольга', avatarUrl('olga'))],
    ['kenji', p('健二 Kenji')]
  ])
  for (const acc of extra) if (!m.has(acc)) m.set(acc, p(acc.replace(/_/g, ' ')))
  return m
}

// ---------------------------------------------------------------------------------------------
// The team chat

const v = (since: number, value: string): NameVersion[] => [{ since, value }]

/**
 * The team chat's twelve members (its MemberNum). `li_lei` left (seq 587's Quit tip, and `leftAt`),
 * so get_group_member_info no longer lists him while portrait_get still resolves him. `alice` and
 * `chen_wei` have name cards; chen_wei's changed 10 days before `now`.
 */
export function teamMembers(created: number, now: number, liLeiLeftAt: number): SimMember[] {
  const m = (account: string, role: SimMember['role'], nameCard: NameVersion[] = []): SimMember => ({ account, role, joinTime: created, nameCard })
  return [
    m('administrator', 'Owner'),
    m('admin2', 'Admin'),
    m('alice', 'Member', v(created, 'Alice (PM)')),
    m('bob', 'Member'),
    m('chen_wei', 'Member', [
      { since: created, value: '伟 · 后端' },
      { since: now - 10 * DAY, value: '陈伟 · 架构' }
    ]),
    { ...m('li_lei', 'Member'), leftAt: liLeiLeftAt },
    m('fatima', 'Member'),
    m('yossi', 'Member'),
    m('144115197276518801', 'Member'),
    m('144115198339527735', 'Member'),
    m('zhao_min', 'Member'),
    m('olga', 'Member'),
    m('kenji', 'Member')
  ]
}

/**
 * Seqs of the team chat (@TGS#1DEMOTEAM) that hold issue 18's conversation. The message counts
 * and senders are those of the plain messages they replace, so totals stay as they were.
 */
export const TEAM_SEQS = {
  /** TUIKit custom message businessID 'group_create'. */
  groupCreate: 2,
  /** alice: the message quoted by `quote`. */
  quoted: 588,
  /** fatima: a quote of `quoted` (messageReply without messageRootID). */
  quote: 589,
  /** chen_wei: "@Alice Wang …" (a mention in the text). */
  mention: 590,
  /** bob: "@所有人 …" (@all in the text). */
  mentionAll: 591,
  /** yossi: a sticker (TIMFaceElem with Index = pack, Data = name). */
  sticker: 592,
  /** 144115197276518801: TUIKit custom message businessID 'text_link'. */
  textLink: 593,
  /** yossi: a reply to `mention` (messageReply with messageRootID), "@陈伟 …". */
  reply: 594,
  /** 144115197276518801: the message the demo edits (see EDIT); its text as seeded is `editBefore`. */
  edited: 595,
  /** The server-held forwarded chat (TIMRelayElem with JsonMsgKey only, 240 messages): a special. */
  relayOnServer: 457,
  /** The relay with MsgList; its second item is a TUIKit reply to its first: a special. */
  relayInline: 445,
  /** '@Admin 管理员 @Alice Wang see above ⬆️' with a TUIKit quote of seq 120 in CloudCustomData: a special. */
  quoteOld: 516
} as const

/** The demo's edit: what TEAM_SEQS.edited says before and after (`npm run sim -- --edit-after S`, /_sim/edit). */
export const EDIT = {
  before: 'Rollout plan: 10% today, 100% tomorrow.',
  after: 'Rollout plan (updated): 10% today, 50% on Tuesday, 100% on Thursday.'
} as const

function clientId(m: SimMessage): string {
  // TUIKit's messageID is a client-side ID that REST answers do not carry; the archive matches a
  // reply by messageSequence. This one is only shaped like an ID.
  return `${m.from}-${m.time}-${m.random}`
}

/** TUIKit's reply/quote metadata (§9.7): `{messageReply: {...}}` as the CloudCustomData string. */
export function tuikitReply(target: SimMessage, sender: string, abstract: string, rootOf?: SimMessage): string {
  const messageReply: Record<string, unknown> = {
    messageAbstract: abstract,
    messageSender: sender,
    messageID: clientId(target),
    messageType: 1,
    messageTime: target.time,
    messageSequence: target.seq,
    version: 1
  }
  if (rootOf) messageReply['messageRootID'] = clientId(rootOf)
  return JSON.stringify({ messageReply })
}

/**
 * Writes issue 18's conversation into the team chat, over plain messages (TEAM_SEQS), and fixes the
 * specials whose CloudCustomData used invented conventions. Keeps every seq's sender and time.
 */
export function applyTeamConversation(g: SimGroup): void {
  const at = (seq: number): SimMessage => {
    const m = g.messages.get(seq)
    if (!m) throw new Error(`team seq ${seq} is missing`)
    return m
  }
  const set = (seq: number, body: MsgElement[], cloudCustomData?: string): SimMessage => {
    const m = at(seq)
    m.body = body
    m.state = 'normal'
    if (cloudCustomData === undefined) delete m.cloudCustomData
    else m.cloudCustomData = cloudCustomData
    return m
  }
  set(TEAM_SEQS.groupCreate, [custom(JSON.stringify({ businessID: 'group_create', version: 4, opUser: 'administrator', content: '创建群组', cmd: 0 }))])
  const quoted = set(TEAM_SEQS.quoted, [text('Release 2.4 goes out tonight. 今晚发 2.4 版本。')])
  set(TEAM_SEQS.quote, [text('Which build number? 哪个构建？')], tuikitReply(quoted, 'Alice (PM)', 'Release 2.4 goes out tonight. 今晚发 2.4 版本。'))
  const mention = set(TEAM_SEQS.mention, [text('@Alice Wang build 2.4.0-rc3，tag 已经打好了。')])
  set(TEAM_SEQS.mentionAll, [text('@所有人 今晚 8 点发版，请注意 / release at 8 pm')])
  set(TEAM_SEQS.sticker, [sticker(1, 'yz05')])
  set(TEAM_SEQS.textLink, [
    custom(JSON.stringify({ businessID: 'text_link', version: 4, text: '发布说明 Release notes 2.4', link: 'https://docs.example.com/notes/v2.4' }))
  ])
  set(TEAM_SEQS.reply, [text('@陈伟 · 架构 收到，谢谢！')], tuikitReply(mention, '陈伟 · 架构', '@Alice Wang build 2.4.0-rc3，tag 已经打好了。', mention))
  set(TEAM_SEQS.edited, [text(EDIT.before)])

  // The specials: the relay's inner reply and the old quote, in TUIKit's shape.
  const old = at(TEAM_SEQS.quoteOld)
  const target = at(120)
  old.body = [text('@Admin 管理员 @Alice Wang see above ⬆️')]
  old.cloudCustomData = tuikitReply(target, 'Admin 管理员', abstractOf(target))
  const relay = at(TEAM_SEQS.relayInline).body as MsgElement[]
  const list = (relay[0]?.MsgContent as { MsgList?: Record<string, unknown>[] }).MsgList
  const first = list?.[0]
  const second = list?.[1]
  if (!first || !second) throw new Error(`seq ${TEAM_SEQS.relayInline} is not the inline relay`)
  second['CloudCustomData'] = JSON.stringify({
    messageReply: {
      messageAbstract: '上线了吗？',
      messageSender: 'Alice Wang',
      messageID: `${String(first['From_Account'])}-${String(first['MsgTimeStamp'])}-${String(first['MsgRandom'])}`,
      messageType: 1,
      messageTime: first['MsgTimeStamp'],
      messageSequence: first['MsgSeq'],
      version: 1
    }
  })
}

function abstractOf(m: SimMessage): string {
  const body = Array.isArray(m.body) ? m.body : []
  return body
    .map((e) => (e.MsgType === 'TIMTextElem' ? String((e.MsgContent as { Text?: unknown }).Text ?? '') : `[${e.MsgType}]`))
    .join('')
    .slice(0, 60)
}

// ---------------------------------------------------------------------------------------------
// The Community

/** A Community's ID must start with @TGS#_ (Tencent's group docs). */
export const communityGroupId = '@TGS#_DEMOCOMMUNITY'

/** Topic IDs are the group ID + '@TOPIC#_' + a custom part. */
export const communityTopicIds = {
  general: `${communityGroupId}@TOPIC#_general`,
  releases: `${communityGroupId}@TOPIC#_releases`,
  ideas: `${communityGroupId}@TOPIC#_ideas`
} as const

/** Seqs inside the topics. */
export const COMMUNITY_SEQS = {
  /** releases: the announcement replied to by `releasesReply`. */
  releasesAnnouncement: 1,
  /** releases: a TUIKit reply to the announcement, mentioning its sender. */
  releasesReply: 2,
  /** general: a message the tests may edit (its text as seeded: 'Welcome to the community!'). */
  generalWelcome: 1
} as const

/** Members of the Community beyond the named ones: enough for several `Next` pages of 100. */
export const communityFans = 240

export function communityFanIds(): string[] {
  return Array.from({ length: communityFans }, (_, i) => `fan_${String(i + 1).padStart(4, '0')}`)
}

/**
 * A topic-enabled Community: three topics (one empty), no messages outside the topics, and
 * 245 members (paged with Next).
 */
export function communityGroup(now: number): SimGroup {
  const rng = mulberry32(0xc0aa)
  const created = now - 45 * DAY
  const topic = (key: keyof typeof communityTopicIds, TopicName: string, lines: [string, string][], start: number, extra: Partial<SimTopic> = {}): SimTopic => {
    const messages = new Map<number, SimMessage>()
    let t = start
    lines.forEach(([from, line], i) => {
      t += 600 + Math.floor(rng() * 7200)
      messages.set(i + 1, { seq: i + 1, from, time: Math.min(t, now), random: Math.floor(rng() * 4294967296), state: 'normal', body: [text(line)] })
    })
    return { TopicId: communityTopicIds[key], TopicName, CreateTime: start, nextMsgSeq: lines.length + 1, messages, ...extra }
  }
  const general = topic(
    'general',
    'General 综合',
    [
      ['admin2', 'Welcome to the community!'],
      ['alice', 'Hi all 👋 很高兴加入'],
      ['zhao_min', '大家好，我是赵敏。'],
      ['olga', 'Привет! Hello from Riga.'],
      ['kenji', 'こんにちは！'],
      ['bob', 'Where do we report bugs?'],
      ['admin2', 'In the #releases topic, or on the tracker.'],
      ['fan_0001', '+1'],
      ['fan_0042', 'Is there a roadmap?'],
      ['alice', 'Roadmap is pinned in Ideas 想法.']
    ],
    created + 3600,
    { Introduction: 'Say hello, ask anything.' }
  )
  const releases = topic(
    'releases',
    'Releases 发布',
    [
      ['admin2', 'v2.4 is out: faster sync, names everywhere. 2.4 已发布。'],
      ['chen_wei', '@Ops Bot 升级后需要重新登录吗？'],
      ['admin2', 'No, sessions carry over.'],
      ['kenji', 'Upgraded, works fine 👍']
    ],
    created + 7200,
    { Notification: 'Release announcements only.' }
  )
  const r1 = releases.messages.get(1)!
  releases.messages.get(2)!.cloudCustomData = tuikitReply(r1, 'Ops Bot', 'v2.4 is out: faster sync, names everywhere. 2.4 已发布。')
  const ideas = topic('ideas', 'Ideas 想法', [], created + 10800)
  const members: SimMember[] = [
    { account: 'admin2', role: 'Owner', joinTime: created, nameCard: [] },
    { account: 'alice', role: 'Admin', joinTime: created, nameCard: [{ since: created, value: 'Alice · 版主' }] },
    { account: 'bob', role: 'Member', joinTime: created, nameCard: [] },
    { account: 'chen_wei', role: 'Member', joinTime: created, nameCard: [] },
    { account: 'zhao_min', role: 'Member', joinTime: created, nameCard: [] },
    { account: 'olga', role: 'Member', joinTime: created, nameCard: [] },
    { account: 'kenji', role: 'Member', joinTime: created, nameCard: [] },
    ...communityFanIds().map((account): SimMember => ({ account, role: 'Member', joinTime: created + 86400, nameCard: [] }))
  ]
  return {
    GroupId: communityGroupId,
    Type: 'Community',
    Name: '开源社区 Community 🌐',
    Owner_Account: 'admin2',
    CreateTime: created,
    MemberNum: members.length,
    Introduction: 'A topic-enabled Community: General, Releases and Ideas.',
    nextMsgSeq: 1,
    messages: new Map(),
    members,
    topics: new Map([general, releases, ideas].map((t) => [t.TopicId, t]))
  }
}
