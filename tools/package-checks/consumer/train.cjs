'use strict';
// CommonJS consumer: `require`s every package (their CJS builds; each backend package named by the
// installed-backend list), then trains on the backend id named in argv.
const backends = require('@lenet-ts/backends');
const core = require('@lenet-ts/core');
const data = require('@lenet-ts/core/data');
const lenet = require('@lenet-ts/lenet');
const steps = require('./lenet-steps.cjs');

for (const provider of backends.providers) {
  if (require(provider.packageName)[`${provider.name}Provider`] === undefined) {
    throw new Error(`${provider.packageName} does not export ${provider.name}Provider`);
  }
}
steps.main({ core, data, lenet, backends }, 'cjs', process.argv[2]).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
