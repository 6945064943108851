// Preload (sandboxed, built as CommonJS: out/preload/index.cjs). Exposes exactly the
// operations of the IPC contract as `window.api`, one function each; the renderer gets
// no generic `invoke` and no access to ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron'
import type { AnalyzeResponse, Api, BootlogResponse, ImportLogResponse } from '../shared/api.ts'
import { fromWire } from './wire.ts'

const api: Api = {
  listExamples: () => ipcRenderer.invoke('api:listExamples'),
  readExample: (name) => ipcRenderer.invoke('api:readExample', name),
  // the engine's answers come as UTF-8 JSON bytes (see WIRE_JSON), parsed here in the renderer's process
  analyze: (source, fileName) => ipcRenderer.invoke('api:analyze', source, fileName).then(fromWire<AnalyzeResponse>),
  bootlog: (source, fileName) => ipcRenderer.invoke('api:bootlog', source, fileName).then(fromWire<BootlogResponse>),
  lookup: (source, fileName, queries) => ipcRenderer.invoke('api:lookup', source, fileName, queries),
  importLog: (text, fileName) => ipcRenderer.invoke('api:importLog', text, fileName).then(fromWire<ImportLogResponse>),
  hostInfo: () => ipcRenderer.invoke('api:hostInfo'),
  chooseOpenPath: () => ipcRenderer.invoke('api:chooseOpenPath'),
  chooseSavePath: (suggestedName) => ipcRenderer.invoke('api:chooseSavePath', suggestedName),
  chooseExportPath: (suggestedName, format) => ipcRenderer.invoke('api:chooseExportPath', suggestedName, format),
  exportReport: (path, source, fileName, request) => ipcRenderer.invoke('api:exportReport', path, source, fileName, request),
  listDirectory: (path) => ipcRenderer.invoke('api:listDirectory', path),
  openFile: (path) => ipcRenderer.invoke('api:openFile', path),
  saveFile: (path, text) => ipcRenderer.invoke('api:saveFile', path, text),
  recentFiles: () => ipcRenderer.invoke('api:recentFiles'),
  clearRecentFiles: () => ipcRenderer.invoke('api:clearRecentFiles'),
  getPreferences: () => ipcRenderer.invoke('api:getPreferences'),
  setPreferences: (patch) => ipcRenderer.invoke('api:setPreferences', patch)
}

contextBridge.exposeInMainWorld('api', api)
