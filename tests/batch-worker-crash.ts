// A stand-in for batch-worker.ts in batch.spec: the real worker, except that a chunk
// holding an input whose file name (not its folder's) holds `crash` ends the worker
// thread (exit code 3) before anything of that chunk is run, as a worker the engine
// brought down would. The real worker's own message handler is wrapped (a second
// listener would start the port before the real one is attached, and the chunks it got
// first would be lost).
import { basename } from 'node:path'
import { parentPort } from 'node:worker_threads'

const port = parentPort!
const on = port.on.bind(port)
port.on = ((event: string, handler: (jobs: { file: string }[]) => unknown) =>
  on(event, event === 'message' ? (jobs: { file: string }[]) => (jobs.some((j) => basename(j.file).includes('crash')) ? process.exit(3) : handler(jobs)) : handler)) as typeof port.on
await import('../src/main/cli/batch-worker.ts')
