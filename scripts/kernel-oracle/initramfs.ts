/**
 * A tiny initramfs that makes the booted kernel print its own computed state after the
 * boot log: Debian's static busybox as /bin/busybox, /dev/console, and the /init script
 * below. Written as a newc cpio archive by hand (no cpio binary, no root needed for the
 * device node), gzip-compressed, deterministic for the same busybox.
 *
 * What /init prints, each section between `MW-STATE <name> BEGIN` and
 * `MW-STATE <name> END <md5 of the body>` so the recorder can tell a lost byte:
 *   zoneinfo   /proc/zoneinfo's layout lines: each `Node N, zone Z` header with its
 *              pages free, spanned, present, managed, cma and start_pfn
 *   vmstat     /proc/vmstat
 *   blocks     /sys/devices/system/memory: block_size_bytes, then per block
 *              `memoryN phys_index state valid_zones nodeN`
 *   iomem      /proc/iomem (root: real addresses)
 *   zoneinfo-full   the whole /proc/zoneinfo, as the kernel prints it
 *   firmware-memmap `grep .` of /sys/firmware/memmap/N/{end,start,type} as path:value
 *              (x86: the e820 table as firmware gave it, drivers/firmware/memmap.c;
 *              absent where the kernel has no such directory)
 *   memory-sysfs    what util-linux lsmem reads from /sys/devices/system/memory:
 *              `grep .` of block_size_bytes and each memoryN's state, phys_index,
 *              phys_device, removable and valid_zones, then `ls -d` of the nodeN links
 *   memblock-memory, memblock-reserved   debugfs, where the kernel keeps memblock
 *   dmesg      the kernel's log as `dmesg` prints it, KERN_DEBUG lines included (the
 *              console shows only what the loglevel lets through): what users paste
 *   hvo        HugeTLB vmemmap optimisation measured: the sysctl's default, then with it
 *              on, nr_memmap_boot_pages / nr_memmap_pages before and after allocating
 *              2 MiB and 1 GiB pages through nr_hugepages (and after freeing them)
 * then `MW-STATE DONE` and poweroff (with `mw_hold` on the kernel command line /init
 * sleeps instead, so the host can take a memory dump of the running guest).
 */
import { gzipSync } from 'node:zlib'

export const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /tmp /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# keep kernel messages off the console while the state is printed
echo 1 > /proc/sys/kernel/printk
cd /tmp
section() {
  name=$1; shift
  "$@" > /tmp/s 2>/dev/null
  echo "MW-STATE $name BEGIN"
  cat /tmp/s
  echo "MW-STATE $name END $(md5sum < /tmp/s | cut -d' ' -f1)"
}
vm() { grep -E "^$1 " /proc/vmstat | cut -d' ' -f2; }
blocks() {
  echo "block_size_bytes $(cat /sys/devices/system/memory/block_size_bytes)"
  for m in /sys/devices/system/memory/memory*; do
    n=$(ls -d $m/node* 2>/dev/null | sed 's,.*/,,' | tr '\\n' ' ')
    echo "$(basename $m) $(cat $m/phys_index) $(cat $m/state) $(cat $m/valid_zones 2>/dev/null | tr '\\n' ' ')| $n"
  done
}
# subshells, so their cd stays inside them; grep prints each file as path:contents
fwmemmap() ( cd /sys/firmware/memmap && grep . */* )
memory_sysfs() (
  cd /sys/devices/system/memory || exit 0
  grep . block_size_bytes memory*/state memory*/phys_index memory*/phys_device memory*/removable memory*/valid_zones
  ls -d memory*/node*
)
hvo_one() {
  kb=$1; want=$2; d=/sys/kernel/mm/hugepages/hugepages-\${kb}kB
  if [ ! -d $d ]; then echo "size_kb=$kb absent"; return; fi
  b0=$(vm nr_memmap_boot_pages); p0=$(vm nr_memmap_pages)
  echo $want > $d/nr_hugepages 2>/dev/null
  got=$(cat $d/nr_hugepages)
  b1=$(vm nr_memmap_boot_pages); p1=$(vm nr_memmap_pages)
  echo 0 > $d/nr_hugepages 2>/dev/null
  b2=$(vm nr_memmap_boot_pages); p2=$(vm nr_memmap_pages)
  echo "size_kb=$kb requested=$want allocated=$got boot_before=$b0 boot_after=$b1 boot_freed=$b2 pages_before=$p0 pages_after=$p1 pages_freed=$p2"
}
hvo() {
  s=/proc/sys/vm/hugetlb_optimize_vmemmap
  if [ -e $s ]; then echo "sysctl_default=$(cat $s)"; echo 1 > $s 2>/dev/null; echo "sysctl_set=$(cat $s)"; else echo "sysctl_default=absent"; fi
  hvo_one 2048 16
  hvo_one 1048576 1
}
section zoneinfo grep -E '^Node |^  pages free|^ +(spanned|present|managed|cma|start_pfn:) ' /proc/zoneinfo
section vmstat cat /proc/vmstat
section blocks blocks
section iomem cat /proc/iomem
section zoneinfo-full cat /proc/zoneinfo
[ -d /sys/firmware/memmap ] && section firmware-memmap fwmemmap
section memory-sysfs memory_sysfs
[ -r /sys/kernel/debug/memblock/memory ] && section memblock-memory cat /sys/kernel/debug/memblock/memory
[ -r /sys/kernel/debug/memblock/reserved ] && section memblock-reserved cat /sys/kernel/debug/memblock/reserved
# the kernel's whole log as \`dmesg\` shows it (KERN_DEBUG lines included): what users
# paste; before the HVO measurement, whose splats (6.12.117: "BUG: Bad page state" when
# freeing optimized pages) could push the boot out of the log buffer
section dmesg dmesg
section hvo hvo
echo "MW-STATE DONE"
# kept alive for a host-side memory dump (captures.ts: QMP dump-guest-memory, then crash)
if grep -qw mw_hold /proc/cmdline; then while :; do sleep 3600; done; fi
poweroff -f
`

const enc = new TextEncoder()

interface Entry {
  name: string
  mode: number
  data?: Uint8Array
  rdevMajor?: number
  rdevMinor?: number
}

const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFCHR = 0o020000

/** One newc ("070701") cpio archive, entries in order, mtime 0, owned by root. */
export function newcArchive(entries: readonly Entry[]): Uint8Array {
  const parts: Uint8Array[] = []
  let size = 0
  const push = (b: Uint8Array): void => {
    parts.push(b)
    size += b.length
  }
  const pad4 = (): void => {
    const n = (4 - (size % 4)) % 4
    if (n) push(new Uint8Array(n))
  }
  const hex8 = (n: number): string => n.toString(16).padStart(8, '0')
  let ino = 1
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    const name = enc.encode(`${e.name}\0`)
    const data = e.data ?? new Uint8Array(0)
    const fields = [ino++, e.mode, 0, 0, e.mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length, 0]
    push(enc.encode(`070701${fields.map(hex8).join('')}`))
    push(name)
    pad4()
    push(data)
    pad4()
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The gzip-compressed initramfs for a static busybox binary. */
export function buildInitramfs(busybox: Uint8Array): Uint8Array {
  const archive = newcArchive([
    { name: 'bin', mode: S_IFDIR | 0o755 },
    { name: 'dev', mode: S_IFDIR | 0o755 },
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1 },
    { name: 'bin/busybox', mode: S_IFREG | 0o755, data: busybox },
    { name: 'init', mode: S_IFREG | 0o755, data: enc.encode(INIT_SCRIPT) }
  ])
  return gzipSync(archive, { level: 9 })
}
