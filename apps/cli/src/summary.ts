import type { Sequential, Tensor } from '@lenet-ts/core';

/**
 * Runs one random 28x28x1 sample through the model on its backend and prints each layer's output shape,
 * in the form of the d2l seed: `conv2d output shape\t (1, 24, 24, 6)`; then Keras's `model.summary()` table.
 */
export async function printSummary(model: Sequential, write: (line: string) => void): Promise<void> {
  const engine = model.engine;
  const input = new Float32Array(model.options.inputShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < input.length; i++) input[i] = Math.random();
  engine.scope(() => {
    const trace: Tensor[] = [];
    model.forward(engine.upload(input, [1, ...model.options.inputShape]), false, trace);
    model.layers.forEach((layer, i) => write(`${layer.name} output shape\t (${trace[i]!.shape.join(', ')})`));
  });
  write('');
  for (const line of model.summary()) write(line);
}
