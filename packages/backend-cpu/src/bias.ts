/**
 * sums[offset + c] = sum of dy[row, c] over rows [rowStart, rowEnd), in float64 and row order. Channel
 * outer, rows inner: each sum stays in a register rather than going back to memory per row.
 */
export function biasGradPartial(dy: Float32Array, channels: number, rowStart: number, rowEnd: number, sums: Float64Array, offset: number): void {
  const end = rowEnd * channels;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = rowStart * channels + c; i < end; i += channels) sum += dy[i]!;
    sums[offset + c] = sum;
  }
}
