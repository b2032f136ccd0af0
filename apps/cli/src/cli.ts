import { CommanderError, Command } from 'commander';
import { ModelFileError, NonFiniteLossError } from '@lenet-ts/core';
import { DataError } from '@lenet-ts/core/data';
import { UsageError } from './backends.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerPredict } from './commands/predict.js';
import { registerSummary } from './commands/summary.js';
import { registerTrain } from './commands/train.js';
import { CrosscheckFailed, registerCrosscheck } from './crosscheck/command.js';
import { defaultCommandHelp } from './default-command-help.js';
import { EXIT_INTERRUPTED } from './interrupt.js';
import type { CliIo } from './io.js';
import { Interrupted, RunError } from './run-error.js';
import { cliVersion } from './version.js';

export type { CliIo } from './io.js';

/** Exit codes: 0 ok, 1 a run failed (diverged, data broken), 2 the command line was wrong. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** Each command registers itself (options from command-options.ts); `train` is the default command. */
const COMMANDS: readonly ((program: Command, io: CliIo) => void)[] = [registerTrain, registerEvaluate, registerPredict, registerSummary, registerCrosscheck];

/** Builds the command tree; `train` is the default command so a bare invocation runs the seed recipe. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('lenet')
    .description('Train LeNet on Fashion-MNIST with a pluggable compute backend')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showSuggestionAfterError(true);
  for (const register of COMMANDS) register(program, io);
  program.version(cliVersion(), '-V, --version', 'print the version').addHelpText('after', () => defaultCommandHelp(program, 'train'));
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors a user can fix print one line, no stack. */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (
      error instanceof DataError ||
      error instanceof ModelFileError ||
      error instanceof RunError ||
      error instanceof NonFiniteLossError ||
      error instanceof CrosscheckFailed
    ) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    if (error instanceof Interrupted) {
      io.stderr.write(`interrupted: ${error.message}\n`);
      return EXIT_INTERRUPTED;
    }
    throw error;
  }
}
