/// <reference types="vite/client" />
/// <reference types="svelte" />

declare global {
  interface Window {
    /** The Monaco editor; only with `import.meta.env.DEV` or a `?test` query (e2e hook). */
    __editor?: unknown
  }
}

export {}
