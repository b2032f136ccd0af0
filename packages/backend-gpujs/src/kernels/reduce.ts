import { quotient, type KernelSpec, type KernelThis } from './kernel-spec.js';

/** Rows one partial column sum covers (bias gradients: 18432 rows for LeNet conv1 at batch 32). */
export const BIAS_GRADIENT_ROWS_PER_PARTIAL = 256;

/** out[e] = sum_p partials[p * S + e]: the second stage of every split reduction. */
function sumPartials(this: KernelThis<'P' | 'S'>, partials: Float32Array): number {
  const e = this.thread.x;
  let sum = 0;
  for (let p = 0; p < this.constants.P; p++) {
    sum += partials[p * this.constants.S + e]!;
  }
  return sum;
}

/** Partial column sums of dy [ROWS, CH]: output [P, CH], partial p covering rows [p*L, p*L + L). */
function columnSumPartial(this: KernelThis<'ROWS' | 'CH' | 'L'>, dy: Float32Array): number {
  const t = this.thread.x;
  const p = quotient(t, this.constants.CH);
  const ch = t - p * this.constants.CH;
  let sum = 0;
  for (let r = 0; r < this.constants.L; r++) {
    const row = p * this.constants.L + r;
    if (row < this.constants.ROWS) {
      sum += dy[row * this.constants.CH + ch]!;
    }
  }
  return sum;
}

export function sumPartialsSpec(partials: number, size: number): KernelSpec<'P' | 'S'> {
  return { name: 'sumPartials', body: sumPartials, constants: { P: partials, S: size }, size, inputs: ['partials'], scalars: [] };
}

/** The first stage of biasGrad and how many partials it writes; with one partial it is the whole sum. */
export function columnSumPartialSpec(rows: number, channels: number): { spec: KernelSpec<'ROWS' | 'CH' | 'L'>; partials: number } {
  const length = Math.min(rows, BIAS_GRADIENT_ROWS_PER_PARTIAL);
  const partials = Math.ceil(rows / length);
  return {
    partials,
    spec: {
      name: 'columnSumPartial',
      body: columnSumPartial,
      constants: { ROWS: rows, CH: channels, L: length },
      size: partials * channels,
      inputs: ['dy'],
      scalars: [],
    },
  };
}
