import { describe, expect, it } from 'vitest'
import { selectProfile } from './profiles.ts'
import { cmpVersion, parseKernelVersion } from './version.ts'

const hole = (v: string): string => selectProfile(v)!.profile.holeMessage

describe('kernel versions', () => {
  it('orders rcs before their release and stable after it', () => {
    const v = (s: string) => parseKernelVersion(s)!
    expect(cmpVersion(v('5.12-rc2'), '5.12')).toBeLessThan(0)
    expect(cmpVersion(v('5.12.0-rc2-00012-ge14497b88f99'), '5.12-rc3')).toBeLessThan(0)
    expect(cmpVersion(v('5.11.7'), '5.11')).toBeGreaterThan(0)
    expect(cmpVersion(v('5.11.900'), '5.12-rc1')).toBeLessThan(0)
  })
})

describe('version profiles (the printk history with the stable backport points)', () => {
  it('selects the hole message each release prints', () => {
    expect(hole('4.15')).toBe('reserved-but-unavailable')
    expect(hole('4.19.102')).toBe('reserved-but-unavailable')
    expect(hole('4.19.103')).toBe('zeroed-struct-page')
    expect(hole('5.4.18')).toBe('zeroed-struct-page')
    expect(hole('5.10.23')).toBe('zeroed-struct-page')
    expect(hole('5.10.24')).toBe('per-zone')
    expect(hole('5.10.53')).toBe('per-hole')
    expect(hole('5.11.0-rc4')).toBe('zeroed-struct-page')
    expect(hole('5.11.6')).toBe('zeroed-struct-page')
    expect(hole('5.11.7')).toBe('per-zone')
    expect(hole('5.12.0-rc2')).toBe('zeroed-struct-page')
    expect(hole('5.12.9')).toBe('per-zone')
    expect(hole('5.13')).toBe('per-zone')
    // 122e093c1734 in the 5.12.17-rc1 and 5.13.2-rc1 reviews (2021-07-12)
    expect(hole('5.12.16')).toBe('per-zone')
    expect(hole('5.12.17')).toBe('per-hole')
    expect(hole('5.13.1')).toBe('per-zone')
    expect(hole('5.13.2')).toBe('per-hole')
    expect(hole('5.14-rc5')).toBe('per-hole')
    expect(hole('6.19')).toBe('per-hole')
  })
  it('models the zeroing tail and arm64 pfn_valid history (HVO history: memmap/hvo.spec.ts)', () => {
    expect(selectProfile('5.4.18')!.profile.zeroedTail).toBe('max_pfn')
    expect(selectProfile('5.4.19')!.profile.zeroedTail).toBe('section')
    expect(selectProfile('5.5')!.profile.zeroedTail).toBe('max_pfn')
    expect(selectProfile('5.6')!.profile.zeroedTail).toBe('section')
    expect(selectProfile('5.15.35')!.profile.arm64PfnValid).toBe('section-memory')
    expect(selectProfile('5.15.36')!.profile.arm64PfnValid).toBe('generic')
  })
  it('maps unknown versions to the nearest profile with a warning', () => {
    const old = selectProfile('3.10')!
    expect(old.profile.id).toBe('4.15')
    expect(old.warnings[0]).toMatch(/older than the oldest/)
    const future = selectProfile('9.3')!
    expect(future.warnings[0]).toMatch(/newer than the newest/)
    expect(selectProfile('banana')).toBeNull()
  })
})

describe('facts the 6.12 and 7.x oracle boots showed', () => {
  const p = (v: string) => selectProfile(v)!.profile
  it('e820 wording: classic up to 6.x, "System RAM" and [gap] lines from 7.0', () => {
    expect(p('6.19').e820Wording).toBe('classic')
    expect(p('7.0').e820Wording).toBe('system-ram')
    expect(p('7.3-rc7').e820Wording).toBe('system-ram')
  })
  it('e820 end of RAM counts ACPI data from 6.11 (06fa48d85b09), nr_memmap_boot_pages exists from 6.11 (15995a352474)', () => {
    expect(p('6.10').x86EndPfnAcpi).toBe(false)
    expect(p('6.11').x86EndPfnAcpi).toBe(true)
    expect(p('6.1.176').memmapCounters).toBe(false)
    expect(p('6.12.117').memmapCounters).toBe(true)
  })
  it("Debian's arm64 config builds ZONE_DEVICE from 6.12", () => {
    expect(p('6.1.176').arm64ZoneDevice).toBe(false)
    expect(p('6.12.117').arm64ZoneDevice).toBe(true)
  })
  it('x86 memory block size rule at 64 GiB or more: 2 GiB, end-aligned (4.17, 078eb6aa50dc), bare metal 2 GiB (5.9, fe124c95df9e)', () => {
    expect(p('4.16').x86MemoryBlock).toBe('large-2g')
    expect(p('4.17').x86MemoryBlock).toBe('aligned')
    expect(p('5.8').x86MemoryBlock).toBe('aligned')
    expect(p('5.9').x86MemoryBlock).toBe('bare-metal-2g')
  })
})
