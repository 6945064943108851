// `window.api`, as exposed by src/preload/index.ts in Electron and by the browser host's
// shim (src/main/browser-host.ts) in a plain browser.
import type { Api } from '../shared/api.ts'

declare global {
  interface Window {
    api: Api
  }
}

export {}
