'use strict';
// Shared by train.mjs (import) and train.cjs (require): the same LeNet steps on one backend, with the
// packages handed in by the caller, so both module systems run identical work on the packed packages.

const COUNT = 40;
const PIXELS = 28 * 28;

/** Deterministic images whose brightest band depends on the label, written and read back as IDX files. */
function syntheticFashion(data) {
  const images = new Uint8Array(COUNT * PIXELS);
  const labels = new Uint8Array(COUNT);
  let state = 12345;
  for (let i = 0; i < COUNT; i++) {
    labels[i] = i % 10;
    for (let p = 0; p < PIXELS; p++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const row = Math.floor(p / 28);
      const band = Math.floor(row / 3) === labels[i] ? 160 : 0;
      images[i * PIXELS + p] = Math.min(255, band + (state >>> 25));
    }
  }
  const imageFile = data.parseIdx(data.encodeIdx([COUNT, 28, 28], images), { name: 'images' });
  const labelFile = data.parseIdx(data.encodeIdx([COUNT], labels), { name: 'labels' });
  return { images: imageFile.data, labels: labelFile.data, count: COUNT, sampleShape: [28, 28, 1] };
}

/** Trains on the backend `id` names (`cpu`, `name:mode`), created through the installed-backend list. */
async function main(m, moduleSystem, id) {
  const dataset = syntheticFashion(m.data);
  const started = performance.now();
  const backend = await m.backends.createBackend(id);
  m.core.assertBackendVersion(backend);
  const model = m.lenet.createLeNet(backend, { preset: m.lenet.modern, seed: 7 });
  // 40 rows, batch 16, 2 epochs: six SGD steps, a partial batch of 8 in each epoch.
  const history = await model.fit(dataset, { epochs: 2, batchSize: 16, seed: 3, verbose: 0 });
  const evaluation = await model.evaluate(dataset, { batchSize: 32 });
  const report = {
    moduleSystem,
    backend: id,
    description: backend.description,
    losses: history.map((epoch) => epoch.loss),
    evaluateLoss: evaluation.loss,
    seconds: (performance.now() - started) / 1000,
  };
  backend.close?.();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

module.exports = { main };
