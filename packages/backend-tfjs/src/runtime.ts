import { BackendUnavailableError } from '@lenet-ts/core';
import * as tfCore from '@tensorflow/tfjs-core';
import { TFJS_RUNTIMES, type TfjsRuntime, type TfjsRuntimeRequest } from './runtimes.js';
import { describeTfjsAdapter, provideTfjsWebGpu } from './webgpu-adapter.js';

/** The TensorFlow.js namespace every op goes through; tfjs-node's is a superset of tfjs-core's. */
export type Tf = typeof tfCore;

export { TFJS_RUNTIMES, type TfjsRuntime, type TfjsRuntimeRequest };

/** Why a runtime did not run. */
export interface RuntimeNote {
  readonly runtime: TfjsRuntime;
  /** One line, e.g. `native binding failed to load: ...` or `not tried: wasm was requested`. */
  readonly reason: string;
}

export interface LoadedRuntime {
  readonly tf: Tf;
  readonly runtime: TfjsRuntime;
  /** The tfjs backend name to activate (`tensorflow`, `wasm`, `cpu`). */
  readonly backendName: string;
  /** How it runs, e.g. `SIMD, 1 thread`. */
  readonly detail: string;
  readonly notes: readonly RuntimeNote[];
}

/** Thrown when an explicitly requested runtime cannot run; the message names the cause and the way out. */
export class TfjsRuntimeError extends BackendUnavailableError {
  override name = 'TfjsRuntimeError';
  constructor(
    readonly runtime: TfjsRuntime,
    reason: string,
  ) {
    super(`tfjs:${runtime}`, reason, `tfjs runtime "${runtime}" is unavailable: ${reason}; use runtime auto (tfjs:auto) to fall back to one that loads`);
  }
}

/** Whether `request` can run here, with the reason when not; loads the runtime to find out. */
export async function tfjsRuntimeAvailability(request: TfjsRuntimeRequest): Promise<{ available: true } | { available: false; reason: string }> {
  if (!TFJS_RUNTIMES.includes(request))
    return { available: false, reason: `unknown tfjs runtime "${String(request)}"; choose one of: ${TFJS_RUNTIMES.join(', ')}` };
  if (request === 'auto') return { available: true };
  const attempt = await tryRuntime(request, false, {});
  return 'reason' in attempt ? { available: false, reason: attempt.reason } : { available: true };
}

const NODE_PACKAGE = '@tensorflow/tfjs-node';
/** What `auto` tries, fastest first: a page has no native binding, and Node has no WebGL (webgpu: hardware only). */
function autoOrder(): readonly TfjsRuntime[] {
  return isNode() ? ['node', 'webgpu', 'wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
}

/** Where the runtimes find their files. */
export interface RuntimeOptions {
  /**
   * The URL folder holding tfjs-backend-wasm's .wasm binaries, for a page (its bundler does not ship them
   * beside the script); Node reads them from the package itself.
   */
  readonly wasmPaths?: string;
}

/**
 * Loads the requested runtime, or for `auto` the first of node, wasm, cpu that initialises, recording
 * why each one before it did not. An explicit request that fails throws TfjsRuntimeError.
 */
export async function loadRuntime(request: TfjsRuntimeRequest, options: RuntimeOptions = {}): Promise<LoadedRuntime> {
  if (!TFJS_RUNTIMES.includes(request)) {
    throw new RangeError(`unknown tfjs runtime "${String(request)}"; choose one of: ${TFJS_RUNTIMES.join(', ')}`);
  }
  const order = autoOrder();
  const candidates = request === 'auto' ? order : [request];
  const notes: RuntimeNote[] = [];
  for (const runtime of candidates) {
    const attempt = await tryRuntime(runtime, request === 'auto', options);
    if ('reason' in attempt) {
      if (request !== 'auto') throw new TfjsRuntimeError(runtime, attempt.reason);
      notes.push({ runtime, reason: attempt.reason });
      continue;
    }
    if (request !== 'auto') {
      for (const other of order) if (other !== runtime) notes.push({ runtime: other, reason: `not tried: ${runtime} was requested` });
    }
    return { ...attempt, runtime, notes };
  }
  // cpu is plain JavaScript; reaching this means tfjs-core itself is broken.
  throw new TfjsRuntimeError('cpu', notes.map((n) => `${n.runtime}: ${n.reason}`).join('; '));
}

type Attempt = { tf: Tf; backendName: string; detail: string } | { reason: string };

async function tryRuntime(runtime: TfjsRuntime, hardwareOnly: boolean, options: RuntimeOptions): Promise<Attempt> {
  try {
    if (runtime === 'node') return await loadNode();
    if (runtime === 'webgpu') return await loadWebGpu(hardwareOnly);
    if (runtime === 'wasm') return await loadWasm(options);
    if (runtime === 'webgl') return await loadWebgl();
    return await loadCpu();
  } catch (error) {
    return { reason: oneLine(error) };
  }
}

/**
 * tfjs-node bundles its own @tensorflow/tfjs; its tensors belong to that module's classes, so when it
 * loads every op must go through its namespace, not ours.
 */
async function loadNode(): Promise<Attempt> {
  let tf: Tf | undefined;
  try {
    // A variable specifier: the package is optional, so neither TypeScript nor bundlers may require it.
    const specifier: string = NODE_PACKAGE;
    const loaded = (await import(specifier)) as Tf & { default?: Tf };
    // Node's ESM view of a CommonJS package may expose its exports only as `default`.
    tf = typeof loaded.setBackend === 'function' ? loaded : loaded.default;
  } catch (error) {
    return { reason: nodeLoadFailure(error) };
  }
  if (typeof tf?.setBackend !== 'function') return { reason: `${NODE_PACKAGE} loaded but does not export the TensorFlow.js API` };
  if (!(await tf.setBackend('tensorflow'))) return { reason: 'the "tensorflow" backend failed to initialise' };
  return { tf, backendName: 'tensorflow', detail: 'native libtensorflow binding' };
}

async function loadWasm(options: RuntimeOptions): Promise<Attempt> {
  // In Node the package's own loader reads the .wasm binaries from its dist folder; no setWasmPaths needed.
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths.endsWith('/') ? options.wasmPaths : `${options.wasmPaths}/`);
  // Threads need a Worker from a blob: URL, which Node's worker_threads rejects; SIMD works in Node 20.
  if (isNode()) tfCore.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tfCore.setBackend('wasm'))) return { reason: `initialisation failed: ${await initFailure('wasm')}` };
  const simd = await tfCore.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  return { tf: tfCore, backendName: 'wasm', detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}` };
}

/** tfjs-backend-webgpu over Dawn, on the adapter `provideTfjsWebGpu` found (auto: hardware only). */
async function loadWebGpu(hardwareOnly: boolean): Promise<Attempt> {
  let adapter;
  try {
    adapter = await provideTfjsWebGpu();
  } catch (error) {
    return { reason: oneLine(error) };
  }
  if (hardwareOnly && adapter.software) return { reason: `only a software adapter, ${describeTfjsAdapter(adapter)}, which is slower than wasm` };
  // Imported after navigator.gpu exists: the package registers its backend at import only where it does.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!tfCore.findBackendFactory('webgpu')) return { reason: 'tfjs-backend-webgpu did not register (it was imported before navigator.gpu existed)' };
  if (!(await tfCore.setBackend('webgpu'))) return { reason: `initialisation failed: ${await initFailure('webgpu')}` };
  return { tf: tfCore, backendName: 'webgpu', detail: `on ${describeTfjsAdapter(adapter)}` };
}

/** WebGL through tfjs-backend-webgl: a page's canvas, or OffscreenCanvas in a Worker. */
async function loadWebgl(): Promise<Attempt> {
  if (isNode()) return { reason: 'WebGL needs a browser page or Worker; Node has no WebGL context' };
  await import('@tensorflow/tfjs-backend-webgl');
  if (!(await tfCore.setBackend('webgl'))) return { reason: 'no WebGL context (the browser has WebGL off, or no GPU and no software renderer)' };
  const version = tfCore.env().getNumber('WEBGL_VERSION');
  return { tf: tfCore, backendName: 'webgl', detail: `WebGL ${version}, ${webglRenderer()}` };
}

/** The GPU (or software renderer) behind tfjs's WebGL context, e.g. `ANGLE (Google, Vulkan 1.3.0 (SwiftShader ...)) (software)`. */
function webglRenderer(): string {
  const gl = (tfCore.backend() as unknown as { gpgpu?: { gl?: WebGLLike } }).gpgpu?.gl;
  if (!gl) return 'renderer unknown';
  const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const parameter: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  const renderer = typeof parameter === 'string' ? parameter : 'renderer unknown';
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? `${renderer} (software)` : renderer;
}

interface WebGLLike {
  readonly RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(name: number): unknown;
}

async function loadCpu(): Promise<Attempt> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tfCore.setBackend('cpu'))) return { reason: 'the "cpu" backend failed to initialise' };
  return { tf: tfCore, backendName: 'cpu', detail: 'plain JavaScript, 1 thread' };
}

/** setBackend only logs why a backend failed; running its factory once more yields the error itself. */
async function initFailure(name: string): Promise<string> {
  try {
    await tfCore.findBackendFactory(name)?.();
    return `setBackend("${name}") returned false`;
  } catch (error) {
    return oneLine(error);
  }
}

/** Names the usual ways tfjs-node fails: absent, left empty by a failed install script, or a binding that does not load. */
function nodeLoadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = oneLine(error);
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    if (message.includes(`'${NODE_PACKAGE}'`)) return `not installed (optional dependency ${NODE_PACKAGE} is absent)`;
    if (message.includes(`${NODE_PACKAGE}/`) && !message.includes('.node')) {
      return `installed without its files (its install script, which downloads libtensorflow, failed): ${message}`;
    }
  }
  return `native binding failed to load: ${message}`;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim() || 'unknown error';
}

/** `SIMD, 1 thread; tfjs-node not used: not installed (...)` for wasm. */
export function describeRuntime(loaded: LoadedRuntime): string {
  const skipped = loaded.notes
    .filter((n) => !n.reason.startsWith('not tried'))
    .map((n) => `tfjs-${n.runtime === 'node' ? 'node' : `backend-${n.runtime}`} not used: ${n.reason}`);
  // The runtime itself is the backend's mode (the id `tfjs:wasm` names it); this says how it runs.
  return [loaded.detail, ...skipped].join('; ');
}
