// ESM consumer: `import`s every package (their ESM builds), then trains on the backend named in argv.
import * as core from '@lenet-ts/core';
import * as data from '@lenet-ts/core/data';
import * as cpu from '@lenet-ts/backend-cpu';
import * as gpujs from '@lenet-ts/backend-gpujs';
import * as tfjs from '@lenet-ts/backend-tfjs';
import * as lenet from '@lenet-ts/lenet';
import steps from './lenet-steps.cjs';

await steps.main({ core, data, cpu, gpujs, tfjs, lenet }, 'esm', process.argv[2]);
