import { Option, type Command } from 'commander';
import { defaultProvider, installedBackendIds, providers } from '@lenet-ts/backends';
import { formatBackendId, OPTIMIZER_KINDS, parseBackendId } from '@lenet-ts/core';
import { presets } from '@lenet-ts/lenet';
import { resolveBackend, UsageError } from './backends.js';
import { DATASETS } from './data.js';
import { seed } from './options.js';
import { userPath } from './paths.js';

/** The options that pick a backend: `--backend name[:mode]`, plus each backend's own mode flag (an alias). */
export interface BackendOptions {
  backend: string;
  [modeFlag: string]: unknown;
}

/** Commander's property name for a flag: `--tf-runtime` is `tfRuntime`. */
function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function addBackendSelection(command: Command): Command {
  command.addOption(new Option('-b, --backend <name>', 'compute backend: name or name:mode').choices(installedBackendIds()).default(defaultProvider.name));
  for (const { modeFlag } of providers) if (modeFlag) command.option(`${modeFlag.flag} <mode>`, modeFlag.description);
  return command;
}

/** The default seed of every command that builds a fresh LeNet, so train and crosscheck start alike. */
export const DEFAULT_SEED = 0;

/** `--preset` and `--seed`, for commands that build a fresh LeNet. */
export function addRecipeOptions(command: Command, seedHelp = 'seed for the initial weights and the batch order'): Command {
  return command
    .addOption(new Option('-p, --preset <name>', 'training recipe').choices(Object.keys(presets)).default('d2l'))
    .option('--seed <n>', seedHelp, seed, DEFAULT_SEED);
}

/** `--optimizer sgd|adam|rmsprop`, for commands that train; no default here, so the preset's (SGD) applies. */
export function addOptimizerOption(command: Command): Command {
  return command.addOption(
    new Option('--optimizer <name>', "optimizer, Keras semantics and defaults (default: the preset's, sgd; adam and rmsprop start at lr 0.001)").choices(
      OPTIMIZER_KINDS,
    ),
  );
}

/** Backend selection plus the recipe and seed. */
export function addBackendOptions(command: Command): Command {
  return addRecipeOptions(addBackendSelection(command));
}

/** `--data-dir` and `--dataset`, for commands that read Fashion-MNIST or another IDX set (see `loadData` in data.ts). */
export function addDataDirOption(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'directory with the Fashion-MNIST IDX files (else $LENET_DATA_DIR, the cache, the Debian package, a download)', userPath)
    .addOption(
      new Option(
        '--dataset <name>',
        'fashion-mnist (checksummed), or idx: any 28x28, 10-class IDX set in --data-dir under the same four file names, structure-checked only',
      )
        .choices(DATASETS)
        .default('fashion-mnist'),
    );
}

/**
 * The backend id the options name. A backend's mode flag folds into the id (`--backend NAME --its-mode-flag M`
 * is `NAME:M`); a mode flag of another backend, or one that contradicts the id's mode, is an error.
 */
export function backendChoice(options: BackendOptions): string {
  const id = parseBackendId(options.backend);
  let mode = id.mode;
  for (const provider of providers) {
    if (!provider.modeFlag) continue;
    const given = options[optionKey(provider.modeFlag.flag)];
    if (typeof given !== 'string') continue; // absent, or a mode flag's value (commander gives a string)
    if (provider.name !== id.name) throw new UsageError(`${provider.modeFlag.flag} applies to --backend ${provider.name}, not ${id.name}`);
    if (mode !== undefined && mode !== given)
      throw new UsageError(`--backend ${options.backend} and ${provider.modeFlag.flag} ${given} name different modes; give one`);
    mode = given;
  }
  const chosen = formatBackendId({ name: id.name, mode });
  resolveBackend(chosen);
  return chosen;
}
