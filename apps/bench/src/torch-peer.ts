import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UsageError } from './options.js';

/** The Python side of torch-peer (apps/bench/python/, beside src/ and dist/). */
export const TORCH_PEER_SCRIPT = fileURLToPath(new URL('../python/torch_peer.py', import.meta.url));

/** The row's text where no Python with torch was found: not a failure, and no ratio is taken against it. */
export const NO_TORCH = 'not run: no python3 with torch (see BENCHMARKS.md for how to install)';

/** What the script's `--probe` says when torch imports. */
export interface TorchPython {
  readonly found: true;
  /** The command the bench runs (as given or found on PATH). */
  readonly python: string;
  readonly pythonVersion: string;
  readonly torch: string;
}

export type TorchDiscovery = TorchPython | { readonly found: false; readonly reason: string };

/**
 * The Pythons tried without --python: python3 on PATH, then the system's, where Debian's python3-torch
 * installs (a pyenv or venv python3 on PATH does not see it).
 */
export const TORCH_PYTHON_CANDIDATES: readonly string[] = ['python3', '/usr/bin/python3'];

/** Importing torch takes seconds on a cold disk; a probe that hangs longer than this is not usable. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Finds the Python that runs torch-peer: `explicit` (--python PATH) must import torch, else a one-line usage
 * error names the fix; without it, each of `candidates` is tried in turn, and finding none with torch is
 * reported as "not run" (never an error: most bench users have no torch).
 */
export function findTorchPython(
  explicit: string | null,
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = TORCH_PYTHON_CANDIDATES,
): TorchDiscovery {
  const probeOf = (python: string) =>
    spawnSync(python, [TORCH_PEER_SCRIPT, '--probe'], { encoding: 'utf8', env, timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const found = (python: string, stdout: string): TorchPython => {
    const answer = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { python: string; torch: string };
    return { found: true, python, pythonVersion: answer.python, torch: answer.torch };
  };
  if (explicit === null) {
    for (const python of new Set(candidates)) {
      const probe = probeOf(python);
      if (probe.status === 0) return found(python, probe.stdout);
    }
    return { found: false, reason: NO_TORCH };
  }
  const probe = probeOf(explicit);
  if (probe.status === 0) return found(explicit, probe.stdout);
  const missing = probe.error !== undefined && 'code' in probe.error && probe.error.code === 'ENOENT';
  const why = missing
    ? 'no such command'
    : probe.error
      ? probe.error.message
      : (probe.stderr.trim().split('\n').pop() ?? `exited with ${probe.status ?? probe.signal}`);
  throw new UsageError(`--python ${explicit}: ${why}; install torch for it (see BENCHMARKS.md) or leave out --python`);
}
