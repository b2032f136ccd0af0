// TypeDoc plugin: names each entry point module after the import specifier users write
// ('@lenet-ts/core/data') instead of its source folder ('packages/core/src/data').
import { Converter, ReflectionKind } from 'typedoc';
import { documentedEntries } from './typedoc.mjs';

const NAMES = Object.fromEntries(documentedEntries().map((entry) => [entry.folder, entry.specifier]));

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
