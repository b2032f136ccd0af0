import { resolve } from 'node:path';

/**
 * Commander parser for every file or directory the user names: the absolute path, so each message names
 * the file unambiguously. Relative paths resolve against the working directory, which `pnpm --filter cli
 * start` sets to where pnpm was run (scripts/start.mjs), not apps/cli.
 */
export function userPath(value: string): string {
  // resolve() drops a trailing slash, which says "a directory" and must reach the output checks.
  return /[/\\]$/.test(value) ? `${resolve(value)}/` : resolve(value);
}
