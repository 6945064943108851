/** Is dist/cli built from the current sources (scripts/cli-fresh.mjs)? */
export function cliIsFresh(root: URL): boolean
