// Number formatting for the views.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** 1024-based size: `640 KiB`, `3 GiB`, `2.75 GiB`. */
export function size(bytes: number): string {
  let v = bytes
  let u = 0
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024
    u++
  }
  const s = Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1).replace(/\.?0+$/, '')
  return `${s} ${UNITS[u]}`
}

export function hex(n: number, width = 0): string {
  return '0x' + n.toString(16).padStart(width, '0')
}
