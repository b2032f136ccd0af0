import type { Target } from './protocol.js';

/** The peer every table compares against: tfjs-layers' own LeNet (peer.ts), by this name in results. */
export const PEER = 'tfjs-layers-peer';

/** The peer on each runtime it has: plain JavaScript, and the native binding (which loads only with libtensorflow). */
export const PEER_TARGETS: readonly Target[] = [
  { backend: PEER, mode: 'cpu' },
  { backend: PEER, mode: 'node' },
];

/** Packages the peer's figures depend on (their installed versions go into the report). */
export const PEER_LIBRARIES: readonly string[] = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu'];

/** Why a peer row is missing, in the report's words. */
export function peerUnavailableNote(target: Target): string {
  return target.mode === 'node' ? 'tfjs-node did not load, so there is no native peer' : `the peer (${target.mode}) did not run`;
}
