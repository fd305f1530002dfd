/**
 * Sniffing: the type a saved file is served and exported as comes from its bytes. A lying
 * Content-Type cannot make a page display inline, and HTML or SVG never display at all.
 */
import { describe, expect, it } from 'vitest'
import { OCTET_STREAM, SNIFF_BYTES, chromiumPlays, displaysInline, sniff } from '../../../src-main/shared/media/sniff'

const b = (...parts: (string | number[])[]): Uint8Array => {
  const out: number[] = []
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0))
    else out.push(...p)
  }
  while (out.length < SNIFF_BYTES) out.push(0)
  return Uint8Array.from(out)
}

function bmp(): Uint8Array {
  const h = b('BM', [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0])
  return h
}

describe('sniffing a file type from its first bytes', () => {
  it.each([
    ['JPEG', b([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg', 'jpg'],
    ['PNG', b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png', 'png'],
    ['GIF', b('GIF89a'), 'image/gif', 'gif'],
    ['GIF87a', b('GIF87a'), 'image/gif', 'gif'],
    ['WebP', b('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp', 'webp'],
    ['BMP', bmp(), 'image/bmp', 'bmp'],
    ['MP4', b([0, 0, 0, 0x20], 'ftypisom'), 'video/mp4', 'mp4'],
    ['MOV', b([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime', 'mov'],
    ['M4A', b([0, 0, 0, 0x20], 'ftypM4A '), 'audio/mp4', 'm4a'],
    ['HEIC (an iPhone photo, not a video)', b([0, 0, 0, 0x18], 'ftypheic'), 'image/heic', 'heic'],
    ['HEIF', b([0, 0, 0, 0x18], 'ftypmif1'), 'image/heic', 'heic'],
    ['AVIF', b([0, 0, 0, 0x1c], 'ftypavif'), 'image/avif', 'avif'],
    ['TIFF', b([0x49, 0x49, 0x2a, 0x00]), 'image/tiff', 'tif'],
    ['WebM', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'), 'video/webm', 'webm'],
    ['Matroska', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88], 'matroska'), 'video/x-matroska', 'mkv'],
    ['MP3 with ID3', b('ID3', [3, 0]), 'audio/mpeg', 'mp3'],
    ['MP3 frame', b([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg', 'mp3'],
    ['AAC (ADTS)', b([0xff, 0xf1, 0x50, 0x80]), 'audio/aac', 'aac'],
    ['OGG', b('OggS', [0, 2]), 'audio/ogg', 'ogg'],
    ['WAV', b('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), 'audio/wav', 'wav'],
    ['AMR', b('#!AMR\n'), 'audio/amr', 'amr'],
    ['AMR-WB', b('#!AMR-WB\n'), 'audio/amr-wb', 'awb'],
    ['SILK', b('#!SILK_V3'), 'audio/silk', 'silk'],
    ['SILK after 0x02 (Tencent voice)', b([0x02], '#!SILK_V3'), 'audio/silk', 'silk'],
    ['PDF', b('%PDF-1.7'), 'application/pdf', 'pdf'],
    ['ZIP', b('PK', [3, 4, 20, 0]), 'application/zip', 'zip']
  ])('recognises %s', (_name, head, mime, ext) => {
    expect(sniff(head)).toEqual({ mime, ext })
  })

  it('calls anything else application/octet-stream, HTML and SVG included', () => {
    for (const text of [
      '<!DOCTYPE html><script>alert(1)</script>',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>',
      '<?xml version="1.0"?><svg/>',
      'hello',
      'BMnot a bitmap at all....',
      ''
    ]) {
      expect(sniff(new TextEncoder().encode(text))).toEqual(OCTET_STREAM)
    }
    expect(sniff(new Uint8Array([0xff]))).toEqual(OCTET_STREAM)
  })

  it('does not read past the end of a short file', () => {
    expect(sniff(new Uint8Array([0xff, 0xd8]))).toEqual(OCTET_STREAM)
    expect(sniff(new TextEncoder().encode('RIFF'))).toEqual(OCTET_STREAM)
    expect(sniff(new TextEncoder().encode('\0\0\0\x20ftyp'))).toEqual(OCTET_STREAM)
  })
})

describe('what may display inline', () => {
  it('allows raster images, audio and video', () => {
    for (const m of [
      'image/jpeg',
      'image/png',
      'image/gif',
      'image/webp',
      'image/bmp',
      'audio/mpeg',
      'audio/aac',
      'audio/ogg',
      'audio/wav',
      'audio/silk',
      'video/mp4',
      'video/webm',
      'VIDEO/MP4; codecs=avc1'
    ]) {
      expect(displaysInline(m), m).toBe(true)
    }
  })

  it('never allows HTML, SVG, XML, PDF, scripts or unknown bytes', () => {
    for (const m of [
      'text/html',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/pdf',
      'application/javascript',
      'text/plain',
      'application/octet-stream',
      'application/zip',
      ''
    ]) {
      expect(displaysInline(m), m).toBe(false)
    }
  })

  it('knows Chromium cannot play AMR or SILK voice, so the UI offers Save', () => {
    expect(chromiumPlays('audio/silk')).toBe(false)
    expect(chromiumPlays('audio/amr')).toBe(false)
    expect(chromiumPlays('image/heic')).toBe(false)
    expect(chromiumPlays('audio/mpeg')).toBe(true)
    expect(chromiumPlays('image/avif')).toBe(true)
    expect(chromiumPlays('text/html')).toBe(false)
  })
})
