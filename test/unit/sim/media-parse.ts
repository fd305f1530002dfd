// Independent readers of the formats the simulator's COS generates: enough to check dimensions,
// structure and exact sizes. Written from the format specs, not from tools/sim/media/encode.ts.
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib'

export interface Dims {
  width: number
  height: number
}

/** PNG: signature, every chunk's CRC, IHDR dimensions, IDAT inflating to exactly the raw image. */
export function readPng(b: Buffer): Dims & { chunks: string[] } {
  if (!b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG')
  let at = 8
  const chunks: string[] = []
  const idat: Buffer[] = []
  let width = 0
  let height = 0
  let colourType = -1
  while (at < b.length) {
    const len = b.readUInt32BE(at)
    const type = b.toString('latin1', at + 4, at + 8)
    const data = b.subarray(at + 8, at + 8 + len)
    const crc = b.readUInt32BE(at + 8 + len)
    if (zlibCrc32(b.subarray(at + 4, at + 8 + len)) !== crc) throw new Error(`bad CRC in ${type}`)
    chunks.push(type)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      colourType = data[9] ?? -1
    }
    if (type === 'IDAT') idat.push(data)
    at += 12 + len
    if (type === 'IEND') break
  }
  if (chunks[0] !== 'IHDR' || chunks[chunks.length - 1] !== 'IEND') throw new Error('bad chunk order')
  if (colourType !== 2) throw new Error('expected truecolour')
  const raw = inflateSync(Buffer.concat(idat))
  if (raw.length !== height * (1 + 3 * width)) throw new Error(`IDAT holds ${raw.length} bytes, want ${height * (1 + 3 * width)}`)
  return { width, height, chunks }
}

/** GIF: header, logical screen and image descriptor dimensions, and an LZW decode of the pixels. */
export function readGif(b: Buffer): Dims & { pixels: number } {
  const sig = b.toString('latin1', 0, 6)
  if (sig !== 'GIF89a' && sig !== 'GIF87a') throw new Error('not a GIF')
  const width = b.readUInt16LE(6)
  const height = b.readUInt16LE(8)
  const packed = b[10] ?? 0
  let at = 13 + (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0)
  let pixels = -1
  for (;;) {
    const tag = b[at]
    if (tag === 0x3b) break
    if (tag === 0x21) {
      at += 2
      while ((b[at] ?? 0) !== 0) at += 1 + (b[at] ?? 0)
      at += 1
      continue
    }
    if (tag !== 0x2c) throw new Error(`unexpected GIF block 0x${(tag ?? 0).toString(16)} at ${at}`)
    const iw = b.readUInt16LE(at + 5)
    const ih = b.readUInt16LE(at + 7)
    if (iw !== width || ih !== height) throw new Error('image descriptor differs from the screen')
    const flags = b[at + 9] ?? 0
    at += 10 + (flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0)
    const min = b[at] ?? 0
    at += 1
    const data: Buffer[] = []
    while ((b[at] ?? 0) !== 0) {
      data.push(b.subarray(at + 1, at + 1 + (b[at] ?? 0)))
      at += 1 + (b[at] ?? 0)
    }
    at += 1
    pixels = lzwDecodeCount(Buffer.concat(data), min)
  }
  return { width, height, pixels }
}

function lzwDecodeCount(data: Buffer, min: number): number {
  const clear = 1 << min
  const eoi = clear + 1
  let size = min + 1
  let lengths: number[] = []
  const reset = (): void => {
    lengths = []
    for (let i = 0; i < clear; i++) lengths[i] = 1
    lengths[clear] = 0
    lengths[eoi] = 0
    size = min + 1
  }
  reset()
  let bitPos = 0
  let prev = -1
  let count = 0
  const read = (): number => {
    let v = 0
    for (let i = 0; i < size; i++) {
      const byte = data[(bitPos + i) >> 3] ?? 0
      v |= ((byte >> ((bitPos + i) & 7)) & 1) << i
    }
    bitPos += size
    return v
  }
  while (bitPos + size <= data.length * 8) {
    const code = read()
    if (code === clear) {
      reset()
      prev = -1
      continue
    }
    if (code === eoi) return count
    let len: number
    if (code < lengths.length) len = lengths[code] ?? 0
    else if (code === lengths.length && prev >= 0) len = (lengths[prev] ?? 0) + 1
    else throw new Error(`bad LZW code ${code}`)
    if (prev >= 0 && lengths.length < 4096) lengths.push((lengths[prev] ?? 0) + 1)
    count += len
    prev = code
    if (lengths.length === 1 << size && size < 12) size++
  }
  throw new Error('LZW data without end code')
}

/**
 * JPEG: markers up to SOS, SOF0 dimensions, and a decode of the scan with its own Huffman tables
 * (every block must be DC + end-of-block, the only thing a flat image needs): returns the blocks
 * and each component's DC value.
 */
export function readJpeg(b: Buffer): Dims & { components: number; blocks: number; dc: number[]; markers: string[] } {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('no SOI')
  let at = 2
  const markers: string[] = []
  let width = 0
  let height = 0
  let comps: { id: number; h: number; v: number }[] = []
  const tables = new Map<number, Map<string, number>>()
  for (;;) {
    if (b[at] !== 0xff) throw new Error(`expected a marker at ${at}`)
    const m = b[at + 1] ?? 0
    const len = b.readUInt16BE(at + 2)
    const seg = b.subarray(at + 4, at + 2 + len)
    markers.push(m.toString(16))
    if (m === 0xc0) {
      height = seg.readUInt16BE(1)
      width = seg.readUInt16BE(3)
      const n = seg[5] ?? 0
      comps = Array.from({ length: n }, (_, i) => ({ id: seg[6 + 3 * i] ?? 0, h: (seg[7 + 3 * i] ?? 0) >> 4, v: (seg[7 + 3 * i] ?? 0) & 15 }))
    }
    if (m === 0xc4) {
      let p = 0
      while (p < seg.length) {
        const id = seg[p] ?? 0
        const counts = [...seg.subarray(p + 1, p + 17)]
        const total = counts.reduce((s, x) => s + x, 0)
        const vals = seg.subarray(p + 17, p + 17 + total)
        const t = new Map<string, number>()
        let code = 0
        let k = 0
        counts.forEach((c, i) => {
          for (let j = 0; j < c; j++) t.set((code++).toString(2).padStart(i + 1, '0'), vals[k++] ?? 0)
          code <<= 1
        })
        tables.set(id, t)
        p += 17 + total
      }
    }
    at += 2 + len
    if (m === 0xda) break
  }
  // Entropy-coded data: unstuff until EOI.
  const bytes: number[] = []
  for (;;) {
    const x = b[at] ?? 0
    if (x === 0xff) {
      const nx = b[at + 1]
      if (nx === 0x00) {
        bytes.push(0xff)
        at += 2
        continue
      }
      if (nx === 0xd9) break
      throw new Error(`marker 0x${(nx ?? 0).toString(16)} inside the scan`)
    }
    bytes.push(x)
    at++
  }
  let bit = 0
  const next = (): string => {
    const v = ((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1
    bit++
    return v ? '1' : '0'
  }
  const decode = (t: Map<string, number> | undefined): number => {
    let s = ''
    while (s.length <= 16) {
      s += next()
      const v = t?.get(s)
      if (v !== undefined) return v
    }
    throw new Error('bad Huffman code')
  }
  const dc = comps.map(() => 0)
  const dcT = tables.get(0x00)
  const acT = tables.get(0x10)
  const block = (c: number): void => {
    const cat = decode(dcT)
    let diff = 0
    if (cat > 0) {
      let v = 0
      for (let i = 0; i < cat; i++) v = (v << 1) | (next() === '1' ? 1 : 0)
      diff = v < 1 << (cat - 1) ? v - (1 << cat) + 1 : v
    }
    dc[c] = (dc[c] ?? 0) + diff
    if (decode(acT) !== 0) throw new Error('AC coefficients in a flat image')
  }
  const hmax = Math.max(...comps.map((c) => c.h))
  const vmax = Math.max(...comps.map((c) => c.v))
  let blocks = 0
  if (comps.length === 1) {
    const n = Math.ceil(width / 8) * Math.ceil(height / 8)
    for (let i = 0; i < n; i++) block(0)
    blocks = n
  } else {
    const mcus = Math.ceil(width / (8 * hmax)) * Math.ceil(height / (8 * vmax))
    for (let i = 0; i < mcus; i++) {
      comps.forEach((c, ci) => {
        for (let j = 0; j < c.h * c.v; j++) {
          block(ci)
          blocks++
        }
      })
    }
  }
  if (bytes.length - Math.ceil(bit / 8) !== 0) throw new Error(`${bytes.length - Math.ceil(bit / 8)} bytes left in the scan`)
  return { width, height, components: comps.length, blocks, dc, markers }
}

/** WAV: RIFF/WAVE, PCM format, the data chunk's length; chunks walked to the end of the RIFF. */
export function readWav(b: Buffer): { rate: number; bits: number; channels: number; dataBytes: number; seconds: number } {
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV')
  const end = 8 + b.readUInt32LE(4)
  let at = 12
  let rate = 0
  let bits = 0
  let channels = 0
  let dataBytes = -1
  while (at + 8 <= end) {
    const id = b.toString('latin1', at, at + 4)
    const len = b.readUInt32LE(at + 4)
    if (id === 'fmt ') {
      if (b.readUInt16LE(at + 8) !== 1) throw new Error('not PCM')
      channels = b.readUInt16LE(at + 10)
      rate = b.readUInt32LE(at + 12)
      bits = b.readUInt16LE(at + 22)
    }
    if (id === 'data') dataBytes = len
    at += 8 + len + (len & 1)
  }
  if (at !== end || dataBytes < 0) throw new Error('RIFF chunks do not add up')
  return { rate, bits, channels, dataBytes, seconds: dataBytes / (rate * channels * (bits / 8)) }
}

/** MP4: top-level boxes covering the file exactly; the track's size, sample count and that stco points into mdat. */
export function readMp4(b: Buffer): { boxes: string[]; width: number; height: number; samples: number; durationMs: number; brand: string } {
  const boxes: string[] = []
  let at = 0
  let mdat: [number, number] = [0, 0]
  let moov: Buffer | undefined
  while (at < b.length) {
    const size = b.readUInt32BE(at)
    const type = b.toString('latin1', at + 4, at + 8)
    if (size < 8 || at + size > b.length) throw new Error(`bad box ${type} at ${at}`)
    boxes.push(type)
    if (type === 'mdat') mdat = [at + 8, at + size]
    if (type === 'moov') moov = b.subarray(at, at + size)
    at += size
  }
  if (!moov) throw new Error('no moov')
  const find = (buf: Buffer, path: string[]): Buffer => {
    let cur = buf.subarray(8)
    for (const name of path) {
      let p = 0
      let found: Buffer | undefined
      while (p + 8 <= cur.length) {
        const s = cur.readUInt32BE(p)
        if (cur.toString('latin1', p + 4, p + 8) === name) {
          found = cur.subarray(p, p + s)
          break
        }
        p += s
      }
      if (!found) throw new Error(`no ${name}`)
      cur = name === path[path.length - 1] ? found : found.subarray(8)
    }
    return cur
  }
  const tkhd = find(moov, ['trak', 'tkhd'])
  const mvhd = find(moov, ['mvhd'])
  const stbl = ['trak', 'mdia', 'minf', 'stbl']
  const stsz = find(moov, [...stbl, 'stsz'])
  const stco = find(moov, [...stbl, 'stco'])
  const samples = stsz.readUInt32BE(16)
  let sum = 0
  for (let i = 0; i < samples; i++) sum += stsz.readUInt32BE(20 + 4 * i)
  const off = stco.readUInt32BE(16)
  // Samples start where mdat's data does; mdat may hold a few unreferenced bytes after them.
  if (off !== mdat[0] || off + sum > mdat[1] || mdat[1] - (off + sum) >= 8) throw new Error('stco/stsz do not match mdat')
  return {
    boxes,
    width: tkhd.readUInt32BE(tkhd.length - 8) >>> 16,
    height: tkhd.readUInt32BE(tkhd.length - 4) >>> 16,
    samples,
    durationMs: (mvhd.readUInt32BE(24) * 1000) / mvhd.readUInt32BE(20),
    brand: b.toString('latin1', 8, 12)
  }
}

/** PDF: header, trailer, and every xref offset pointing at its object. */
export function readPdf(b: Buffer): { objects: number } {
  const s = b.toString('latin1')
  if (!s.startsWith('%PDF-')) throw new Error('not a PDF')
  if (!s.endsWith('%%EOF\n')) throw new Error('no %%EOF')
  const sx = /startxref\n(\d+)\n%%EOF\n$/.exec(s)
  if (!sx) throw new Error('no startxref')
  const xref = Number(sx[1])
  if (!s.startsWith('xref', xref)) throw new Error('startxref does not point at xref')
  const m = /^xref\n0 (\d+)\n/.exec(s.slice(xref))
  const n = Number(m?.[1] ?? 0)
  const lines = s
    .slice(xref)
    .split('\n')
    .slice(2, 2 + n)
  lines.slice(1).forEach((l, i) => {
    const off = Number(l.slice(0, 10))
    if (!s.startsWith(`${i + 1} 0 obj`, off)) throw new Error(`xref entry ${i + 1} is wrong`)
  })
  return { objects: n - 1 }
}

/** ZIP: end record at the very end, central directory, local header, and the entry's CRC. */
export function readZip(b: Buffer): { names: string[]; size: number } {
  const eocd = b.length - 22
  if (b.readUInt32LE(eocd) !== 0x06054b50) throw new Error('no end of central directory at the end')
  const cdSize = b.readUInt32LE(eocd + 12)
  const cdOff = b.readUInt32LE(eocd + 16)
  if (cdOff + cdSize !== eocd) throw new Error('central directory not before the end record')
  if (b.readUInt32LE(cdOff) !== 0x02014b50) throw new Error('bad central directory')
  const crc = b.readUInt32LE(cdOff + 16)
  const size = b.readUInt32LE(cdOff + 24)
  const nameLen = b.readUInt16LE(cdOff + 28)
  const name = b.toString('utf8', cdOff + 46, cdOff + 46 + nameLen)
  const local = b.readUInt32LE(cdOff + 42)
  if (b.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header')
  const dataAt = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28)
  if (zlibCrc32(b.subarray(dataAt, dataAt + size)) !== crc) throw new Error('entry CRC mismatch')
  return { names: [name], size }
}
