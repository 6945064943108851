// Paths in a packaged app (electron-builder.yml). electron-builder puts the app in
// resources/app.asar and the files listed under asarUnpack in resources/app.asar.unpacked,
// same relative paths. Electron's fs reads through app.asar, but a worker_threads Worker
// loads its ES modules with Node's own loader, which cannot: it must be given the
// unpacked path.

/** `…/app.asar/x` → `…/app.asar.unpacked/x`; any other path as it is. */
export function asarUnpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2')
}
