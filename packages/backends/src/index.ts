import {
  assertProviderVersion,
  backendIds,
  createBackendFromId,
  resolveBackendId,
  type Backend,
  type BackendCreateOptions,
  type BackendId,
  type BackendProvider,
} from '@lenet-ts/core';
import { cpuProvider } from '@lenet-ts/backend-cpu/provider';
import { gpujsProvider } from '@lenet-ts/backend-gpujs/provider';
import { tfjsProvider } from '@lenet-ts/backend-tfjs/provider';
import { wasmProvider } from '@lenet-ts/backend-wasm/provider';

/**
 * The one list of installed backends, in the order tools show them. Everything that offers a backend (CLI,
 * crosscheck, bench, package checks) reads this list; a new backend is its package plus one line here.
 * Providers load their backend only on `create`. The first is the default: the fastest on a CPU here
 * (BENCHMARKS.md: wasm trains several times faster than cpu), and WebAssembly SIMD runs wherever Node 20 does.
 */
export const providers: readonly BackendProvider[] = [wasmProvider, cpuProvider, tfjsProvider, gpujsProvider];

for (const provider of providers) assertProviderVersion(provider);

/** The backend `lenet` and the tools use when none is named. */
export const defaultProvider: BackendProvider = providers[0]!;

/** Every id the installed backends accept: `cpu`, `tfjs`, `tfjs:wasm`, ... */
export function installedBackendIds(): string[] {
  return backendIds(providers);
}

/** The installed provider an id names, and the mode it resolves to; unknown ids list the choices. */
export function findBackend(id: string | BackendId): { readonly provider: BackendProvider; readonly mode: string | undefined } {
  return resolveBackendId(providers, id);
}

/** Creates the installed backend an id names, e.g. `createBackend('tfjs:wasm')`. */
export function createBackend(id: string | BackendId, options: Omit<BackendCreateOptions, 'mode'> = {}): Promise<Backend> {
  return createBackendFromId(providers, id, options);
}
