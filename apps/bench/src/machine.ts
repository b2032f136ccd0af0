import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { providers } from '@lenet-ts/backends';
import { PEER_LIBRARIES } from './peer-target.js';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly commit: string;
  readonly versions: Readonly<Record<string, string>>;
}

export function describeMachine(): Machine {
  // Versions of the libraries the figures depend on, as installed (not as declared); a backend's own
  // libraries may live only under its package, so they are resolved from there.
  const versions: Record<string, string> = {};
  for (const name of PEER_LIBRARIES) versions[name] = installedVersion(name, []);
  for (const p of providers) for (const name of p.libraries) versions[name] ??= installedVersion(name, [p.packageName]);
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    os: osName(),
    node: process.version,
    commit: commit(),
    versions,
  };
}

/** 1, 5 and 15 minute load averages. */
export function loadAverage(): readonly [number, number, number] {
  const [a, b, c] = loadavg();
  return [a!, b!, c!];
}

/** The installed version of `name`, looked up from the bench, else from inside each package of `within` in turn. */
function installedVersion(name: string, within: readonly string[]): string {
  // A backend's libraries live under its package, which lives under @lenet-ts/backends.
  const bases = [import.meta.url];
  try {
    bases.push(import.meta.resolve('@lenet-ts/backends'));
    for (const pkg of within) bases.push(pathToFileURL(createRequire(bases[bases.length - 1]!).resolve(`${pkg}/package.json`)).href);
  } catch {
    // a package that is not installed: look where we can
  }
  for (const base of bases.reverse()) {
    try {
      const manifest = createRequire(base).resolve(`${name}/package.json`);
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    } catch {
      // not resolvable from here
    }
  }
  return 'not installed';
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? process.platform;
  } catch {
    return `${process.platform} ${process.arch}`;
  }
}

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${hash} with uncommitted changes` : hash;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
