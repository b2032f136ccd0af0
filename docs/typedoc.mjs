// TypeDoc options for `pnpm docs:api`. The entry points come from the publishable packages' manifests, so
// a new package is documented without a line here. A backend's `./provider` entry is left out: its main
// entry exports the same provider.
import { workspaceEntries } from '../scripts/workspace-entries.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  $schema: 'https://typedoc.org/schema.json',
  entryPoints: documentedEntries().map((entry) => entry.source),
  tsconfig: './tsconfig.typedoc.json',
  plugin: ['typedoc-plugin-markdown', './typedoc-package-names.mjs'],
  out: './api',
  name: 'lenet-ts API reference',
  readme: 'none',
  excludeInternal: true,
  excludePrivate: true,
  sort: ['alphabetical'],
  hidePageHeader: true,
  hideBreadcrumbs: true,
  disableSources: true,
  outputFileStrategy: 'modules',
};

export function documentedEntries() {
  return workspaceEntries().filter((entry) => !entry.private && entry.subpath !== './provider');
}

export default config;
