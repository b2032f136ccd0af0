import { lossInfo, ops, type Sequential, type Tensor } from '@lenet-ts/core';

/** Everything one training step computes, read back to the host. */
export interface StepTrace {
  /** Per layer, in model order (`conv2d`, `max_pooling2d`, ...). */
  readonly activations: readonly Float32Array[];
  readonly loss: number;
  /** Per parameter, in `params()` order (`conv2d/kernel`, `conv2d/bias`, ...). */
  readonly gradients: readonly Float32Array[];
  /** Per parameter, after the SGD update. */
  readonly weights: readonly Float32Array[];
}

/** One training step (same as `Sequential.trainStep`) that keeps every intermediate for comparison. */
export async function tracedStep(model: Sequential, images: Float32Array, labels: Float32Array, loss = model.loss): Promise<StepTrace> {
  const engine = model.engine;
  const batch = labels.length;
  const result = engine.scope(() => {
    const x = engine.upload(images, [batch, ...model.options.inputShape]);
    const y = engine.upload(labels, [batch]);
    const trace: Tensor[] = [];
    const outputs = model.forward(x, true, trace);
    const r = ops.loss(engine, outputs, y, lossInfo(loss, batch, outputs.shape[1]!));
    model.backward(r.gradient);
    const gradients = model.params().map((p) => p.grad!);
    model.optimizer.apply(engine, model.params());
    return { trace, loss: r.loss, gradients };
  });
  const read = (ts: readonly Tensor[]) => Promise.all(ts.map((t) => t.data()));
  const trace = {
    activations: await read(result.trace),
    loss: (await result.loss.data())[0]!,
    gradients: await read(result.gradients),
    weights: await model.getWeights(),
  };
  for (const t of [...result.trace, result.loss, ...result.gradients]) t.dispose();
  return trace;
}
