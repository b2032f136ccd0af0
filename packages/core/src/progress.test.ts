import { describe, expect, it } from 'vitest';
import { formatEvaluateLine, formatFinalLine, KerasProgbar } from './progress.js';

describe('Keras progress output', () => {
  it('prints the TF 2.0 end-of-epoch line', () => {
    const line = formatFinalLine(54000, 12.852, { loss: 1.49321, accuracy: 0.41213, val_loss: 0.82361, val_accuracy: 0.63151 });
    expect(line).toBe(
      '54000/54000 [==============================] - 13s 238us/sample - loss: 1.4932 - accuracy: 0.4121 - val_loss: 0.8236 - val_accuracy: 0.6315',
    );
  });

  it('prints the evaluate line and tiny values in exponent form', () => {
    expect(formatEvaluateLine(10000, 0.6, { loss: 0.51654, accuracy: 0.7527 })).toBe('10000/10000 - 1s - loss: 0.5165 - accuracy: 0.7527');
    expect(formatFinalLine(10, 0.0005, { loss: 0.00012 })).toMatch(/50us\/sample - loss: 1\.2000e-4$/);
  });

  it('writes only the final line when the stream is not a TTY', () => {
    const chunks: string[] = [];
    const bar = new KerasProgbar(64, { write: (s: string) => chunks.push(s), isTTY: false });
    bar.start();
    bar.update(32, { loss: 2 });
    bar.finish({ loss: 1.5, accuracy: 0.5 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^64\/64 \[=+\] - \d+s \d+(us|ms)\/sample - loss: 1\.5000 - accuracy: 0\.5000\n$/);
  });
});
