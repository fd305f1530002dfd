// The simulator's media encoders: valid files of exactly the declared size, checked by independent readers.
import { describe, expect, test } from 'vitest'
import { blobBytes, colourOf, crc32, gif, jpeg, mp4, pdf, png, readBlob, txt, wav, zip, filler } from '../../../tools/sim/media/encode'
import { parseRange } from '../../../tools/sim/media/cos'
import { readGif, readJpeg, readMp4, readPdf, readPng, readWav, readZip } from './media-parse'

const EXTRA = [0, 1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 255, 256, 257, 258, 65_533, 65_537, 65_540, 200_001]
const red = [200, 30, 40] as const

describe('encoders pad to any size exactly and stay valid', () => {
  test('PNG', () => {
    const natural = png(33, 17, red).size
    for (const x of EXTRA) {
      const b = blobBytes(png(33, 17, red, natural + x))
      expect(b.length, `+${x}`).toBe(natural + x)
      expect(readPng(b)).toMatchObject({ width: 33, height: 17 })
    }
  })

  test('GIF (the LZW stream decodes to every pixel)', () => {
    for (const [w, h] of [
      [1, 1],
      [198, 111],
      [640, 480]
    ] as const) {
      const natural = gif(w, h, red).size
      for (const x of EXTRA) {
        const b = blobBytes(gif(w, h, red, natural + x))
        expect(b.length, `${w}×${h} +${x}`).toBe(natural + x)
        expect(readGif(b)).toEqual({ width: w, height: h, pixels: w * h })
      }
    }
  })

  test('JPEG, colour and greyscale: the scan decodes to every block with the flat colour', () => {
    for (const grey of [false, true]) {
      for (const [w, h] of [
        [1, 1],
        [17, 9],
        [198, 149],
        [720, 1280]
      ] as const) {
        const natural = jpeg(w, h, red, undefined, grey).size
        for (const x of EXTRA) {
          const b = blobBytes(jpeg(w, h, red, natural + x, grey))
          expect(b.length, `${w}×${h} +${x}`).toBe(natural + x)
          const j = readJpeg(b)
          expect(j).toMatchObject({ width: w, height: h, components: grey ? 1 : 3 })
          // Luma of (200, 30, 40) is 81.97 → level-shifted DC 8 × (82 − 128).
          expect(j.dc[0]).toBe(8 * (82 - 128))
        }
      }
    }
  })

  test('WAV: 8 kHz 8-bit mono; shortened when declared smaller than its seconds', () => {
    expect(readWav(blobBytes(wav(3)))).toMatchObject({ rate: 8000, seconds: 3 })
    for (const size of [44 + 24_000, 44 + 24_000 + 9, 44 + 24_000 + 10, 5_001, 100]) {
      const b = blobBytes(wav(3, size))
      expect(b.length, String(size)).toBe(size)
      readWav(b)
    }
  })

  test('MP4 with H.264: boxes cover the file, sample table points into mdat, free box pads', () => {
    const spec = { width: 128, height: 96, seconds: 2, rgb: colourOf('x') }
    const natural = mp4(spec).size
    for (const x of [0, 3, 8, 9, 1_000_000]) {
      const b = blobBytes(mp4(spec, natural + x))
      expect(b.length).toBe(natural + x)
      const v = readMp4(b)
      expect(v).toMatchObject({ width: 128, height: 96, samples: 20, durationMs: 2000, brand: 'isom' })
      if (x >= 8) expect(v.boxes).toEqual(['ftyp', 'moov', 'mdat', 'free'])
    }
    expect(() => mp4({ ...spec, width: 100 })).toThrow()
  })

  test('PDF, ZIP and text', () => {
    const p0 = pdf('设计评审 Design review.pdf').size
    for (const x of [0, 1, 100, 70_000]) {
      const b = blobBytes(pdf('设计评审 Design review.pdf', p0 + x))
      expect(b.length).toBe(p0 + x)
      expect(readPdf(b).objects).toBe(5)
    }
    const z0 = zip('README.txt', 'hello').size
    for (const x of [0, 1, 300_000]) {
      const b = blobBytes(zip('README.txt', 'hello', z0 + x))
      expect(b.length).toBe(z0 + x)
      expect(readZip(b)).toEqual({ names: ['README.txt'], size: 5 + x })
    }
    expect(blobBytes(txt('hi\n', 1234)).length).toBe(1234)
    expect(blobBytes(filler(100_000)).length).toBe(100_000)
  })
})

describe('streaming', () => {
  test('any byte range of a blob equals the same slice of the whole', () => {
    const b = zip('README.txt', 'hello', 300_000)
    const whole = blobBytes(b)
    for (const [s, e] of [
      [0, 1],
      [29, 31],
      [65_530, 131_100],
      [299_000, 300_000]
    ] as const) {
      expect(Buffer.concat([...readBlob(b, s, e)]).equals(whole.subarray(s, e)), `${s}-${e}`).toBe(true)
    }
  })

  test('a 150 MB blob is described by a few bytes', () => {
    const b = filler(150 * 1024 * 1024)
    expect(b.size).toBe(150 * 1024 * 1024)
    expect(b.parts.filter((p) => Buffer.isBuffer(p))).toHaveLength(0)
  })

  test('CRC-32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  })

  test('Range header parsing', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual([0, 10])
    expect(parseRange('bytes=90-', 100)).toEqual([90, 100])
    expect(parseRange('bytes=-5', 100)).toEqual([95, 100])
    expect(parseRange('bytes=95-200', 100)).toEqual([95, 100])
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull()
    expect(parseRange('items=0-1', 100)).toBeNull()
  })
})
