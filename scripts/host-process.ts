// The built browser host as a child process (e2e fixtures, the typing benchmark): started
// on a free port with its own workspace and data dir, resolved with the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export interface HostProcess {
  url: string
  child: ChildProcess
}

export function startHostProcess(opts: { workspace: string; dataDir: string; root?: string }): Promise<HostProcess> {
  const script = join(opts.root ?? join(import.meta.dirname, '..'), 'out/main/browser-host.js')
  const child = spawn(process.execPath, [script, '--port', '0', '--workspace', opts.workspace, '--data-dir', opts.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise<HostProcess>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`the browser host did not start: ${out}`)), 15_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1], child })
      }
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the browser host exited (${code}): ${out}`))
    })
  })
}
