import { Option, type Command } from 'commander';
import { presets } from '@lenet-ts/lenet';
import { BACKENDS, UsageError, type BackendChoice } from './backends.js';
import { nonNegativeInt } from './options.js';

/** The options that pick a backend (and its mode), shared by every command that runs a model. */
export interface BackendOptions {
  backend: string;
  tfRuntime?: string;
  gpujsMode?: string;
}

export function addBackendSelection(command: Command): Command {
  return command
    .addOption(new Option('-b, --backend <name>', 'compute backend').choices(Object.keys(BACKENDS)).default('cpu'))
    .option('--tf-runtime <runtime>', 'tfjs runtime: auto (tfjs-node, else wasm, else cpu), node, wasm, cpu')
    .option('--gpujs-mode <mode>', 'gpu.js mode: auto, headlessgl, webgpu, webasm, cpu');
}

/** Backend selection plus the recipe and seed, for commands that build a fresh LeNet. */
export function addBackendOptions(command: Command): Command {
  return addBackendSelection(command)
    .addOption(new Option('-p, --preset <name>', 'training recipe').choices(Object.keys(presets)).default('d2l'))
    .option('--seed <n>', 'seed for the initial weights and the batch order', nonNegativeInt, 0);
}

/** The mode option that belongs to the chosen backend; a mode given for another backend is an error. */
export function backendChoice(options: BackendOptions): BackendChoice {
  const modes: Record<string, string | undefined> = { tfjs: options.tfRuntime, gpujs: options.gpujsMode };
  for (const [backend, mode] of Object.entries(modes)) {
    if (mode !== undefined && backend !== options.backend) {
      throw new UsageError(`${backend === 'tfjs' ? '--tf-runtime' : '--gpujs-mode'} applies to --backend ${backend}, not ${options.backend}`);
    }
  }
  return { name: options.backend, mode: modes[options.backend] };
}
