import { defaultProvider } from '@lenet-ts/backends';
import { backendId, type Backend } from '@lenet-ts/core';
import type { DataLocations } from './data.js';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  /** Where to look for Fashion-MNIST besides --data-dir; default: the environment's (tests use temporary folders). */
  readonly data?: DataLocations;
}

/** Writes one line to a stream. */
export function lineWriter(stream: NodeJS.WritableStream): (line: string) => void {
  return (line) => stream.write(`${line}\n`);
}

/** The first line of every command that runs a model: the id of what runs and how, e.g. `Backend: name:mode (what ran)`. */
export function backendLine(backend: Backend): string {
  return `Backend: ${backendId(backend)} (${backend.description})`;
}

/**
 * A line for a GPU backend that found no GPU: its kernels then run on the CPU, slower than the default
 * backend, which is built for the CPU (BENCHMARKS.md has the figures). Null when there is nothing to say.
 */
export function noGpuNote(backend: Backend): string | null {
  if (backend.hardware !== false || backend.name === defaultProvider.name) return null;
  return `Note: no GPU found, so ${backendId(backend)} computes on the CPU here; --backend ${defaultProvider.name} trains faster on a CPU (see BENCHMARKS.md)`;
}
