import type { Pass } from './measure.js';
import { CONVNETJS_PEER, TFJS_LAYERS_PEER } from './peer-target.js';
import type { Target } from './protocol.js';

/** A peer that runs inside a Node child: the seed LeNet in another JavaScript library, with its own training loop. */
export interface Peer {
  readonly description: string;
  readonly train: Pass;
  readonly infer: Pass;
  /** Loss of the latest training pass (NaN before any). */
  lastLoss(): number;
}

/** Creates a JavaScript peer (torch-peer runs in Python: torch-peer.ts); each library is imported only here. */
export async function createPeer(target: Target): Promise<Peer> {
  if (target.backend === TFJS_LAYERS_PEER) return (await import('./tfjs-layers-peer.js')).createTfjsLayersPeer(target.mode);
  if (target.backend === CONVNETJS_PEER) return (await import('./convnetjs-peer.js')).createConvnetjsPeer(0);
  throw new Error(`${target.backend} is not a JavaScript peer`);
}
