// ESM consumer: `import`s every package (their ESM builds; each backend package named by the installed-backend
// list), then trains on the backend id named in argv.
import * as backends from '@lenet-ts/backends';
import * as core from '@lenet-ts/core';
import * as data from '@lenet-ts/core/data';
import * as lenet from '@lenet-ts/lenet';
import steps from './lenet-steps.cjs';

for (const provider of backends.providers) {
  const module = await import(provider.packageName);
  if (module[`${provider.name}Provider`] === undefined) throw new Error(`${provider.packageName} does not export ${provider.name}Provider`);
}
await steps.main({ core, data, lenet, backends }, 'esm', process.argv[2]);
