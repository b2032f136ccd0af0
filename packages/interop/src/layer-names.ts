import type { LayerConfig } from '@lenet-ts/core';

const BASE_NAMES: Readonly<Record<string, string>> = {
  Conv2D: 'conv2d',
  MaxPooling2D: 'max_pooling2d',
  Flatten: 'flatten',
  Dense: 'dense',
  Activation: 'activation',
};

/** The names `Sequential.build` gives these layers (`conv2d`, `conv2d_1`, ...), which prefix their weights' names. */
export function layerNames(layers: readonly LayerConfig[]): string[] {
  const counts = new Map<string, number>();
  return layers.map((config) => {
    const base = BASE_NAMES[config.type] ?? config.type;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  });
}
