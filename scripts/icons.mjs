#!/usr/bin/env node
// The app's icons for packaging (electron-builder.yml: build/icons, NxN.png as Linux
// desktops want them), rendered from build/icon.svg with resvg. Run after editing the SVG:
//   node scripts/icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Resvg } from '@resvg/resvg-js'

const root = join(import.meta.dirname, '..')
const svg = readFileSync(join(root, 'build/icon.svg'), 'utf8')
mkdirSync(join(root, 'build/icons'), { recursive: true })
for (const n of [16, 32, 48, 64, 128, 256, 512]) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: n } }).render().asPng()
  writeFileSync(join(root, `build/icons/${n}x${n}.png`), png)
}
console.log('build/icons: 16 … 512 px')
