import { describe, expect, it } from 'vitest'
import { formatVersion, parseKernelVersion } from './version.ts'

describe('parseKernelVersion', () => {
  it('reads real versions, long-term sublevels and release candidates', () => {
    expect(formatVersion(parseKernelVersion('6.1.0-50-amd64')!)).toBe('6.1')
    expect(formatVersion(parseKernelVersion('4.9.337')!)).toBe('4.9.337')
    expect(formatVersion(parseKernelVersion('6.18.0-rc7')!)).toBe('6.18-rc7')
    expect(formatVersion(parseKernelVersion('v07.01.0009')!)).toBe('7.1.9')
    expect(parseKernelVersion('255.255.9999-rc99')).toMatchObject({ major: 255, minor: 255, patch: 9999, rc: 99 })
  })

  it('refuses parts beyond any kernel instead of rounding them', () => {
    for (const t of ['6.1.999999999999999999', '6.1.10000', '256.1', '6.256', '6.1-rc100', '99999999999999999999.1', '6.1.0000000000000000000000000000099999']) {
      expect(parseKernelVersion(t), t).toBeNull()
    }
    // leading zeros are not digits of the value
    expect(parseKernelVersion('6.1.0000000000000000000000000000000099')).toMatchObject({ patch: 99 })
  })
})
