// The fused losses and softmax, per row in float64 (a batch holds a few hundred values: no vectors needed).

function clip(v: f64, lo: f64, hi: f64): f64 {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Index of the row's largest value; the first wins ties. */
function argmaxRow(x: usize, cols: i32): i32 {
  let best = 0;
  for (let j = 1; j < cols; j++) if (load<f32>(x + (<usize>j << 2)) > load<f32>(x + (<usize>best << 2))) best = j;
  return best;
}

/**
 * Writes the batch-mean loss to lossOut, the correct count to correctOut and d(mean loss)/d(input) to gradient.
 * kind 0: TF 2.0 sparse categorical cross-entropy on probabilities, q = clip(p, eps, 1 - eps) with float32
 * bounds, gradient passed where eps <= p <= 1 - eps (TF's clip_by_value); kind 1: softmax cross-entropy.
 */
export function lossRows(input: usize, labels: usize, gradient: usize, lossOut: usize, correctOut: usize, batch: i32, classes: i32, kind: i32, epsilon: f32): void {
  const lo = <f64>epsilon;
  const hi = <f64>(<f32>1.0 - epsilon);
  let total: f64 = 0;
  let correct = 0;
  for (let i = 0; i < batch; i++) {
    const row = input + ((<usize>i * classes) << 2);
    const g = gradient + ((<usize>i * classes) << 2);
    const label = <i32>load<f32>(labels + (<usize>i << 2));
    if (argmaxRow(row, classes) == label) correct++;
    if (kind == 0) {
      let sum: f64 = 0;
      for (let j = 0; j < classes; j++) sum += clip(<f64>load<f32>(row + (<usize>j << 2)), lo, hi);
      const qy = clip(<f64>load<f32>(row + (<usize>label << 2)), lo, hi);
      const common = 1 / sum / batch;
      for (let j = 0; j < classes; j++) {
        const v = <f64>load<f32>(row + (<usize>j << 2));
        const dq = j == label ? common - 1 / qy / batch : common;
        store<f32>(g + (<usize>j << 2), <f32>(v >= lo && v <= hi ? dq : 0));
      }
      total += -Math.log(qy / sum);
    } else {
      let max = -Infinity;
      for (let j = 0; j < classes; j++) max = Math.max(max, <f64>load<f32>(row + (<usize>j << 2)));
      let sum: f64 = 0;
      for (let j = 0; j < classes; j++) sum += Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - max);
      for (let j = 0; j < classes; j++) {
        const softmax = Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - max) / sum;
        store<f32>(g + (<usize>j << 2), <f32>((j == label ? softmax - 1 : softmax) / batch));
      }
      total += max + Math.log(sum) - <f64>load<f32>(row + (<usize>label << 2));
    }
  }
  store<f32>(lossOut, <f32>(total / batch));
  store<f32>(correctOut, <f32>correct);
}

/** Row-wise softmax of x [rows, cols], shifted by the row max. */
export function softmaxRows(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const row = x + ((<usize>i * cols) << 2);
    const out = y + ((<usize>i * cols) << 2);
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, <f64>load<f32>(row + (<usize>j << 2)));
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - max);
    for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>(Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - max) / sum));
  }
}
