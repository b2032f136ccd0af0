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

/** Importing torch takes seconds on a cold disk; a probe that hangs longer than this is not usable. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Finds the Python that runs torch-peer: `explicit` (--python PATH) must import torch, else a one-line usage
 * error names the fix; without it, `python3` on PATH is tried, and its absence or a missing torch is
 * reported as "not run" (never an error: most bench users have no torch).
 */
export function findTorchPython(explicit: string | null, env: NodeJS.ProcessEnv = process.env): TorchDiscovery {
  const python = explicit ?? 'python3';
  const probe = spawnSync(python, [TORCH_PEER_SCRIPT, '--probe'], { encoding: 'utf8', env, timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  if (probe.status === 0) {
    const found = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '{}') as { python: string; torch: string };
    return { found: true, python, pythonVersion: found.python, torch: found.torch };
  }
  if (explicit === null) return { found: false, reason: NO_TORCH };
  const missing = (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  const why = missing ? 'no such command' : probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exited with ${probe.status ?? probe.signal}`);
  throw new UsageError(`--python ${explicit}: ${why}; install torch for it (see BENCHMARKS.md) or leave out --python`);
}
