import type { Layer } from './layers/layer.js';

/**
 * Keras 2's `model.summary()` table for a built model: one row per layer with its type, output shape
 * (batch axis as None) and parameter count, then the totals. Every parameter here is trainable (no
 * layer has frozen weights or running statistics), so Non-trainable params is always 0.
 */
export function formatModelSummary(layers: readonly Layer[], modelName = 'sequential'): string[] {
  const columns = [34, 26, 10];
  const row = (cells: readonly string[]) =>
    cells
      .map((c, i) => ` ${c}`.padEnd(columns[i]!))
      .join('')
      .trimEnd();
  const width = columns.reduce((a, b) => a + b, 0) - 1;
  const lines = [`Model: "${modelName}"`, '_'.repeat(width), row(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(width)];
  let total = 0;
  layers.forEach((layer, i) => {
    const count = layer.params().reduce((n, p) => n + p.value.size, 0);
    total += count;
    lines.push(row([`${layer.name} (${layer.config().type})`, `(None, ${layer.outputShape.join(', ')})`, count.toLocaleString('en-US')]));
    lines.push(i === layers.length - 1 ? '='.repeat(width) : '');
  });
  lines.push(
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${total.toLocaleString('en-US')}`,
    'Non-trainable params: 0',
    '_'.repeat(width),
  );
  return lines;
}
