import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly commit: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** Versions of the libraries the figures depend on, as installed (not as declared). */
const PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  'gpu.js',
] as const;

export function describeMachine(): Machine {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) versions[name] = installedVersion(name);
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

function installedVersion(name: string): string {
  // Some packages live only under the backend that uses them: look there too.
  for (const from of [import.meta.url, '@lenet-ts/backend-tfjs', '@lenet-ts/backend-gpujs']) {
    try {
      const base = from.startsWith('file:') ? from : import.meta.resolve(from);
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
