import { CommanderError, Command } from 'commander';
import { BackendUnavailableError, HandleError, ModelFileError, NonFiniteLossError, ShapeError } from '@lenet-ts/core';
import { DataError } from '@lenet-ts/core/data';
import { UsageError } from './backends.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerPredict } from './commands/predict.js';
import { registerSummary } from './commands/summary.js';
import { registerTrain } from './commands/train.js';
import { CrosscheckFailed, registerCrosscheck } from './crosscheck/command.js';
import { defaultCommandHelp } from './default-command-help.js';
import type { CliIo } from './io.js';
import { Interrupted, RunError } from './run-error.js';
import { cliVersion } from './version.js';

export type { CliIo } from './io.js';

/** Exit codes: 0 ok, 1 a run failed (diverged, data broken), 2 the command line was wrong. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** Each command registers itself (options from command-options.ts); `train` is the default command. */
const COMMANDS: readonly ((program: Command, io: CliIo) => void)[] = [
  registerTrain,
  registerEvaluate,
  registerPredict,
  registerSummary,
  registerCrosscheck,
  registerExport,
  registerImport,
];

/** Builds the command tree; `train` is the default command so a bare invocation runs the seed recipe. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('lenet')
    .description('Train LeNet on Fashion-MNIST with a pluggable compute backend')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showSuggestionAfterError(true)
    // Read by runCli before parsing (it may come anywhere); declared here for --help.
    .option('--debug', 'on an internal error, print its stack trace');
  for (const register of COMMANDS) register(program, io);
  program.version(cliVersion(), '-V, --version', 'print the version').addHelpText('after', () => defaultCommandHelp(program, 'train'));
  return program;
}

/**
 * Runs the CLI; resolves to the process exit code. Errors a user can fix print one line, no stack; an
 * unexpected internal error prints one line too, and its stack only with --debug (or LENET_DEBUG=1).
 * A reader that goes away (`| head`) is no error: writes to a closed stdout are dropped.
 */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const debug = argv.includes('--debug') || process.env.LENET_DEBUG === '1';
  const args = argv.filter((arg) => arg !== '--debug');
  dropWritesToClosedStreams(io);
  const program = buildProgram(io);
  try {
    assertKnownCommand(program, args);
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, io, debug);
  }
}

const guarded = new WeakSet<NodeJS.WritableStream>();
/**
 * EPIPE on stdout means the reader closed the pipe: what was left to print has no one to read it, so it
 * is dropped (the error comes asynchronously, even after the command ended, hence a listener that
 * stays). Other write errors on stdout get one line on stderr; errors on stderr have nowhere to go.
 */
function dropWritesToClosedStreams(io: CliIo): void {
  if (!guarded.has(io.stdout)) {
    guarded.add(io.stdout);
    io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') io.stderr.write(`error: cannot write the output (${error.message})\n`);
    });
  }
  if (!guarded.has(io.stderr)) {
    guarded.add(io.stderr);
    io.stderr.on('error', () => {});
  }
}

function report(error: unknown, io: CliIo, debug: boolean): number {
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
    error instanceof CrosscheckFailed ||
    error instanceof BackendUnavailableError ||
    error instanceof ShapeError ||
    error instanceof HandleError
  ) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  if (error instanceof Interrupted) {
    io.stderr.write(`interrupted: ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(debug ? `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` : `${internalErrorLine(error)}\n`);
  return EXIT_FAILURE;
}

/** One line for a failure no check foresaw: what happened, and how to see more. */
export function internalErrorLine(error: unknown): string {
  const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!; // split always returns at least one piece
  const memory =
    error instanceof RangeError && /allocation|memory|Invalid typed array length|Array buffer/i.test(message)
      ? 'out of memory? try a smaller --batch-size; '
      : '';
  return `error: internal error (${message}); ${memory}run with --debug for details`;
}

/**
 * `train` is the default command, so commander would read a mistyped command as an argument of train
 * ("too many arguments for 'train'"); a first word that is no command is named, with the nearest one.
 */
function assertKnownCommand(program: Command, args: readonly string[]): void {
  const word = args[0];
  if (word === undefined || word.startsWith('-')) return;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat('help');
  if (names.includes(word)) return;
  const nearest = names.map((name) => ({ name, distance: editDistance(word, name) })).sort((a, b) => a.distance - b.distance)[0]!;
  const hint = nearest.distance <= Math.max(2, Math.floor(word.length / 2)) ? `did you mean '${nearest.name}'? ` : '';
  throw new UsageError(`unknown command '${word}'; ${hint}commands: ${names.filter((n) => n !== 'help').join(', ')} (see lenet --help)`);
}

/** Levenshtein distance, for suggesting the command a typo meant. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
