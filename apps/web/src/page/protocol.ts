import type { BatchEndLogs } from '@lenet-ts/core';

/** What the page asks the training Worker. */
export type WorkerRequest =
  | { readonly type: 'train'; readonly settings: RunSettings }
  | { readonly type: 'open-model'; readonly bytes: Uint8Array; readonly name: string; readonly backend: string; readonly testLimit: number }
  | { readonly type: 'predict'; readonly pixels: Float32Array };

/** One run's choices (from the form or the query string). */
export interface RunSettings {
  readonly backend: string;
  readonly preset: string;
  readonly epochs: number;
  readonly limit: number;
  readonly testLimit: number;
}

/** The automation contract (`window.lenetRun`): JSON-serializable. */
export interface LenetRun {
  backend: { id: string; description: string } | null;
  epochs: { loss: number; accuracy: number; valLoss: number | null; valAccuracy: number | null }[];
  test: { loss: number; accuracy: number } | null;
  samplesPerSecond: number | null;
  /** Chunks of work the backend's worker threads ran (cpu, wasm: 0 means all ran on one thread); null where not counted. */
  workerChunks: number | null;
  error: string | null;
}

/** A test image the model got wrong (raw 0..255 pixels). */
export interface Misclassified {
  readonly index: number;
  readonly pixels: Uint8Array;
  readonly label: number;
  readonly predicted: number;
}

/** What the Worker reports. */
export type WorkerReport =
  | { readonly type: 'line'; readonly text: string }
  | { readonly type: 'backend'; readonly id: string; readonly description: string }
  | { readonly type: 'batch'; readonly logs: BatchEndLogs; readonly samplesPerSecond: number }
  | { readonly type: 'epoch'; readonly epoch: LenetRun['epochs'][number]; readonly samplesPerSecond: number }
  | {
      readonly type: 'done';
      readonly test: { loss: number; accuracy: number };
      readonly confusion: number[][];
      readonly misclassified: Misclassified[];
      readonly classNames: readonly string[];
      /** The trained model as a `.lenet` file (null for an opened model). */
      readonly model: Uint8Array | null;
      /** Probabilities of the first test images, row by row (for comparing with the CLI). */
      readonly predictions: number[][];
      readonly workerChunks: number | null;
    }
  | { readonly type: 'predicted'; readonly probabilities: number[]; readonly classNames: readonly string[] }
  | { readonly type: 'error'; readonly message: string };
