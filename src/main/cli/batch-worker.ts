// A worker thread of `memmap-workbench batch`: reads each input it is sent, runs the
// engine on it and posts back its record. Inputs found by a folder walk or a glob that
// are binary (a NUL byte in their first 8 KiB) are posted back as skipped.

import { parentPort, workerData } from 'node:worker_threads'
import type { InputOptions } from '../../shared/engine/index.ts'
import { errorRecord, evaluate, type BatchRecord } from './batch-record.ts'
import { readInput } from './input.ts'

export interface BatchJob {
  id: number
  file: string
  found: boolean
}
export type BatchReply = { id: number; record: BatchRecord } | { id: number; skipped: 'binary' }
export interface BatchWorkerData {
  opts: InputOptions
  diff: boolean
}

const { opts, diff } = workerData as BatchWorkerData
const port = parentPort!

port.on('message', async (job: BatchJob) => {
  let reply: BatchReply
  try {
    let err = ''
    const source = await readInput(job.file, { err: (s) => void (err = s) })
    if (source === null) reply = { id: job.id, record: errorRecord(job.file, err, diff) }
    else if (job.found && source.slice(0, 8192).includes('\0')) reply = { id: job.id, skipped: 'binary' }
    else reply = { id: job.id, record: evaluate(source, job.file, opts, diff) }
  } catch (e) {
    // an engine bug must not end the run: the input gets an error record naming it
    reply = { id: job.id, record: errorRecord(job.file, `${job.file}:1:1: error: internal error: ${(e as Error).message ?? e}`, diff) }
  }
  port.postMessage(reply)
})
