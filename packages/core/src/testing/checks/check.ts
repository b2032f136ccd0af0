import type { Backend } from '../../backend.js';
import type { Comparison } from '../compare.js';
import { compareClose, compareExact } from '../compare.js';
import { SeededRandom, seedFor } from '../prng.js';
import type { Numbers } from '../reference.js';
import type { LenetStepFixture } from '../fixture-parse.js';

/** A Backend method name: what a check exercises. */
export type Primitive = Exclude<keyof Backend, 'apiVersion' | 'name' | 'mode' | 'description' | 'hardware' | 'close'>;

export type CheckGroup = 'contract' | 'primitives' | 'gradients' | 'training step' | 'fixture' | 'memory';

/** Options of a conformance run, resolved to values. */
export interface CheckOptions {
  /** Multiplies every float32 tolerance (see tolerance.ts). */
  readonly toleranceScale: number;
  /** Seed of the suite's random inputs. */
  readonly seed: number;
  /** Explicit location of lenet-step-tfjs-layers.json; found next to the module when undefined. */
  readonly fixturePath: string | undefined;
  /**
   * Gives the tfjs-layers fixture: Node's `resolveOptions` reads it from `fixturePath`; a page passes the fetched
   * file through `portableOptions`. Without it the fixture check fails, naming the fix.
   */
  readonly fixture?: () => LenetStepFixture | Promise<LenetStepFixture>;
}

export interface CheckContext {
  readonly backend: Backend;
  readonly options: CheckOptions;
  /** Random inputs seeded from the suite seed and the check's id. */
  readonly random: SeededRandom;
  readonly record: CheckRecorder;
}

/** One behaviour of the Backend contract, runnable with or without vitest. */
export interface ConformanceCheck {
  /** Stable id, e.g. `conv2dBackwardFilter/lenet-conv1`. */
  readonly id: string;
  readonly group: CheckGroup;
  /** Reads like the spec: what the backend must do. */
  readonly title: string;
  /** The Backend methods whose results this check compares. */
  readonly exercises: readonly Primitive[];
  run(context: CheckContext): Promise<void>;
}

export interface CheckReport {
  readonly id: string;
  readonly title: string;
  readonly passed: boolean;
  /** One line per failed comparison or problem, naming the worst element. */
  readonly failures: readonly string[];
  /** Every comparison made, passing or not, with its worst element. */
  readonly comparisons: readonly Comparison[];
}

/** Collects a check's comparisons and problems. */
export class CheckRecorder {
  readonly comparisons: Comparison[] = [];
  readonly problems: string[] = [];

  add(comparison: Comparison): void {
    this.comparisons.push(comparison);
  }

  close(label: string, got: Numbers, expected: Numbers, allowed: Numbers | number, shape?: readonly number[]): void {
    this.add(compareClose(label, got, expected, allowed, shape));
  }

  exact(label: string, got: Numbers, expected: Numbers, shape?: readonly number[]): void {
    this.add(compareExact(label, got, expected, shape));
  }

  /** A failed expectation that is not an element-wise comparison. */
  expect(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(problem);
  }
}

/** Runs one check against a backend and reports instead of throwing, so a test can assert that it fails. */
export async function runCheck(check: ConformanceCheck, backend: Backend, options: CheckOptions): Promise<CheckReport> {
  const record = new CheckRecorder();
  try {
    await check.run({ backend, options, random: new SeededRandom(seedFor(options.seed, check.id)), record });
  } catch (error) {
    record.problems.push(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  const failures = [...record.problems, ...record.comparisons.filter((c) => !c.passed).map((c) => c.message)];
  return { id: check.id, title: check.title, passed: failures.length === 0, failures, comparisons: record.comparisons };
}
