export { createBackend, UsageError } from './backends.js';
export { buildProgram, EXIT_FAILURE, EXIT_USAGE, runCli, type CliIo } from './cli.js';
export { printSummary } from './summary.js';
