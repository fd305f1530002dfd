/**
 * What a downloaded file really is, from its first bytes (magic numbers), whatever the server's
 * Content-Type said. Anyone in a group can craft a message, and a COS object can hold any bytes,
 * so the type we serve and export is the one sniffed here (issue 17 §1 "Check each download").
 *
 * Only types this module recognises get a specific type; everything else is
 * application/octet-stream. HTML and SVG are deliberately never recognised: a file that is really a
 * page or a script-bearing SVG stays an opaque download and is never rendered (issue 17 §2).
 */

/** How many leading bytes `sniff` looks at. Callers keep this many from the start of a download. */
export const SNIFF_BYTES = 64

export interface Sniffed {
  /** The media type we will serve and record, e.g. `image/png`. */
  mime: string
  /** A file-name extension without the dot, for exports and "Save as…". */
  ext: string
}

export const OCTET_STREAM: Sniffed = { mime: 'application/octet-stream', ext: 'bin' }

function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (b.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false
  return true
}

function bytes(b: Uint8Array, at: number, sig: readonly number[]): boolean {
  if (b.length < at + sig.length) return false
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false
  return true
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000
}

/** Major brands of HEIF images (ISO/IEC 23008-12): HEVC-coded stills and sequences, and the generic ones. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1'])

/** Sizes of the BMP info headers that exist (BITMAPCOREHEADER … BITMAPV5HEADER). */
const BMP_DIB_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124])

function containsAscii(b: Uint8Array, text: string, limit: number): boolean {
  const end = Math.min(b.length, limit) - text.length
  for (let i = 0; i <= end; i++) if (ascii(b, i, text)) return true
  return false
}

/** The type of a file from its first bytes (pass at least SNIFF_BYTES when the file is that long). */
export function sniff(head: Uint8Array): Sniffed {
  const b = head
  if (bytes(b, 0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', ext: 'jpg' }
  if (bytes(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', ext: 'png' }
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { mime: 'image/gif', ext: 'gif' }
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { mime: 'image/webp', ext: 'webp' }
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { mime: 'audio/wav', ext: 'wav' }
  // "BM" alone is too weak (any text starting "BM…"); the info-header size at offset 14 must be real.
  if (ascii(b, 0, 'BM') && b.length >= 18 && BMP_DIB_SIZES.has(u32le(b, 14))) return { mime: 'image/bmp', ext: 'bmp' }
  // ISO base media (MP4, MOV, M4A, 3GP): a box of type "ftyp" first; the major brand says which.
  if (ascii(b, 4, 'ftyp') && b.length >= 12) {
    const brand = String.fromCharCode(b[8]!, b[9]!, b[10]!, b[11]!)
    // HEIF/HEIC (iPhone photos) and AVIF are images in the same box format, not videos.
    if (brand === 'avif' || brand === 'avis') return { mime: 'image/avif', ext: 'avif' }
    if (HEIF_BRANDS.has(brand)) return { mime: 'image/heic', ext: 'heic' }
    if (brand === 'qt  ') return { mime: 'video/quicktime', ext: 'mov' }
    if (brand === 'M4A ' || brand === 'M4B ') return { mime: 'audio/mp4', ext: 'm4a' }
    if (brand.startsWith('3g')) return { mime: 'video/3gpp', ext: '3gp' }
    return { mime: 'video/mp4', ext: 'mp4' }
  }
  if (bytes(b, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML; the DocType element says WebM or Matroska, early in the header.
    return containsAscii(b, 'webm', SNIFF_BYTES) ? { mime: 'video/webm', ext: 'webm' } : { mime: 'video/x-matroska', ext: 'mkv' }
  }
  if (bytes(b, 0, [0x49, 0x49, 0x2a, 0x00]) || bytes(b, 0, [0x4d, 0x4d, 0x00, 0x2a])) return { mime: 'image/tiff', ext: 'tif' }
  if (ascii(b, 0, 'OggS')) return { mime: 'audio/ogg', ext: 'ogg' }
  if (ascii(b, 0, '#!AMR-WB\n')) return { mime: 'audio/amr-wb', ext: 'awb' }
  if (ascii(b, 0, '#!AMR\n')) return { mime: 'audio/amr', ext: 'amr' }
  // Tencent's voice messages: SILK v3, written by WeChat/QQ-family encoders with a leading 0x02 byte.
  if (ascii(b, 0, '#!SILK_V3') || (b[0] === 0x02 && ascii(b, 1, '#!SILK_V3'))) return { mime: 'audio/silk', ext: 'silk' }
  if (ascii(b, 0, '%PDF-')) return { mime: 'application/pdf', ext: 'pdf' }
  if (ascii(b, 0, 'PK') && (bytes(b, 2, [3, 4]) || bytes(b, 2, [5, 6]) || bytes(b, 2, [7, 8]))) return { mime: 'application/zip', ext: 'zip' }
  if (ascii(b, 0, 'ID3')) return { mime: 'audio/mpeg', ext: 'mp3' }
  if (b.length >= 2 && b[0] === 0xff) {
    const b1 = b[1]!
    // 12-bit sync 0xFFF and layer bits 00: an ADTS (AAC) frame header.
    if ((b1 & 0xf6) === 0xf0) return { mime: 'audio/aac', ext: 'aac' }
    // 11-bit sync, a valid version (not 01) and layer (not 00): an MPEG audio frame (MP3).
    if ((b1 & 0xe0) === 0xe0 && ((b1 >> 3) & 3) !== 1 && ((b1 >> 1) & 3) !== 0) return { mime: 'audio/mpeg', ext: 'mp3' }
  }
  return OCTET_STREAM
}

/** Raster image types we display. SVG is not here on purpose: it can carry script. */
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/avif', 'image/heic', 'image/tiff'])
const INLINE_AUDIO = new Set(['audio/mpeg', 'audio/aac', 'audio/mp4', 'audio/ogg', 'audio/wav', 'audio/amr', 'audio/amr-wb', 'audio/silk'])
const INLINE_VIDEO = new Set(['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska', 'video/3gpp'])

/**
 * Whether a file of this (sniffed) type may be served for display in the page (inline), rather than
 * only as a download. Only raster images, audio and video: never HTML, SVG, PDF, XML or anything
 * unknown, which could run script in the app's origin (issue 17 §2 "Serving to the renderer").
 */
export function displaysInline(mime: string): boolean {
  const m = mime.toLowerCase().split(';')[0]!.trim()
  return INLINE_IMAGES.has(m) || INLINE_AUDIO.has(m) || INLINE_VIDEO.has(m)
}

/** Types that may display inline but that Chromium cannot decode; the UI offers Save instead. */
const CHROMIUM_CANNOT_PLAY = new Set(['image/heic', 'image/tiff', 'audio/amr', 'audio/amr-wb', 'audio/silk', 'video/3gpp'])

/** Whether Chromium can render or play this type (false for AMR and SILK voice, for instance). */
export function chromiumPlays(mime: string): boolean {
  return displaysInline(mime) && !CHROMIUM_CANNOT_PLAY.has(mime.toLowerCase().split(';')[0]!.trim())
}
