/**
 * Real media files for the simulator's loopback COS, generated in code (issue 17 §6): PNG, GIF, JPEG,
 * WAV, an H.264 MP4, PDF, ZIP and text. No binary fixtures and no dependency: each encoder writes the
 * smallest structure its format allows, and every file can be padded to an exact byte count so that
 * it matches the `Size` / `FileSize` / `VideoSize` its message declares (the archive checks that).
 *
 * A file is a list of parts: real bytes, or `fill` runs of a repeated pattern that are generated while
 * streaming, so a file of hundreds of megabytes never exists in memory.
 */
import { deflateSync } from 'node:zlib'

/** Real bytes, or `length` bytes of `pattern` repeated (generated while streaming). */
export type Part = Buffer | { fill: Buffer; length: number }

export interface MediaBlob {
  parts: Part[]
  size: number
}

export function blobOf(parts: Part[]): MediaBlob {
  let size = 0
  for (const p of parts) size += p.length
  return { parts, size }
}

const CHUNK = 64 * 1024
const blocks = new Map<string, Buffer>()

/** A ≥ 64 KB block of whole repetitions of `pattern` (cached per pattern). */
function blockOf(pattern: Buffer): Buffer {
  const key = pattern.toString('latin1')
  let b = blocks.get(key)
  if (!b) {
    const reps = Math.max(1, Math.ceil(CHUNK / pattern.length))
    b = Buffer.alloc(reps * pattern.length)
    for (let i = 0; i < reps; i++) pattern.copy(b, i * pattern.length)
    if (blocks.size < 64) blocks.set(key, b)
  }
  return b
}

/** The bytes [start, end) of a blob, in chunks of at most 64 KB. */
export function* readBlob(blob: MediaBlob, start = 0, end = blob.size): Generator<Buffer> {
  let at = 0
  for (const p of blob.parts) {
    const len = p.length
    const a = Math.max(start, at)
    const b = Math.min(end, at + len)
    if (a < b) {
      if (Buffer.isBuffer(p)) {
        for (let o = a - at; o < b - at; o += CHUNK) yield p.subarray(o, Math.min(b - at, o + CHUNK))
      } else {
        const block = blockOf(p.fill)
        const period = p.fill.length
        let o = a - at
        while (o < b - at) {
          const phase = o % period
          const n = Math.min(b - at - o, block.length - phase, CHUNK)
          yield block.subarray(phase, phase + n)
          o += n
        }
      }
    }
    at += len
  }
}

/** The whole blob in one buffer: for small files and tests only. */
export function blobBytes(blob: MediaBlob): Buffer {
  return Buffer.concat([...readBlob(blob)])
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO-HDLC, as PNG and ZIP use it)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** Continues a CRC-32 (`crc` is a previous result, 0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function u16le(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(n)
  return b
}
function u32le(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}
function u16be(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n)
  return b
}
function u32be(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}

export type Rgb = readonly [number, number, number]

/** A colour derived from a name, so each object looks different in the viewer. */
export function colourOf(name: string): Rgb {
  let h = 2166136261
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619)
  const hue = ((h >>> 0) % 360) / 60
  const x = 1 - Math.abs((hue % 2) - 1)
  const [r, g, b]: Rgb = hue < 1 ? [1, x, 0] : hue < 2 ? [x, 1, 0] : hue < 3 ? [0, 1, x] : hue < 4 ? [0, x, 1] : hue < 5 ? [x, 0, 1] : [1, 0, x]
  return [Math.round(60 + 170 * r), Math.round(60 + 170 * g), Math.round(60 + 170 * b)]
}

function checkDims(width: number, height: number, max = 16384): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > max || height > max) {
    throw new Error(`image dimensions out of range: ${width}×${height}`)
  }
}

function checkPad(natural: number, padTo: number | undefined): number {
  if (padTo === undefined) return 0
  if (!Number.isSafeInteger(padTo)) throw new Error(`bad size ${padTo}`)
  return Math.max(0, padTo - natural)
}

// ---------------------------------------------------------------------------------------------
// PNG (RFC 2083 / ISO 15948): IHDR, IDAT (zlib), an optional private padding chunk, IEND.

/** Private, ancillary, safe-to-copy chunk type ("paDd"): decoders skip it. */
const PNG_PAD_TYPE = Buffer.from('paDd', 'latin1')

function pngChunk(type: string, data: Buffer): Buffer {
  const t = Buffer.from(type, 'latin1')
  return Buffer.concat([u32be(data.length), t, data, u32be(crc32(data, crc32(t)))])
}

/** A flat-colour RGB PNG of `width`×`height`, padded to `padTo` bytes when given and larger. */
export function png(width: number, height: number, rgb: Rgb, padTo?: number): MediaBlob {
  checkDims(width, height)
  const row = Buffer.alloc(1 + width * 3) // filter byte 0 (None), then pixels
  for (let x = 0; x < width; x++) {
    row[1 + x * 3] = rgb[0]
    row[2 + x * 3] = rgb[1]
    row[3 + x * 3] = rgb[2]
  }
  const raw = Buffer.alloc(row.length * height)
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type: truecolour
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 }))
  ])
  const iend = pngChunk('IEND', Buffer.alloc(0))
  const pad = checkPad(head.length + iend.length, padTo)
  if (pad === 0) return blobOf([head, iend])
  if (pad < 12) return blobOf([head, iend, Buffer.alloc(pad)]) // too small for a chunk: trailing bytes, which decoders ignore
  const len = pad - 12
  const zero = Buffer.from([0])
  let crc = crc32(PNG_PAD_TYPE)
  for (const c of readBlob(blobOf([{ fill: zero, length: len }]))) crc = crc32(c, crc)
  return blobOf([head, u32be(len), PNG_PAD_TYPE, { fill: zero, length: len }, u32be(crc), iend])
}

// ---------------------------------------------------------------------------------------------
// GIF89a: a 4-colour global palette, one LZW-compressed image, comment blocks as padding.

function lzw(indices: Uint8Array, minCodeSize: number): Buffer {
  const clear = 1 << minCodeSize
  const eoi = clear + 1
  const out: number[] = []
  let acc = 0
  let bits = 0
  const emit = (code: number, size: number): void => {
    acc |= code << bits
    bits += size
    while (bits >= 8) {
      out.push(acc & 0xff)
      acc >>>= 8
      bits -= 8
    }
  }
  let next = eoi + 1
  let size = minCodeSize + 1
  let table = new Map<number, number>()
  emit(clear, size)
  let prefix = indices[0] ?? 0
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i] ?? 0
    const key = (prefix << 8) | k
    const code = table.get(key)
    if (code !== undefined) {
      prefix = code
      continue
    }
    emit(prefix, size)
    if (next === 4096) {
      // Table full: start again (the decoder clears on this code).
      emit(clear, size)
      next = eoi + 1
      size = minCodeSize + 1
      table = new Map()
    } else {
      if (next >= 1 << size) size++
      table.set(key, next++)
    }
    prefix = k
  }
  emit(prefix, size)
  emit(eoi, size)
  if (bits > 0) out.push(acc & 0xff)
  return Buffer.from(out)
}

function subBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = []
  for (let o = 0; o < data.length; o += 255) {
    const n = Math.min(255, data.length - o)
    parts.push(Buffer.from([n]), data.subarray(o, o + n))
  }
  parts.push(Buffer.from([0]))
  return Buffer.concat(parts)
}

/** A flat-colour GIF89a, padded with comment extensions to `padTo` bytes when given and larger. */
export function gif(width: number, height: number, rgb: Rgb, padTo?: number): MediaBlob {
  checkDims(width, height, 65535)
  const screen = Buffer.alloc(7)
  screen.writeUInt16LE(width, 0)
  screen.writeUInt16LE(height, 2)
  screen[4] = 0x80 | 0x10 | 0x01 // global colour table of 4 entries, colour resolution 2 bits
  const palette = Buffer.from([0, 0, 0, rgb[0], rgb[1], rgb[2], 255, 255, 255, 128, 128, 128])
  const descriptor = Buffer.alloc(10)
  descriptor[0] = 0x2c
  descriptor.writeUInt16LE(width, 5)
  descriptor.writeUInt16LE(height, 7)
  const pixels = new Uint8Array(width * height).fill(1)
  const image = Buffer.concat([Buffer.from([2]), subBlocks(lzw(pixels, 2))])
  const head = Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, palette, descriptor, image])
  const trailer = Buffer.from([0x3b])
  let pad = checkPad(head.length + trailer.length, padTo)
  const comments: Buffer[] = []
  // A comment extension costs 3 bytes (21 FE … 00) plus n + 1 per sub-block of n = 1..255 bytes,
  // so one extension fills any padding of 3 or ≥ 5 bytes.
  if (pad === 3 || pad >= 5) {
    const blocks: Buffer[] = [Buffer.from([0x21, 0xfe])]
    let left = pad - 3
    while (left > 0) {
      let n = Math.min(255, left - 1)
      if (left - (n + 1) === 1) n -= 1 // never leave 1 byte: a 0-length block would end the extension
      blocks.push(Buffer.from([n]), Buffer.alloc(n, 0x20))
      left -= n + 1
    }
    blocks.push(Buffer.from([0]))
    comments.push(Buffer.concat(blocks))
    pad = 0
  }
  const tail = pad > 0 ? [Buffer.alloc(pad)] : [] // 1, 2 or 4 bytes left: after the trailer, where decoders stop reading
  return blobOf([head, ...comments, trailer, ...tail])
}

// ---------------------------------------------------------------------------------------------
// JPEG: baseline (SOF0), flat colour, all-ones quantisation, minimal Huffman tables. Every block of
// a flat image has only a DC coefficient, and the DC difference is 0 after the first block, so the
// scan is two one-bit codes per block (category 0, end of block).

class BitWriter {
  private readonly out: number[] = []
  private acc = 0
  private n = 0
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1)
      if (++this.n === 8) this.flushByte()
    }
  }
  private flushByte(): void {
    this.out.push(this.acc)
    if (this.acc === 0xff) this.out.push(0) // byte stuffing
    this.acc = 0
    this.n = 0
  }
  /** Pads with 1 bits to a byte boundary. */
  end(): Buffer {
    while (this.n !== 0) this.write(1, 1)
    return Buffer.from(this.out)
  }
}

function segment(marker: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(data.length + 2), data])
}

function category(v: number): number {
  let a = Math.abs(v)
  let c = 0
  while (a > 0) {
    c++
    a >>= 1
  }
  return c
}

/**
 * A flat-colour baseline JPEG (YCbCr 4:2:0, or greyscale when `grey`), padded with COM segments to
 * `padTo` bytes when given and larger.
 */
export function jpeg(width: number, height: number, rgb: Rgb, padTo?: number, grey = false): MediaBlob {
  checkDims(width, height, 65535)
  const [r, g, b] = rgb
  const ycc = [0.299 * r + 0.587 * g + 0.114 * b, 128 - 0.168736 * r - 0.331264 * g + 0.5 * b, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b]
  const comps = grey ? 1 : 3
  // DC of a flat 8×8 block of level-shifted value s is 8s; with quantiser 1 that is the coefficient.
  const dc = ycc.slice(0, comps).map((v) => 8 * (Math.max(0, Math.min(255, Math.round(v))) - 128))
  const cats = [...new Set([0, ...dc.map(category)])]
  // DC table: category 0 → "0", the others → "10", "110", "1110".
  const dcCode = new Map<number, { code: number; len: number }>()
  cats.forEach((c, i) => dcCode.set(c, { code: i === 0 ? 0 : ((1 << (i + 1)) - 2) >>> 0, len: i + 1 }))
  const dcBits = Buffer.alloc(16)
  for (let i = 0; i < cats.length; i++) dcBits[i] = 1
  const dht = Buffer.concat([
    Buffer.from([0x00]),
    dcBits,
    Buffer.from(cats),
    Buffer.from([0x10]),
    Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    Buffer.from([0x00]) // AC table: only end-of-block, code "0"
  ])
  const sofData = [8, ...u16be(height), ...u16be(width), comps]
  if (grey) sofData.push(1, 0x11, 0)
  else sofData.push(1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0)
  const sosData = [comps]
  for (let c = 1; c <= comps; c++) sosData.push(c, 0x00)
  sosData.push(0, 63, 0)

  const bw = new BitWriter()
  const prev = [0, 0, 0]
  const block = (c: number): void => {
    const diff = (dc[c] ?? 0) - (prev[c] ?? 0)
    prev[c] = dc[c] ?? 0
    const cat = category(diff)
    const code = dcCode.get(cat)
    if (!code) throw new Error('no DC code')
    bw.write(code.code, code.len)
    if (cat > 0) bw.write(diff > 0 ? diff : diff + (1 << cat) - 1, cat)
    bw.write(0, 1) // EOB
  }
  if (grey) {
    const n = Math.ceil(width / 8) * Math.ceil(height / 8)
    for (let i = 0; i < n; i++) block(0)
  } else {
    const n = Math.ceil(width / 16) * Math.ceil(height / 16)
    for (let i = 0; i < n; i++) {
      block(0)
      block(0)
      block(0)
      block(0)
      block(1)
      block(2)
    }
  }
  const jfif = segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]))
  const soi = Buffer.from([0xff, 0xd8])
  const body = Buffer.concat([
    segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    segment(0xc0, Buffer.from(sofData)),
    segment(0xc4, dht),
    segment(0xda, Buffer.from(sosData)),
    bw.end(),
    Buffer.from([0xff, 0xd9])
  ])
  let pad = checkPad(soi.length + jfif.length + body.length, padTo)
  const coms: Part[] = []
  while (pad >= 4) {
    const n = Math.min(pad - 4, 65533)
    const rest = pad - 4 - n
    const take = rest > 0 && rest < 4 ? n - 4 : n // keep any remainder ≥ 4 so it fits a segment
    coms.push(Buffer.concat([Buffer.from([0xff, 0xfe]), u16be(take + 2)]), { fill: Buffer.from(' '), length: take })
    pad -= take + 4
  }
  const tail: Part[] = pad > 0 ? [Buffer.alloc(pad)] : [] // 1–3 bytes after EOI, ignored by decoders
  return blobOf([soi, jfif, ...coms, body, ...tail])
}

// ---------------------------------------------------------------------------------------------
// WAV (RIFF, PCM): 8 kHz, 8-bit mono, a quiet tone. Padding goes in a JUNK chunk.

export const WAV_RATE = 8000

/** A WAV of `seconds` (shortened when `padTo` is smaller than the natural size). */
export function wav(seconds: number, padTo?: number): MediaBlob {
  let samples = Math.max(1, Math.round(seconds * WAV_RATE))
  if (padTo !== undefined && padTo < 44 + samples) samples = Math.max(1, padTo - 44 - ((padTo - 44) & 1))
  const data = Buffer.alloc(samples + (samples & 1)) // chunks are word-aligned
  for (let i = 0; i < samples; i++) data[i] = 128 + Math.round(24 * Math.sin((2 * Math.PI * 440 * i) / WAV_RATE))
  if (samples & 1) data[samples] = 128
  let pad = checkPad(44 + data.length, padTo)
  const junk: Part[] = []
  if (pad >= 8) {
    const len = pad - 8 - ((pad - 8) & 1)
    junk.push(Buffer.concat([Buffer.from('JUNK', 'latin1'), u32le(len)]), { fill: Buffer.from([0]), length: len })
    pad -= 8 + len
  }
  const fmt = Buffer.alloc(16)
  fmt.writeUInt16LE(1, 0) // PCM
  fmt.writeUInt16LE(1, 2) // mono
  fmt.writeUInt32LE(WAV_RATE, 4)
  fmt.writeUInt32LE(WAV_RATE, 8) // byte rate
  fmt.writeUInt16LE(1, 12) // block align
  fmt.writeUInt16LE(8, 14) // bits per sample
  const junkBytes = junk.length > 0 ? 8 + (junk[1] as { length: number }).length : 0
  const riffSize = 4 + (8 + 16) + junkBytes + (8 + data.length)
  const head = Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(riffSize), Buffer.from('WAVEfmt ', 'latin1'), u32le(16), fmt])
  const tail: Part[] = pad > 0 ? [Buffer.alloc(pad)] : []
  return blobOf([head, ...junk, Buffer.from('data', 'latin1'), u32le(samples), data, ...tail])
}

// ---------------------------------------------------------------------------------------------
// MP4 with H.264 (ISO 14496-10 Baseline): the first frame is an IDR of I_PCM macroblocks (raw
// samples: no entropy coding needed), every later frame a P frame whose macroblocks are all skipped.

class Bits {
  private readonly out: number[] = []
  private acc = 0
  private n = 0
  u(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1)
      if (++this.n === 8) {
        this.out.push(this.acc)
        this.acc = 0
        this.n = 0
      }
    }
  }
  ue(v: number): void {
    const x = v + 1
    const len = 32 - Math.clz32(x)
    this.u(0, len - 1)
    this.u(x, len)
  }
  se(v: number): void {
    this.ue(v <= 0 ? -2 * v : 2 * v - 1)
  }
  aligned(): boolean {
    return this.n === 0
  }
  align0(): void {
    while (this.n !== 0) this.u(0, 1)
  }
  bytes(b: Uint8Array): void {
    if (this.n !== 0) throw new Error('not aligned')
    for (const x of b) this.out.push(x)
  }
  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): Buffer {
    this.u(1, 1)
    this.align0()
    return Buffer.from(this.out)
  }
}

/** NAL unit from an RBSP: header byte and emulation prevention (00 00 0x → 00 00 03 0x). */
function nal(header: number, rbsp: Buffer): Buffer {
  const out: number[] = [header]
  let zeros = 0
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3)
      zeros = 0
    }
    out.push(b)
    zeros = b === 0 ? zeros + 1 : 0
  }
  return Buffer.from(out)
}

function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([u32be(body.length + 8), Buffer.from(type, 'latin1'), body])
}
function fullBox(type: string, version: number, flags: number, ...content: Buffer[]): Buffer {
  return box(type, Buffer.from([version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]), ...content)
}
const MATRIX = Buffer.concat([u32be(0x10000), u32be(0), u32be(0), u32be(0), u32be(0x10000), u32be(0), u32be(0), u32be(0), u32be(0x40000000)])

export interface VideoSpec {
  /** Multiples of 16. */
  width: number
  height: number
  seconds: number
  fps?: number
  rgb: Rgb
}

/** An MP4 (moov before mdat), padded with a top-level `free` box to `padTo` bytes when larger. */
export function mp4(spec: VideoSpec, padTo?: number): MediaBlob {
  const { width, height, seconds, rgb } = spec
  const fps = spec.fps ?? 10
  if (width % 16 !== 0 || height % 16 !== 0 || width < 16 || height < 16 || width > 1920 || height > 1920) throw new Error('video size must be multiples of 16')
  const mbW = width / 16
  const mbH = height / 16
  const frames = Math.max(1, Math.round(seconds * fps))
  const level = 30

  const sps = new Bits()
  sps.u(66, 8) // profile_idc: Baseline
  sps.u(0xc0, 8) // constraint_set0 and set1 (constrained baseline)
  sps.u(level, 8)
  sps.ue(0) // seq_parameter_set_id
  sps.ue(0) // log2_max_frame_num_minus4 → frame_num has 4 bits
  sps.ue(2) // pic_order_cnt_type 2: output order = decoding order
  sps.ue(1) // max_num_ref_frames
  sps.u(0, 1) // gaps_in_frame_num_value_allowed_flag
  sps.ue(mbW - 1)
  sps.ue(mbH - 1)
  sps.u(1, 1) // frame_mbs_only_flag
  sps.u(1, 1) // direct_8x8_inference_flag
  sps.u(0, 1) // frame_cropping_flag
  sps.u(0, 1) // vui_parameters_present_flag
  const spsNal = nal(0x67, sps.trailing())

  const pps = new Bits()
  pps.ue(0) // pic_parameter_set_id
  pps.ue(0) // seq_parameter_set_id
  pps.u(0, 1) // entropy_coding_mode_flag: CAVLC
  pps.u(0, 1) // bottom_field_pic_order_in_frame_present_flag
  pps.ue(0) // num_slice_groups_minus1
  pps.ue(0) // num_ref_idx_l0_default_active_minus1
  pps.ue(0) // num_ref_idx_l1_default_active_minus1
  pps.u(0, 1) // weighted_pred_flag
  pps.u(0, 2) // weighted_bipred_idc
  pps.se(0) // pic_init_qp_minus26
  pps.se(0) // pic_init_qs_minus26
  pps.se(0) // chroma_qp_index_offset
  pps.u(1, 1) // deblocking_filter_control_present_flag
  pps.u(0, 1) // constrained_intra_pred_flag
  pps.u(0, 1) // redundant_pic_cnt_present_flag
  const ppsNal = nal(0x68, pps.trailing())

  const clamp = (v: number): number => Math.max(1, Math.min(254, Math.round(v)))
  const [r, g, b] = rgb
  const y0 = clamp(0.257 * r + 0.504 * g + 0.098 * b + 16)
  const cb = clamp(-0.148 * r - 0.291 * g + 0.439 * b + 128)
  const cr = clamp(0.439 * r - 0.368 * g - 0.071 * b + 128)

  const idr = new Bits()
  idr.ue(0) // first_mb_in_slice
  idr.ue(7) // slice_type I (all slices)
  idr.ue(0) // pic_parameter_set_id
  idr.u(0, 4) // frame_num
  idr.ue(0) // idr_pic_id
  idr.u(0, 1) // no_output_of_prior_pics_flag
  idr.u(0, 1) // long_term_reference_flag
  idr.se(0) // slice_qp_delta
  idr.ue(1) // disable_deblocking_filter_idc
  const luma = new Uint8Array(256)
  const chroma = new Uint8Array(128)
  for (let mb = 0; mb < mbW * mbH; mb++) {
    // A horizontal gradient of brightness across macroblock columns, so the frame is not blank.
    const col = mb % mbW
    luma.fill(clamp(y0 + ((col - mbW / 2) * 40) / mbW))
    chroma.fill(cb, 0, 64)
    chroma.fill(cr, 64, 128)
    idr.ue(25) // mb_type I_PCM
    idr.align0() // pcm_alignment_zero_bit
    idr.bytes(luma)
    idr.bytes(chroma)
  }
  const samples: Buffer[] = [nal(0x65, idr.trailing())]
  for (let f = 1; f < frames; f++) {
    const p = new Bits()
    p.ue(0) // first_mb_in_slice
    p.ue(5) // slice_type P (all slices)
    p.ue(0) // pic_parameter_set_id
    p.u(f % 16, 4) // frame_num
    p.u(0, 1) // num_ref_idx_active_override_flag
    p.u(0, 1) // ref_pic_list_modification_flag_l0
    p.u(0, 1) // adaptive_ref_pic_marking_mode_flag
    p.se(0) // slice_qp_delta
    p.ue(1) // disable_deblocking_filter_idc
    p.ue(mbW * mbH) // mb_skip_run: every macroblock copies the reference
    samples.push(nal(0x41, p.trailing()))
  }
  const sampleData = samples.map((s) => Buffer.concat([u32be(s.length), s]))
  const mdatBody = Buffer.concat(sampleData)

  const timescale = 1000
  const delta = Math.round(timescale / fps)
  const duration = delta * frames
  const avcC = box('avcC', Buffer.from([1, 66, 0xc0, level, 0xff, 0xe1]), u16be(spsNal.length), spsNal, Buffer.from([1]), u16be(ppsNal.length), ppsNal)
  const avc1 = box(
    'avc1',
    Buffer.alloc(6),
    u16be(1), // data_reference_index
    Buffer.alloc(16),
    u16be(width),
    u16be(height),
    u32be(0x00480000),
    u32be(0x00480000),
    u32be(0),
    u16be(1), // frame_count
    Buffer.alloc(32), // compressorname
    u16be(0x18),
    Buffer.from([0xff, 0xff]),
    avcC
  )
  const build = (chunkOffset: number): Buffer => {
    const stbl = box(
      'stbl',
      fullBox('stsd', 0, 0, u32be(1), avc1),
      fullBox('stts', 0, 0, u32be(1), u32be(frames), u32be(delta)),
      fullBox('stss', 0, 0, u32be(1), u32be(1)),
      fullBox('stsc', 0, 0, u32be(1), u32be(1), u32be(frames), u32be(1)),
      fullBox('stsz', 0, 0, u32be(0), u32be(frames), ...sampleData.map((s) => u32be(s.length))),
      fullBox('stco', 0, 0, u32be(1), u32be(chunkOffset))
    )
    const minf = box('minf', fullBox('vmhd', 0, 1, Buffer.alloc(8)), box('dinf', fullBox('dref', 0, 0, u32be(1), fullBox('url ', 0, 1))), stbl)
    const mdia = box(
      'mdia',
      fullBox('mdhd', 0, 0, u32be(0), u32be(0), u32be(timescale), u32be(duration), u16be(0x55c4), u16be(0)),
      fullBox('hdlr', 0, 0, u32be(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('VideoHandler\0', 'latin1')),
      minf
    )
    const tkhd = fullBox(
      'tkhd',
      0,
      3,
      u32be(0),
      u32be(0),
      u32be(1),
      u32be(0),
      u32be(duration),
      Buffer.alloc(8),
      u16be(0),
      u16be(0),
      u16be(0),
      u16be(0),
      MATRIX,
      u32be(width << 16),
      u32be(height << 16)
    )
    const mvhd = fullBox(
      'mvhd',
      0,
      0,
      u32be(0),
      u32be(0),
      u32be(timescale),
      u32be(duration),
      u32be(0x10000),
      u16be(0x100),
      Buffer.alloc(10),
      MATRIX,
      Buffer.alloc(24),
      u32be(2)
    )
    return box('moov', mvhd, box('trak', tkhd, mdia))
  }
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32be(512), Buffer.from('isomiso2avc1mp41', 'latin1'))
  const moovLen = build(0).length
  const moov = build(ftyp.length + moovLen + 8)
  const pad = checkPad(ftyp.length + moov.length + 8 + mdatBody.length, padTo)
  // Under 8 bytes is too small for a box: those go at the end of mdat, where bytes no sample
  // references are allowed.
  const inMdat = pad < 8 ? pad : 0
  const head = Buffer.concat([ftyp, moov, u32be(mdatBody.length + inMdat + 8), Buffer.from('mdat', 'latin1'), mdatBody, Buffer.alloc(inMdat)])
  if (pad < 8) return blobOf([head])
  if (pad > 0xffffffff) throw new Error('video padding over 4 GB')
  return blobOf([head, Buffer.concat([u32be(pad), Buffer.from('free', 'latin1')]), { fill: Buffer.from([0]), length: pad - 8 }])
}

// ---------------------------------------------------------------------------------------------
// Documents

/** A one-page PDF 1.4 with a line of text; padding is whitespace between the header and the objects. */
export function pdf(title: string, padTo?: number): MediaBlob {
  const safe = title.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '')
  const stream = `BT /F1 18 Tf 72 720 Td (${safe}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
  ]
  const header = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const build = (padding: number): { head: Buffer; body: Buffer } => {
    let body = ''
    const offsets: number[] = []
    const base = header.length + padding
    objects.forEach((o, i) => {
      offsets.push(base + body.length)
      body += `${i + 1} 0 obj\n${o}\nendobj\n`
    })
    const xref = base + body.length
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
    for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
    return { head: Buffer.from(header, 'latin1'), body: Buffer.from(body, 'latin1') }
  }
  const natural = build(0)
  const naturalSize = natural.head.length + natural.body.length
  const pad = checkPad(naturalSize, padTo)
  if (pad === 0) return blobOf([natural.head, natural.body])
  // The xref entries have a fixed width, but the startxref number grows with the padding: shrink the
  // padding by the digits it adds (at most a few rounds).
  let fill = pad
  for (let round = 0; round < 4; round++) {
    const padded = build(fill)
    const total = padded.head.length + fill + padded.body.length
    if (total === padTo) return blobOf([padded.head, { fill: Buffer.from('\n'), length: fill }, padded.body])
    fill -= total - (padTo ?? total)
    if (fill < 0) break
  }
  return blobOf([natural.head, natural.body, Buffer.alloc(pad)]) // unreachable in practice: bytes after %%EOF
}

/** Plain UTF-8 text: `text`, then its lines repeated to `padTo` bytes when given and larger. */
export function txt(text: string, padTo?: number): MediaBlob {
  const b = Buffer.from(text, 'utf8')
  const pad = checkPad(b.length, padTo)
  return blobOf(pad === 0 ? [b] : [b, { fill: Buffer.from('All work and no play. 只工作不玩耍。\n', 'utf8'), length: pad }])
}

const zipCrcCache = new Map<string, number>()

/**
 * A ZIP with one stored entry `name` (`text`, then filler to reach `padTo` when given). The entry's
 * CRC is computed over the filler once per size (a stream, never a buffer of that size).
 */
export function zip(name: string, text: string, padTo?: number): MediaBlob {
  const nameB = Buffer.from(name, 'utf8')
  const content = Buffer.from(text, 'utf8')
  const overhead = 30 + nameB.length + 46 + nameB.length + 22
  const pad = checkPad(overhead + content.length, padTo)
  const filler = Buffer.from('0123456789abcdef\n', 'latin1')
  const dataParts: Part[] = pad > 0 ? [content, { fill: filler, length: pad }] : [content]
  const size = content.length + pad
  if (size > 0xfffffffe) throw new Error('zip entry over 4 GB')
  const key = `${content.toString('base64')}:${pad}`
  let crc = zipCrcCache.get(key)
  if (crc === undefined) {
    crc = 0
    for (const c of readBlob(blobOf(dataParts))) crc = crc32(c, crc)
    zipCrcCache.set(key, crc)
  }
  const flags = 0x0800 // UTF-8 names
  const local = Buffer.concat([
    u32le(0x04034b50),
    u16le(10),
    u16le(flags),
    u16le(0),
    u16le(0),
    u16le(0x21),
    u32le(crc),
    u32le(size),
    u32le(size),
    u16le(nameB.length),
    u16le(0),
    nameB
  ])
  const central = Buffer.concat([
    u32le(0x02014b50),
    u16le(20),
    u16le(10),
    u16le(flags),
    u16le(0),
    u16le(0),
    u16le(0x21),
    u32le(crc),
    u32le(size),
    u32le(size),
    u16le(nameB.length),
    u16le(0),
    u16le(0),
    u16le(0),
    u16le(0),
    u32le(0),
    u32le(0),
    nameB
  ])
  const eocd = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), u16le(1), u16le(1), u32le(central.length), u32le(local.length + size), u16le(0)])
  return blobOf([local, ...dataParts, central, eocd])
}

/** `length` bytes of filler (an opaque binary file), generated while streaming. */
export function filler(length: number): MediaBlob {
  return blobOf([{ fill: Buffer.from('SIMULATED-COS-OBJECT/0123456789\n', 'latin1'), length }])
}
