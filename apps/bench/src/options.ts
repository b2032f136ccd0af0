import { resolve } from 'node:path';
import { targetSelectors } from './plan.js';

export interface BenchOptions {
  /** Shorter runs, fewer repeats, sweeps shrunk: the whole run in a few minutes. */
  readonly quick: boolean;
  /** Also write the results as JSON here. */
  readonly json: string | null;
  /** The Markdown file whose generated section is replaced (created if missing); null: print only (no --write). */
  readonly markdown: string | null;
  /**
   * Only these targets: backend ids (`cpu`, or `name:mode`) and peer ids (`torch-peer`, `name:mode`, or
   * `peers` for all); every peer runs unless a peer is named; all when empty.
   */
  readonly only: readonly string[];
  /** The Python to run torch-peer with (it must import torch); null: `python3` on PATH if it does. */
  readonly python: string | null;
  /** Skip the batch-size and thread-count sweeps. */
  readonly noSweeps: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: pnpm bench [--quick] [--write] [--json FILE] [--markdown FILE] [--only TARGET[,TARGET...]] [--python PATH] [--no-sweeps]

Measures training (batch 32 and 256) and inference throughput and peak RSS of every backend and mode,
beside the peers (the same LeNet in PyTorch, ConvNetJS and tfjs-layers), and prints the tables. With --write
it also puts them into BENCHMARKS.md (between its <!-- bench:start --> and <!-- bench:end --> markers), a
tracked file.

  --quick           shorter runs and fewer repeats; the sweeps shrink (a few minutes in all)
  --json FILE       also write { "results": [...] } to FILE
  --write           update BENCHMARKS.md at the repository root
  --markdown FILE   update this Markdown file instead (implies --write)
  --only LIST       only these targets, comma separated: backend ids, and peer ids to narrow the peers
                    (every peer runs unless one is named): ${targetSelectors().join(', ')}
  --python PATH     run torch-peer with this Python (default: the first of python3 on PATH and
                    /usr/bin/python3 that imports torch; none: its rows say "not run")
  --no-sweeps       skip the batch-size and thread-count sweeps`;

/**
 * Parses the command line. Relative paths resolve against the directory `pnpm bench` was started from
 * (pnpm runs the script inside apps/bench and passes the original one as INIT_CWD).
 */
export function parseOptions(argv: readonly string[], defaultMarkdown: string, cwd = process.env.INIT_CWD ?? process.cwd()): BenchOptions {
  let quick = false;
  let json: string | null = null;
  let markdown: string | null = null;
  let write = false;
  let noSweeps = false;
  let python: string | null = null;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = resolve(cwd, value());
    else if (arg === '--write') write = true;
    else if (arg === '--markdown') markdown = resolve(cwd, value());
    else if (arg === '--only')
      only.push(
        ...value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    else if (arg === '--python') {
      // A path (./venv/bin/python) is the user's, relative to where they are; a bare name is looked up on PATH.
      const given = value();
      python = given.includes('/') ? resolve(cwd, given) : given;
    } else if (arg === '--no-sweeps') noSweeps = true;
    else if (arg === '--') continue;
    else throw new UsageError(`unknown option ${arg}`);
  }
  const choices = targetSelectors();
  const unknown = only.find((o) => !choices.includes(o));
  if (unknown !== undefined) throw new UsageError(`--only: no target "${unknown}"; choose from ${choices.join(', ')}`);
  return { quick, json, markdown: markdown ?? (write ? defaultMarkdown : null), only, python, noSweeps };
}
