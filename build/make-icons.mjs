// `npm run icons`: renders build/icon.svg, the one icon source, to every size the installers need.
//   build/icons/NxN.png  Linux (AppImage, deb): electron-builder picks sizes from this folder
//   build/icon.png       1024 px: macOS (electron-builder makes the .icns from a png of 512 px or more)
//   build/icon.ico       Windows (nsis): PNG-compressed entries, 16 to 256 px
// resvg (@resvg/resvg-js) renders SVG without a browser or native toolchain, the same on every OS.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Resvg } from '@resvg/resvg-js'

const here = dirname(fileURLToPath(import.meta.url))
const linuxSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const icoSizes = [16, 24, 32, 48, 64, 128, 256]

const svg = await readFile(join(here, 'icon.svg'))
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng()

await mkdir(join(here, 'icons'), { recursive: true })
const pngs = new Map()
for (const size of linuxSizes) {
  const png = render(size)
  pngs.set(size, png)
  await writeFile(join(here, 'icons', `${size}x${size}.png`), png)
}
await writeFile(join(here, 'icon.png'), pngs.get(1024))
await writeFile(join(here, 'icon.ico'), ico(icoSizes.map((s) => [s, pngs.get(s) ?? render(s)])))
process.stdout.write(`icons: ${linuxSizes.length} Linux sizes, icon.png (1024), icon.ico (${icoSizes.join(', ')})\n`)

/** An ICO file whose entries are PNG images (supported since Windows Vista). */
function ico(entries) {
  const header = Buffer.alloc(6 + 16 * entries.length)
  header.writeUInt16LE(0, 0) // reserved
  header.writeUInt16LE(1, 2) // 1 = icon
  header.writeUInt16LE(entries.length, 4)
  let offset = header.length
  entries.forEach(([size, png], i) => {
    const at = 6 + 16 * i
    header.writeUInt8(size >= 256 ? 0 : size, at) // width; 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, at + 1) // height
    header.writeUInt8(0, at + 2) // no palette
    header.writeUInt8(0, at + 3) // reserved
    header.writeUInt16LE(1, at + 4) // colour planes
    header.writeUInt16LE(32, at + 6) // bits per pixel
    header.writeUInt32LE(png.length, at + 8)
    header.writeUInt32LE(offset, at + 12)
    offset += png.length
  })
  return Buffer.concat([header, ...entries.map(([, png]) => png)])
}
