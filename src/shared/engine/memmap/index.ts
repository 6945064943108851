// The memmap model for one scenario: every figure and check, gathered from the modules
// named after the kernel concept they model.

import type { Model } from '../model.ts'
import { policyTable, type PolicyTable } from './policies.ts'
import { memmapTotals, type MemmapTotals } from './totals.ts'
import type { Check, Figure } from './types.ts'

export interface MemmapReport {
  figures: Figure[]
  checks: Check[]
  totals: MemmapTotals
  policies: PolicyTable
}

export function memmapReport(m: Model): MemmapReport {
  const totals = memmapTotals(m)
  const policies = policyTable(m)
  return {
    figures: [...totals.figures],
    checks: [...policies.checks],
    totals,
    policies
  }
}
