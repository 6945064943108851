// Text the CLI prints comes partly from its inputs (a scenario's name, a log's lines, a
// file name): a control byte in it must not reach the terminal as one (ESC[2J clears the
// screen, OSC 52 writes the clipboard, C1 CSI 0x9b starts a sequence in some terminals).
// Every line of text output goes through terminalSafe; JSON needs nothing more than the
// escapes JSON.stringify makes, and the C1 and DEL escapes here are valid JSON string
// escapes of the same characters, so a JSON line passes through unchanged in meaning.

/** C0 controls (but \t, \n and CR before LF), DEL and the C1 controls U+0080–U+009F. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g
// eslint-disable-next-line no-control-regex
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f-\u009f]/g

/** `\u001b` for ESC: the same text a JSON string would carry, visible and inert. */
function escapeOne(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')
}

/**
 * `text` with every control character written as `\uXXXX`; newlines, tabs and a CR
 * before LF (CSV's line end) are kept unless `oneLine`. A lone CR, which would let a
 * line overwrite what came before it, is escaped.
 */
export function terminalSafe(text: string, oneLine = false): string {
  return text.replace(oneLine ? CONTROL_ONE_LINE : CONTROL, escapeOne)
}

/** A CLI's output sinks with every text they receive made terminal-safe. */
export function safeOutput<T extends { out: (s: string) => void; err: (s: string) => void; stdout?: (d: string) => void }>(io: T): T {
  return {
    ...io,
    out: (s: string) => io.out(terminalSafe(s)),
    err: (s: string) => io.err(terminalSafe(s)),
    ...(io.stdout ? { stdout: (d: string) => io.stdout!(terminalSafe(d)) } : {})
  }
}
