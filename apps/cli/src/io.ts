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
