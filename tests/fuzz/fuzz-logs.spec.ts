// The bounded fuzz run of boot logs (tests/fuzz/suite.ts explains the run).
import { describe } from 'vitest'
import { fuzzSuite } from './suite.ts'

describe('fuzz: boot logs', () => fuzzSuite(/^boot log$/))
