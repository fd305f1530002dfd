/**
 * The generated archive of the search benchmarks (bench:search in the app, bench:db in PostgreSQL):
 * Chinese and English words with Zipf-distributed frequencies, 200 senders, images and
 * placeholders. Pure, so both benchmarks write the same messages for the same seeds.
 */
import type { RawMessage } from '@shared/tim-types'
import { mulberry32 } from '../random'

/** Zipf(1) sampler over ranks 0..n-1. */
function zipf(n: number): (r: number) => number {
  const cdf = new Float64Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1)
  for (let i = 0; i < n; i++) cdf[i]! /= sum
  return (r) => {
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid]! < r) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

const common = ['the', 'and', 'to', 'of', 'we', 'you', 'is', 'for', 'on', 'this', 'release', 'deploy', 'server', 'meeting', 'build', 'test']
const syllables = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tor',
  'vi',
  'sen',
  'dra',
  'pel',
  'quo',
  'zan',
  'bel',
  'cor',
  'dun',
  'fi',
  'gra',
  'hal',
  'jin',
  'kes',
  'lum',
  'mor',
  'nex',
  'pra',
  'ris',
  'sul',
  'tam',
  'ung',
  'ver',
  'wex',
  'yor'
]

export interface Corpus {
  english: string[]
  chinese: string[]
  senders: string[]
}

export function makeCorpus(seed = 42): Corpus {
  const rand = mulberry32(seed)
  const english = [...common]
  const seen = new Set(english)
  while (english.length < 6000) {
    const k = 1 + Math.floor(rand() * 3)
    let w = ''
    for (let i = 0; i < k; i++) w += syllables[Math.floor(rand() * syllables.length)]
    if (w.length >= 3 && !seen.has(w)) {
      seen.add(w)
      english.push(w)
    }
  }
  const pickChar = zipf(2500)
  const chinese: string[] = []
  const cseen = new Set<string>()
  while (chinese.length < 8000) {
    const r = rand()
    const k = r < 0.1 ? 1 : r < 0.8 ? 2 : 3
    let w = ''
    for (let i = 0; i < k; i++) w += String.fromCharCode(0x4e00 + pickChar(rand()) * 7)
    if (!cseen.has(w)) {
      cseen.add(w)
      chinese.push(w)
    }
  }
  const senders = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? `用户${i}` : `user_${i}`))
  return { english, chinese, senders }
}

const pickEnglish = zipf(6000)
const pickChinese = zipf(8000)
const pickSender = zipf(200)

/** Message `seq` of a group: a pure function of (corpus, group seed, seq). */
export function benchMessage(c: Corpus, groupSeed: number, seq: number, time: number): RawMessage {
  const rand = mulberry32(groupSeed * 1_000_003 + seq)
  const r = rand()
  const base = { From_Account: c.senders[pickSender(rand())]!, MsgSeq: seq, MsgRandom: seq, MsgTimeStamp: time, IsPlaceMsg: 0 }
  if (r < 0.03) return { ...base, MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: `img${seq}`, ImageFormat: 1, ImageInfoArray: [] } }] } as RawMessage
  if (r < 0.04) return { ...base, IsPlaceMsg: 1, MsgBody: [] } as RawMessage
  const words: string[] = []
  const lang = rand()
  const n = 3 + Math.floor(rand() * 10)
  for (let i = 0; i < n; i++) {
    const zh = lang < 0.55 || (lang < 0.65 && rand() < 0.5)
    words.push(zh ? c.chinese[pickChinese(rand())]! : c.english[pickEnglish(rand())]!)
  }
  let text = ''
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    const prevZh = i > 0 && words[i - 1]!.charCodeAt(0) >= 0x2e80
    const zh = w.charCodeAt(0) >= 0x2e80
    text += i === 0 ? w : prevZh && zh ? (rand() < 0.15 ? '，' : '') + w : ' ' + w
  }
  return { ...base, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] } as RawMessage
}

function day(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(0, 10)
}

/**
 * The query mix of the search benchmarks: each form a user relies on, with words picked by
 * frequency rank; the date-bounded form spans the middle fifth of the biggest group's history.
 */
export function queryForms(c: Corpus, big: { start: number; messages: number; gap: number }): { form: string; query: string }[] {
  const t = (f: number) => big.start + Math.floor(big.messages * f * big.gap)
  return [
    { form: 'rare word', query: c.english[4000]! },
    { form: 'common word', query: 'the' },
    { form: 'Chinese word', query: c.chinese[40]! },
    { form: 'rare Chinese word', query: c.chinese[5000]! },
    { form: 'two words, mixed', query: `${c.english[60]} ${c.chinese[60]}` },
    { form: 'phrase', query: `"${c.english[25]} ${c.english[16]}"` },
    { form: 'prefix', query: `${c.english[300]!.slice(0, 4)}*` },
    { form: 'from:', query: `from:${c.senders[30]}` },
    { form: 'from: + word', query: `from:${c.senders[5]} ${c.english[20]}` },
    { form: 'date-bounded', query: `${c.english[30]} after:${day(t(0.4))} before:${day(t(0.6))}` },
    { form: 'negation', query: `${c.english[50]} -${c.english[17]}` },
    { form: 'has:', query: 'has:image' }
  ]
}
