'use strict';
// CommonJS consumer: `require`s every package (their CJS builds), then trains on the backend named in argv.
const core = require('@lenet-ts/core');
const data = require('@lenet-ts/core/data');
const cpu = require('@lenet-ts/backend-cpu');
const gpujs = require('@lenet-ts/backend-gpujs');
const tfjs = require('@lenet-ts/backend-tfjs');
const lenet = require('@lenet-ts/lenet');
const steps = require('./lenet-steps.cjs');

steps.main({ core, data, cpu, gpujs, tfjs, lenet }, 'cjs', process.argv[2]).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
