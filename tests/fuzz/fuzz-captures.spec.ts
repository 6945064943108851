// The bounded fuzz run of every capture importer (tests/fuzz/suite.ts explains the run).
import { describe } from 'vitest'
import { fuzzSuite } from './suite.ts'

describe('fuzz: captures of a running machine', () => fuzzSuite(/^(?!scenario|boot log)/))
