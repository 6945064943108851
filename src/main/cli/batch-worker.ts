// A worker thread of `memmap-workbench batch`: reads each input it is sent (in chunks),
// runs the engine on it and posts back its record as the output line. Inputs found by a
// folder walk or a glob that are binary (a NUL byte in their first 8 KiB) are posted back
// as skipped.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { MAX_SOURCE_BYTES } from '../../shared/api.ts'
import { primeLogReaders } from '../../shared/engine/dmesg-prime.ts'
import type { InputOptions } from '../../shared/engine/index.ts'
import { errorRecord, evaluate, recordLine, type BatchRecord, type BatchReply } from './batch-record.ts'
import { readInput } from './input.ts'

export type { BatchReply } from './batch-record.ts'
export interface BatchJob {
  id: number
  file: string
  found: boolean
}
export interface BatchWorkerData {
  opts: InputOptions
  diff: boolean
  format: 'jsonl' | 'csv'
  /**
   * one Int32: the id of the input this worker is on (0: none yet), for the main thread's
   * watchdog (--timeout); shared memory, so a message per input is not needed
   */
  progress: SharedArrayBuffer
}

const { opts, diff, format, progress } = workerData as BatchWorkerData
const onInput = new Int32Array(progress)
// every path of the log readers run once before the first input, so V8 optimises them
// with type feedback for all of them (dmesg-prime.ts)
primeLogReaders()

/**
 * The buffer inputs are read into, grown to the largest so far up to SHARED_MAX (a buffer
 * per input was an allocation outside V8's heap for every file, 40 KiB for a boot log); a
 * larger input gets one of its own, not kept.
 */
let shared = Buffer.allocUnsafeSlow(64 * 1024)
const SHARED_MAX = 4 * 1024 * 1024

/**
 * A regular file's text, read synchronously (one open, fstat, read, close: a worker has
 * nothing else to do meanwhile); null for anything else (missing, a directory, too large),
 * which readInput() then reads or explains as the other commands do.
 */
function readRegular(file: string): string | null {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return null
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > MAX_SOURCE_BYTES) return null
    if (st.size > shared.length && st.size <= SHARED_MAX) shared = Buffer.allocUnsafeSlow(Math.min(SHARED_MAX, Math.max(st.size, 2 * shared.length)))
    const buf = st.size <= shared.length ? shared : Buffer.allocUnsafeSlow(st.size)
    let off = 0
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off)
      if (n === 0) break
      off += n
    }
    return buf.toString('utf8', 0, off)
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}
const port = parentPort!

// replies go back together: the jobs already queued are run first, then one message
// carries their records (a message per record cost the worker more than reading the file)
let replies: BatchReply[] = []
const flush = (): void => {
  const r = replies
  replies = []
  port.postMessage(r)
}

/** One input's reply; an engine bug is an error record naming it, never the end of the run. */
async function run(job: BatchJob): Promise<BatchReply> {
  const reply = (r: BatchRecord): BatchReply => ({ id: job.id, ...recordLine(r, diff, format) })
  try {
    let err = ''
    const source = readRegular(job.file) ?? (await readInput(job.file, { err: (s) => void (err = s) }))
    if (source === null) return reply(errorRecord(job.file, err, diff))
    if (job.found && source.slice(0, 8192).includes('\0')) return { id: job.id, skipped: 'binary' }
    return reply(evaluate(source, job.file, opts, diff))
  } catch (e) {
    return reply(errorRecord(job.file, `${job.file}:1:1: error: internal error: ${(e as Error).message ?? e}`, diff))
  }
}

// inputs come in chunks (a message each way per chunk, not per input: waking the other
// thread cost more than reading the file)
port.on('message', async (jobs: BatchJob[]) => {
  for (const job of jobs) {
    Atomics.store(onInput, 0, job.id)
    const reply = await run(job)
    if (replies.push(reply) === 1) setImmediate(flush)
  }
})
