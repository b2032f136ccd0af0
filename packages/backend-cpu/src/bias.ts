/** sums[c] = sum of dy[row, c] over rows [rowStart, rowEnd), in float64, into sums[offset + c]. */
export function biasGradPartial(dy: Float32Array, channels: number, rowStart: number, rowEnd: number, sums: Float64Array, offset: number): void {
  sums.fill(0, offset, offset + channels);
  for (let o = rowStart * channels, end = rowEnd * channels; o < end; o += channels) {
    for (let c = 0; c < channels; c++) sums[offset + c] = sums[offset + c]! + dy[o + c]!;
  }
}
