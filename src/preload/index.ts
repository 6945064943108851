// Preload (sandboxed, built as CommonJS: out/preload/index.cjs). Exposes exactly the
// operations of the IPC contract as `window.api`, one function each; the renderer gets
// no generic `invoke` and no access to ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron'
import type { Api } from '../shared/api.ts'

const api: Api = {
  listExamples: () => ipcRenderer.invoke('api:listExamples'),
  readExample: (name) => ipcRenderer.invoke('api:readExample', name),
  analyze: (source, fileName) => ipcRenderer.invoke('api:analyze', source, fileName),
  bootlog: (source, fileName) => ipcRenderer.invoke('api:bootlog', source, fileName)
}

contextBridge.exposeInMainWorld('api', api)
