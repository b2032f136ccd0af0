/** out[c] = sum over rows of dy[row, c], accumulated in float64 (rows = N*H*W can be tens of thousands). */
export function biasGrad(dy: Float32Array, rows: number, channels: number, sums: Float64Array, out: Float32Array): void {
  sums.fill(0, 0, channels);
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) sums[c] = sums[c]! + dy[o + c]!;
  }
  for (let c = 0; c < channels; c++) out[c] = sums[c]!;
}
