import type { Backend } from './backend.js';

/**
 * Version of the BackendProvider descriptor below, versioned like the Backend contract: a tool that lists
 * providers refuses one written for another version instead of misreading it.
 */
export const BACKEND_PROVIDER_VERSION = 1 as const;

/** Whether a mode can run on this machine, and if not, why (one line a user can act on). */
export type Availability = { readonly available: true } | { readonly available: false; readonly reason: string };

export interface BackendCreateOptions {
  /** One of the provider's `modes`; the provider's `defaultMode` when absent. */
  readonly mode?: string;
  /** Threads that compute, for backends that run on several (default: one per core). */
  readonly threads?: number;
  /**
   * In a page: the URL folder where it serves backends' runtime files, which bundlers do not ship beside
   * the script (each backend documents its subfolder, e.g. tfjs reads `tfjs-wasm/`). Node needs none.
   */
  readonly assetBaseUrl?: string;
}

/**
 * Everything a tool needs to offer a backend without naming it: the CLI, crosscheck, the bench, the package
 * checks and the playground read a list of these and never switch on a backend's name.
 */
export interface BackendProvider {
  readonly providerVersion: typeof BACKEND_PROVIDER_VERSION;
  /** The id users type (e.g. `cpu`); a mode is appended as `name:mode`. */
  readonly name: string;
  /** One line for help texts, e.g. `pure TypeScript on worker threads`. */
  readonly description: string;
  /** Modes a user may ask for, `auto` first where there is one; empty for a backend without modes. */
  readonly modes: readonly string[];
  /** The mode `create` runs when none is given; undefined exactly when `modes` is empty. */
  readonly defaultMode: string | undefined;
  /** The npm package that exports this provider (bench and tools resolve `libraries` from it). */
  readonly packageName: string;
  /** Third-party packages whose versions the figures depend on, e.g. `gpu.js` (for benchmark reports). */
  readonly libraries: readonly string[];
  /** Whether `threads` changes how it runs (the bench sweeps thread counts of these). */
  readonly threaded: boolean;
  /** Modes that need an X display on Linux (tools run them under xvfb-run when DISPLAY is unset). */
  readonly displayModes: readonly string[];
  /** A flag that sets the mode on the command line, kept for scripts written before `name:mode` ids. */
  readonly modeFlag?: { readonly flag: string; readonly description: string };
  /**
   * Creates the backend. An explicit mode that cannot run here throws BackendUnavailableError (never a
   * silent fallback); `auto` picks what works and the backend's description says what ran and why.
   */
  create(options?: BackendCreateOptions): Promise<Backend>;
  /** Whether `mode` (default: `defaultMode`) can run here, without keeping anything open. */
  availability(mode?: string): Promise<Availability>;
}

/** Thrown by `create` when an explicitly requested backend or mode cannot run here. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
  constructor(
    /** The backend id, `name` or `name:mode`. */
    readonly id: string,
    readonly reason: string,
    message = `backend ${id} is unavailable here: ${reason}`,
  ) {
    super(message);
  }
}

/** Thrown for an id that names no installed provider or mode; the message lists what there is. */
export class BackendIdError extends Error {
  override readonly name = 'BackendIdError';
}

/** A parsed backend id: `cpu` is `{ name: 'cpu' }`, `name:mode` is `{ name, mode }`. */
export interface BackendId {
  readonly name: string;
  readonly mode?: string;
}

/** Parses `name[:mode]`. Syntax only; `resolveBackendId` checks it against the installed providers. */
export function parseBackendId(id: string): BackendId {
  const match = /^([a-z][a-z0-9-]*)(?::([a-z][a-z0-9-]*))?$/.exec(id.trim());
  if (!match) throw new BackendIdError(`"${id}" is not a backend id; write name or name:mode, e.g. cpu`);
  const [, name, mode] = match as unknown as [string, string, string | undefined];
  return mode === undefined ? { name } : { name, mode };
}

/** The id as users write it. */
export function formatBackendId(id: BackendId): string {
  return id.mode === undefined ? id.name : `${id.name}:${id.mode}`;
}

/** Every id a list of providers accepts: each name, then each `name:mode`. */
export function backendIds(providers: readonly BackendProvider[]): string[] {
  return providers.flatMap((p) => [p.name, ...p.modes.map((mode) => `${p.name}:${mode}`)]);
}

/** Finds the provider an id names and checks its mode; an unknown name or mode lists the choices. */
export function resolveBackendId(
  providers: readonly BackendProvider[],
  id: string | BackendId,
): { readonly provider: BackendProvider; readonly mode: string | undefined } {
  const parsed = typeof id === 'string' ? parseBackendId(id) : id;
  const provider = providers.find((p) => p.name === parsed.name);
  if (!provider) {
    throw new BackendIdError(`unknown backend "${parsed.name}"; choose one of: ${providers.map((p) => p.name).join(', ')}`);
  }
  if (parsed.mode !== undefined && !provider.modes.includes(parsed.mode)) {
    const choices = provider.modes.length > 0 ? `choose one of: ${provider.modes.join(', ')}` : `${provider.name} has no modes`;
    throw new BackendIdError(`unknown ${provider.name} mode "${parsed.mode}"; ${choices}`);
  }
  return { provider, mode: parsed.mode ?? provider.defaultMode };
}

/** Resolves an id against the providers and creates that backend. */
export async function createBackendFromId(
  providers: readonly BackendProvider[],
  id: string | BackendId,
  options: Omit<BackendCreateOptions, 'mode'> = {},
): Promise<Backend> {
  const { provider, mode } = resolveBackendId(providers, id);
  return provider.create({ ...options, mode });
}

/** Refuses a provider written against another descriptor version (e.g. a stale backend package). */
export function assertProviderVersion(provider: BackendProvider): void {
  if (provider.providerVersion !== BACKEND_PROVIDER_VERSION) {
    throw new Error(
      `backend provider "${provider.name}" implements descriptor v${String(provider.providerVersion)}, this @lenet-ts/core needs v${String(BACKEND_PROVIDER_VERSION)}; install matching versions`,
    );
  }
}

/**
 * An availability probe for providers whose only honest test is to try: create the backend in that mode,
 * close it again, and report why it failed if it did.
 */
export async function availabilityByCreating(provider: BackendProvider, mode: string | undefined): Promise<Availability> {
  try {
    const backend = await provider.create({ mode, threads: 1 });
    backend.close?.();
    return { available: true };
  } catch (error) {
    const reason = error instanceof BackendUnavailableError ? error.reason : error instanceof Error ? error.message : String(error);
    return { available: false, reason: reason.split('\n')[0]!.trim() };
  }
}
