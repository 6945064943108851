// Chromium's and Electron's sandbox on Linux uses user namespaces (or the setuid helper)
// and refuses to start as root: "Running as root without --no-sandbox is not supported"
// (containers, CI, this machine). So --no-sandbox is passed only when started as root on
// Linux, never otherwise; as any other user the renderer keeps its OS sandbox.
/** ['--no-sandbox'] when started as root on Linux, else [] (platform and uid for tests). */
export function sandboxArgs(platform = process.platform, uid = process.getuid?.()) {
  return platform === 'linux' && uid === 0 ? ['--no-sandbox'] : []
}
