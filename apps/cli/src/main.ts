#!/usr/bin/env node
import { internalErrorLine, runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli reports its own errors; this is the last guard, still one line unless --debug.
    const debug = process.argv.includes('--debug') || process.env.LENET_DEBUG === '1';
    process.stderr.write(`${debug && error instanceof Error ? (error.stack ?? error.message) : internalErrorLine(error)}\n`);
    process.exitCode = 1;
  },
);
