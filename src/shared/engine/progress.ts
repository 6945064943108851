// Where the engine is in its input, for a host that may have to stop it. The hosts run the
// engine on a worker thread with a deadline (src/main/engine-client.ts); when a call passes
// it, the worker is terminated and the user is told "this input took too long" with the line
// reported here last. A parser calls atLine() for each line it reaches (one store; one null
// check when no host listens, as in the batch CLI) and atLine(0) when it is done, so what
// follows (the model) names no line. Pure: the cell is an Int32Array the host shares with
// the worker.

let cell: Int32Array | null = null

/** The host's shared cell (index 0: the 1-based line), or null to stop reporting. */
export function setProgressCell(c: Int32Array | null): void {
  cell = c
}

/** The input line the engine is reading now (1-based). */
export function atLine(line: number): void {
  if (cell !== null) cell[0] = line
}
