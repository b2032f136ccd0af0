import { createBackend } from '@lenet-ts/backends';
import type { Backend } from '@lenet-ts/core';
import { backendLenetStep, LENET_PARAMETERS, randomLenetWeights, SeededRandom, type LenetStepResult } from '@lenet-ts/core/testing/portable';

/**
 * A dedicated Worker (`threads-check.js?backend=cpu&threads=2,3`) that checks, in the browser, what the Node
 * threads tests check: a LeNet training step gives the same bits on Web Workers as on one thread, and the
 * workers really ran chunks. Each count runs the step twice on one backend: the first step makes the
 * buffers (workers learn them while idle), the second shares its tasks with the workers.
 */
export interface ThreadsCheckResult {
  readonly runs: { threads: number; description: string; workerChunks: number | null; differences: string[] }[];
  readonly error: string | null;
}

const scope = globalThis as unknown as { postMessage(message: ThreadsCheckResult): void; location: { href: string } };

/** Names of the outputs whose bit patterns differ (so -0 vs 0 and NaN payloads count too). */
function differences(result: LenetStepResult<Float32Array>, single: LenetStepResult<Float32Array>): string[] {
  const bits = (values: Float32Array) => new Uint32Array(values.buffer, values.byteOffset, values.length);
  const same = (a: Float32Array, b: Float32Array) => a.length === b.length && bits(a).every((word, i) => word === bits(b)[i]);
  const found: string[] = [];
  if (result.loss !== single.loss) found.push('loss');
  if (result.correct !== single.correct) found.push('correct');
  if (!same(result.outputs, single.outputs)) found.push('outputs');
  for (const name of LENET_PARAMETERS) {
    if (!same(result.grads[name], single.grads[name])) found.push(`${name} gradient`);
    if (!same(result.updated[name], single.updated[name])) found.push(`${name} update`);
  }
  return found;
}

async function check(): Promise<ThreadsCheckResult> {
  const query = new URL(scope.location.href).searchParams;
  const id = query.get('backend') ?? 'cpu';
  const counts = (query.get('threads') ?? '2').split(',').map(Number);
  const random = new SeededRandom(7);
  // Batch 64: every primitive of the step is large enough to be split into chunks.
  const pixels = Float32Array.from({ length: 64 * 784 }, () => Math.floor(random.next() * 256));
  const labels = Float32Array.from({ length: 64 }, () => Math.floor(random.next() * 10));
  const input = { weights: randomLenetWeights(random), images: pixels, labels, batch: 64, learningRate: 0.1 };
  const run = async (threads: number) => {
    const backend: Backend & { startWorkers?: () => Promise<void>; workerChunks?: number } = await createBackend(id, { threads });
    try {
      await backend.startWorkers?.();
      const first = await backendLenetStep(backend, input);
      const second = await backendLenetStep(backend, input);
      return { first, second, description: backend.description, workerChunks: backend.workerChunks ?? null };
    } finally {
      backend.close?.();
    }
  };
  const single = await run(1);
  const runs: ThreadsCheckResult['runs'] = [
    { threads: 1, description: single.description, workerChunks: single.workerChunks, differences: differences(single.second, single.first) },
  ];
  for (const threads of counts) {
    const result = await run(threads);
    const found = [
      ...differences(result.first, single.first).map((d) => `first step: ${d}`),
      ...differences(result.second, single.first).map((d) => `second step: ${d}`),
    ];
    runs.push({ threads, description: result.description, workerChunks: result.workerChunks, differences: found });
  }
  return { runs, error: null };
}

check().then(
  (result) => scope.postMessage(result),
  (error: unknown) => scope.postMessage({ runs: [], error: error instanceof Error ? error.message : String(error) }),
);
