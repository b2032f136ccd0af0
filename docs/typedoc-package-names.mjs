// TypeDoc plugin: names each entry point module after the import specifier users write
// ('@lenet-ts/core/data') instead of its source folder ('packages/core/src/data').
import { Converter, ReflectionKind } from 'typedoc';

const NAMES = {
  'packages/core/src': '@lenet-ts/core',
  'packages/core/src/data': '@lenet-ts/core/data',
  'packages/core/src/testing': '@lenet-ts/core/testing',
  'packages/backend-cpu/src': '@lenet-ts/backend-cpu',
  'packages/backend-tfjs/src': '@lenet-ts/backend-tfjs',
  'packages/backend-gpujs/src': '@lenet-ts/backend-gpujs',
  'packages/lenet/src': '@lenet-ts/lenet',
  'packages/interop/src': '@lenet-ts/interop',
  'apps/cli/src': '@lenet-ts/cli',
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const name = NAMES[module.name];
      if (name === undefined) app.logger.warn(`typedoc-package-names: no import name for module ${module.name}`);
      else module.name = name;
    }
  });
}
