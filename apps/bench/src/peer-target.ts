import type { Target } from './protocol.js';

/** The peers every table compares against: the same seed LeNet written in another library, by these names in results. */
export const TORCH_PEER = 'torch-peer';
export const CONVNETJS_PEER = 'convnetjs-peer';
export const TFJS_LAYERS_PEER = 'tfjs-layers-peer';

/** Every peer id, in table order (the strongest expected first). */
export const PEER_IDS: readonly string[] = [TORCH_PEER, CONVNETJS_PEER, TFJS_LAYERS_PEER];

/** `--only peers` (or `peer`) keeps every peer. */
export const ALL_PEERS_SELECTOR = 'peers';

/**
 * Each peer on each runtime it has: PyTorch eager on every core and on one thread (a Python child, where a
 * python3 imports torch; one thread stays fast when other work deschedules PyTorch's OpenMP team);
 * ConvNetJS (plain JavaScript, one thread); tfjs-layers on tfjs's plain-JavaScript cpu backend, on its
 * wasm backend (if tfjs-layers can train there) and on the native binding (which loads only with libtensorflow).
 */
export const PEER_TARGETS: readonly Target[] = [
  { backend: TORCH_PEER, mode: 'eager' },
  { backend: TORCH_PEER, mode: 'eager-1-thread' },
  { backend: CONVNETJS_PEER, mode: 'js' },
  { backend: TFJS_LAYERS_PEER, mode: 'cpu' },
  { backend: TFJS_LAYERS_PEER, mode: 'wasm' },
  { backend: TFJS_LAYERS_PEER, mode: 'node' },
];

/** Packages the peers' figures depend on (their installed versions go into the report). */
export const PEER_LIBRARIES: readonly string[] = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  'convnetjs',
];

export function isPeer(name: string): boolean {
  return PEER_IDS.includes(name);
}

/** Why a peer row is missing, in the report's words. */
export function peerUnavailableNote(target: Target): string {
  if (target.backend === TFJS_LAYERS_PEER && target.mode === 'node') return 'tfjs-node did not load, so there is no native tfjs-layers peer';
  return `${target.backend} (${target.mode}) did not run`;
}
