// The host's API (src/shared/api.ts) as the renderer sees it: the preload's
// `window.api` under Electron, the browser host's shim in Chromium. This module is the
// only one that reads `window.api` (tests/architecture.spec.ts checks it): every other
// module imports `host` from here, so the renderer's one door to the host is in one place.
//
// A newer `analyze` of the same file name cancels the older one in both hosts: the
// browser host's shim aborts the older fetch (one AbortController per method and file
// name; the host then cancels its engine call), Electron's main cancels the older invoke.
// The older call rejects with "analyze: superseded by a newer call" (LatestRunner drops it).
import type { Api } from '../../../shared/api.ts'

export const NO_HOST = 'window.api is missing: open the app through Electron or the browser host (npm start).'

const exposed = typeof window === 'undefined' ? undefined : (window.api as Api | undefined)

/** the page was opened without a host (a plain `vite` page): every call below rejects */
export const hostMissing = !exposed

/** The host's API; without one, each operation rejects with NO_HOST. */
export const host: Api = exposed ?? (new Proxy({}, { get: () => () => Promise.reject(new Error(NO_HOST)) }) as Api)
