#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { describeMachine, loadAverage } from './machine.js';
import { parseOptions, USAGE, UsageError } from './options.js';
import { plan } from './plan.js';
import { toJson, toMarkdown, writeMarkdown, type BenchRun } from './report.js';
import { TORCH_PEER } from './peer-target.js';
import { launchFor, runChild } from './run-child.js';
import { findTorchPython, NO_TORCH, type TorchDiscovery } from './torch-peer.js';

/** BENCHMARKS.md at the repository root (this file is apps/bench/dist/main.js). */
const DEFAULT_MARKDOWN = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseOptions(argv, DEFAULT_MARKDOWN);
  const machine = describeMachine();
  const loadBefore = loadAverage();
  const startedAt = new Date();
  const started = performance.now();
  const jobs = plan(options);
  const torch: TorchDiscovery = jobs.some((j) => j.request.target.backend === TORCH_PEER)
    ? findTorchPython(options.python)
    : { found: false, reason: NO_TORCH };
  // The Python child reads the files the bench's own loader found and verified.
  const dataDir = torch.found ? (await loadFashionMnist()).source : undefined;
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')}`);
  if (jobs.some((j) => j.request.target.backend === TORCH_PEER))
    log(torch.found ? `torch-peer: ${torch.python} (Python ${torch.pythonVersion}, PyTorch ${torch.torch})` : `torch-peer: ${torch.reason}`);
  if (loadBefore[0] > machine.cores / 2) log(`note: the machine is busy (load ${loadBefore[0].toFixed(2)} on ${machine.cores} cores); figures will be low`);
  const outcomes: BenchRun['outcomes'][number][] = [];
  for (const [i, job] of jobs.entries()) {
    const { target } = job.request;
    const launch = launchFor(target, torch);
    log(
      `[${i + 1}/${jobs.length}] ${job.table === 'main' ? '' : `${job.table}: `}${target.backend} (${target.mode})${launch.xvfb ? ' under xvfb-run' : ''}${launch.python ? ` with ${launch.python}` : ''}`,
    );
    const request = launch.python ? { ...job.request, dataDir } : job.request;
    const result = await runChild(request, launch, job.timeoutSeconds);
    if (!result.available) log(`  unavailable: ${result.description}`);
    else log(`  ${result.description}; peak RSS ${result.peakRssMB.toFixed(0)} MB; ${result.seconds.toFixed(0)} s`);
    outcomes.push({ job, result, xvfb: launch.xvfb });
  }
  const run: BenchRun = {
    quick: options.quick,
    command: ['pnpm bench', ...argv].join(' '),
    machine,
    startedAt,
    seconds: (performance.now() - started) / 1000,
    loadBefore,
    loadAfter: loadAverage(),
    outcomes,
  };
  const section = toMarkdown(run);
  if (options.markdown) {
    writeMarkdown(options.markdown, section);
    log(`wrote ${options.markdown}`);
  } else {
    log('BENCHMARKS.md left unchanged (pass --write to update it)');
  }
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(toJson(run), null, 2)}\n`);
    log(`wrote ${options.json}`);
  }
  process.stdout.write(`${section}\n`);
  return 0;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
