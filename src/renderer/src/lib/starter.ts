// The scenario shown when resources/examples holds none.
export const STARTER = `# A memmap-workbench scenario. Edit it: the boot log, totals and map follow.
name: New layout
kernel: "6.1"
arch: x86_64
firmware:
  kind: e820
  map:
    - { start: 0x0, size: 0x9fc00, type: usable }
    - { start: 0x9fc00, size: 0x400, type: reserved }
    - { start: 0xf0000, size: 0x10000, type: reserved }
    - { start: 0x100000, end: 0x7ffe0000, type: usable }
    - { start: 0x7ffe0000, end: 0x80000000, type: reserved }
    - { start: 0xfeffc000, size: 0x4000, type: reserved }
`
