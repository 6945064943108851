export function sandboxArgs(platform?: NodeJS.Platform, uid?: number): string[]
