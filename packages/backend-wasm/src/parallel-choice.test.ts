import { describe, expect, it } from 'vitest';
import { ParallelChoice } from './parallel-choice.js';

/** Runs `runs` tasks of one shape whose time is `timeOf(parallel, run)`; returns the choice made for each. */
function drive(choice: ParallelChoice, runs: number, timeOf: (parallel: boolean, run: number) => number): boolean[] {
  const made: boolean[] = [];
  for (let run = 0; run < runs; run++) {
    const parallel = choice.parallel();
    made.push(parallel);
    choice.record(timeOf(parallel, run));
  }
  return made;
}

/** Index of the first run after `from` that went to the calling thread, or -1. */
function firstSerial(made: boolean[], from = 0): number {
  return made.indexOf(false, from);
}

describe('ParallelChoice', () => {
  it('warms up with the workers, then times the two ways in alternate runs', () => {
    const made = drive(new ParallelChoice(), 40, (parallel) => (parallel ? 1 : 2));
    const start = firstSerial(made);
    expect(start).toBeGreaterThan(1);
    expect(made.slice(0, start - 1).every(Boolean)).toBe(true);
    // From the run before the first serial one: parallel, serial, parallel, serial, ...
    const probe = made.slice(start - 1, start + 9);
    expect(probe).toEqual([true, false, true, false, true, false, true, false, true, false]);
  });

  it('keeps the workers where they are faster, and times again later', () => {
    const choice = new ParallelChoice();
    const made = drive(choice, 3000, (parallel) => (parallel ? 1 : 2));
    expect(choice.backoffs).toBe(0);
    // Every serial run is a timing run: they come in groups of alternate runs, rarer and rarer.
    const serialRuns = made.flatMap((p, i) => (p ? [] : [i]));
    expect(serialRuns.length).toBeGreaterThanOrEqual(20);
    expect(serialRuns.length / made.length).toBeLessThan(0.02);
    const gaps = serialRuns.slice(1).map((run, i) => run - serialRuns[i]!);
    const longGaps = gaps.filter((gap) => gap > 2);
    expect(longGaps.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < longGaps.length; i++) expect(longGaps[i]!).toBeGreaterThanOrEqual(longGaps[i - 1]!);
  });

  it('runs on the calling thread alone where the workers are not 10% faster', () => {
    const choice = new ParallelChoice();
    const made = drive(choice, 200, (parallel) => (parallel ? 0.95 : 1));
    expect(choice.backoffs).toBeGreaterThan(0);
    // The first timing ends with its fifth serial run; the runs after it stay on the calling thread.
    const serialRuns = made.flatMap((p, i) => (p ? [] : [i]));
    const firstTimingEnd = serialRuns[4]!;
    expect(made.slice(firstTimingEnd + 1, firstTimingEnd + 30).every((p) => !p)).toBe(true);
  });

  it('is not swayed by one stalled run on either side', () => {
    const stallParallel = new ParallelChoice();
    // The first parallel run after the first serial one is inside the first timing: it stalls.
    let sawSerial = false;
    let stalls = 0;
    drive(stallParallel, 200, (parallel) => {
      if (!parallel) sawSerial = true;
      else if (sawSerial && stalls === 0) {
        stalls++;
        return 50;
      }
      return parallel ? 1 : 2;
    });
    expect(stalls).toBe(1);
    expect(stallParallel.backoffs).toBe(0);

    const slowSerial = new ParallelChoice();
    let serialRuns = 0;
    // The workers are slower, but one serial run stalls: the calling thread must still win.
    drive(slowSerial, 100, (parallel) => (parallel ? 2 : ++serialRuns === 2 ? 50 : 1));
    expect(slowSerial.backoffs).toBeGreaterThan(0);
  });

  it('comes back to the workers once they are faster again', () => {
    const choice = new ParallelChoice();
    const made = drive(choice, 4000, (parallel, run) => (run < 100 ? (parallel ? 3 : 1) : parallel ? 1 : 3));
    expect(choice.backoffs).toBeGreaterThan(0);
    expect(made.slice(-500).filter(Boolean).length).toBeGreaterThan(490);
  });
});
