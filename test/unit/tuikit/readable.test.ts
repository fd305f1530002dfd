import { describe, expect, it } from 'vitest'
import { hexDump, looksBinary, readable, readableLine, toBytes } from '../../../src-main/shared/tuikit/readable'

// Tencent's own group_msg_get_simple sample (docs/reference/tencent-im-api.md §1.4; the simulator
// seeds it as the MIF group): protobuf bytes inside TIMCustomElem Data.
const mif = '\b\u0001\u0010\u0006\u001A\u0006MaoTong'

describe('readable', () => {
  it('shows the MIF sample as a hex dump whose ASCII column keeps the word, never as escapes', () => {
    const r = readable(mif)
    expect(r.kind).toBe('binary')
    if (r.kind !== 'binary') return
    expect(r.bytes).toBe(13)
    expect(r.hex).toBe('08 01 10 06 1a 06 4d 61 6f 54 6f 6e 67')
    expect(r.dump).toBe('00000000  08 01 10 06 1a 06 4d 61  6f 54 6f 6e 67          |......MaoTong|')
    expect(r.dump).not.toContain('\\u')
    expect(readableLine(mif)).toBe('hex: 08 01 10 06 1a 06 4d 61 6f 54 6f 6e 67 (13 bytes; text: MaoTong)')
  })

  it('pretty-prints JSON objects and keeps plain text as text', () => {
    const r = readable('{"businessID":"x","n":[1,2]}')
    expect(r).toMatchObject({ kind: 'json', pretty: '{\n  "businessID": "x",\n  "n": [\n    1,\n    2\n  ]\n}' })
    expect(readable('hello 你好\nline two')).toEqual({ kind: 'text', text: 'hello 你好\nline two' })
    expect(readable('')).toEqual({ kind: 'empty' })
    expect(readable(undefined)).toEqual({ kind: 'empty' })
    // A number or a word is text, not JSON.
    expect(readable('42').kind).toBe('text')
    expect(readable('{not json').kind).toBe('text')
  })

  it('encodes non-Latin-1 bytes as UTF-8 and bounds the dump', () => {
    expect(toBytes('\u0000中').bytes).toEqual([0, 0xe4, 0xb8, 0xad])
    const big = '\u0001'.repeat(10_000)
    const r = readable(big)
    expect(r.kind === 'binary' && r.truncated && r.bytes === 10_000 && r.dump.split('\n').length === 256).toBe(true)
    expect(readableLine(big).endsWith('… (10000 bytes)')).toBe(true)
  })

  it('treats lone surrogates and U+FFFD as bytes, tabs and new lines as text', () => {
    expect(looksBinary('a\uD800b')).toBe(true)
    expect(looksBinary('bad \uFFFD byte')).toBe(true)
    expect(looksBinary('tab\there\r\n')).toBe(false)
    expect(looksBinary('emoji 😀')).toBe(false)
    expect(hexDump([])).toBe('')
  })
})
