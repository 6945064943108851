// The log readers run once over small texts that take each of their paths, before a long
// run of logs (batch's workers). V8 records type feedback only for the operations and
// calls that have run; optimised code meets one that has none by deoptimising. A reader
// optimised on the first hundred kernel logs of a batch (all of them timestamped, none
// quoted or cleaned) deoptimised when the first log without timestamps came, hundreds of
// logs later, then ran unoptimised for about a hundred more until V8 compiled it again
// (~30 ms): over the 1968 recorded-log inputs, a few per cent of the run. These texts are
// tiny; reading them costs well under a millisecond.

import { candidateMessages, logMessages } from './dmesg.ts'

/**
 * The texts, each read as a whole log (how a log is read depends on all of its lines:
 * timestamps, quoting and indentation are counted first):
 * - timestamped, CR LF: a line after firmware noise and a terminal reset, console escapes,
 *   a no-break space, an inner CR, a CONFIG_PRINTK_CALLER id, a wrapped BIOS-e820 line, a
 *   syslog priority and `kernel: ` before a dash-continued line, a state dump, a blank
 *   line;
 * - without timestamps, every line indented (a `dmesg -t` paste): a syslog date and host,
 *   an unfinished `Linux version` that takes the next line;
 * - quoted mail, timestamped;
 * - caller ids alone (`dmesg -t` of a CONFIG_PRINTK_CALLER kernel).
 * Every character is at most U+00FF, as in 653 of the 656 recorded logs: V8 keeps such a text
 * as one-byte string, and a reader that has seen a two-byte one (a line separator, U+2028,
 * was here) is optimised for both kinds: over the 1968 recorded-log inputs, one worker,
 * that ran 18.1 G instructions against 15.1 G unprimed and 14.7 G primed one-byte
 * (cachegrind, all threads).
 */
export const PRIMER_LOGS: readonly string[] = [
  [
    'Probing EDD\x1bc[    0.000000] Linux version 6.1.0 (gcc)',
    '\x1b[0m[    0.000001] Zone ranges:\x1b[0m',
    '[    0.000002]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]\u00a0',
    '[    0.000003] x\ry',
    '[    0.000004] ab',
    '[    0.000005] [    T1] On node 0 totalpages: 4095',
    '[    0.000006] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff]',
    'usable',
    '[    0.000007] built by x-',
    '<6>kernel: y',
    '  state dump',
    '',
    '[    0.000008] NODE_DATA(0) allocated'
  ].join('\r\n'),
  [' Linux version', ' 6.1.0 (gcc)', ' Nov 21 10:00:01 host kernel: Zone ranges:', ' <6>  DMA      [mem 0x0000000000001000-0x0000000000ffffff]', '   Normal   empty', ' foo'].join('\n'),
  ['> [    0.000000] Linux version 6.1.0 (gcc)', '> > [    0.000001] Zone ranges:', '> foo'].join('\n'),
  ['[    T1] Linux version 6.1.0 (gcc)', '[   C0] Zone ranges:'].join('\n')
]

/**
 * How many times the texts are read: V8 gives a function its feedback vector (where type
 * feedback goes) only once it has run about eight times its bytecode's size
 * (--interrupt-budget-factor-for-feedback-allocation in V8 11), and the first reads of
 * tiny texts record nothing. Twelve reads of the four texts take well under a millisecond.
 */
export const PRIMER_PASSES = 12

/** Read every primer text as parseLog() does (candidates) and as logMessages() does. */
export function primeLogReaders(): void {
  for (let pass = 0; pass < PRIMER_PASSES; pass++)
    for (const text of PRIMER_LOGS) {
      candidateMessages(text)
      logMessages(text)
    }
}
