// Where the engine is in its input, for a host that may have to stop it. The hosts run the
// engine on a worker thread with a deadline (src/main/engine-client.ts); when a call passes
// it, the worker is terminated and the user is told "this input took too long" with the line
// reported here last. A parser calls atLine() as it goes (one store; nothing when no host
// listens). Pure: the cell is an Int32Array the host shares with the worker.

let cell: Int32Array | null = null

/** The host's shared cell (index 0: the 1-based line), or null to stop reporting. */
export function setProgressCell(c: Int32Array | null): void {
  cell = c
}

/** The input line the engine is reading now (1-based). */
export function atLine(line: number): void {
  if (cell !== null) cell[0] = line
}
