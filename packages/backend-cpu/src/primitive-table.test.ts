import { readFileSync } from 'node:fs';
import type { Primitive } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { Task } from './task.js';

/** Every Backend primitive; the compiler refuses this object when one is missing or unknown. */
const PRIMITIVES: Record<Primitive, true> = {
  upload: true,
  read: true,
  dispose: true,
  memory: true,
  conv2d: true,
  matMul: true,
  maxPool: true,
  activation: true,
  softmax: true,
  conv2dBackwardInput: true,
  conv2dBackwardFilter: true,
  maxPoolBackward: true,
  activationBackward: true,
  biasGrad: true,
  loss: true,
  sgdUpdate: true,
  adaptiveUpdate: true,
};

function source(file: string): string {
  return readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
}

interface Row {
  readonly primitives: readonly string[];
  /** What one chunk covers; '-' for a primitive that only the calling thread runs. */
  readonly chunks: string;
  readonly kernels: string;
}

/** The rows of the table at the top of cpu-backend.ts. */
function tableRows(): Row[] {
  const header = source('cpu-backend.ts').split('*/')[0]!;
  return header
    .split('\n')
    .map((line) => line.replace(/^ \* ?/, ''))
    .filter((line) => line.includes('|') && !line.startsWith('primitive') && !line.startsWith('---'))
    .map((line) => {
      const [primitives, chunks, kernels] = line.split('|').map((cell) => cell.trim());
      return { primitives: primitives!.split(/\s+/), chunks: chunks!, kernels: kernels! };
    });
}

/** `name name (file.ts), name (file.ts)` as [name, file] pairs. */
function kernelsOf(cell: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const group of cell.matchAll(/([\w. ]+?)\s*\(([\w-]+\.ts)\)/g)) {
    for (const name of group[1]!.trim().split(/\s+/)) pairs.push([name, group[2]!]);
  }
  return pairs;
}

describe('the primitive table of cpu-backend.ts', () => {
  const rows = tableRows();

  it('has one row for every Backend primitive', () => {
    const listed = rows.flatMap((row) => row.primitives).sort();
    expect(listed).toEqual(Object.keys(PRIMITIVES).sort());
  });

  it('cuts into chunks exactly the primitives that have a task kind and an Executor method of their name', () => {
    const executor = source('executor.ts');
    const shared = rows.filter((row) => !row.chunks.startsWith('-'));
    expect(shared.map((row) => row.primitives[0]).sort()).toEqual(Object.keys(Task).sort());
    for (const row of shared) {
      expect(executor, `Executor.${row.primitives[0]}`).toMatch(new RegExp(`\\n  private ${row.primitives[0]}\\(`));
    }
  });

  it('names kernels that exist in the files it names', () => {
    for (const row of rows) {
      const kernels = kernelsOf(row.kernels);
      expect(kernels.length, row.primitives.join(' ')).toBeGreaterThan(0);
      for (const [name, file] of kernels) {
        const text = source(file);
        const [owner, method] = name.split('.');
        if (method !== undefined) {
          expect(text, `${name} in ${file}`).toMatch(new RegExp(`export class ${owner}\\b[\\s\\S]*\\n  ${method}\\(`));
        } else {
          expect(text, `${name} in ${file}`).toMatch(new RegExp(`export (function|class) ${name}\\b`));
        }
      }
    }
  });
});
