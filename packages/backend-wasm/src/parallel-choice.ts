/**
 * Runs of a task shape that are not timed at first. A worker's first runs of a kernel stall for
 * milliseconds while the engine compiles it (measured: 2-3 ms runs among the first 50 of a 140 us one).
 */
const WARMUP_RUNS = 16;
/** Pairs of runs (one with the workers, one without, in turn) timed before each choice. */
const PROBE_PAIRS = 5;
/** Runs made the chosen way after the first timing; doubled after each timing up to MAX_CHOSEN_RUNS. */
const FIRST_CHOSEN_RUNS = 32;
const MAX_CHOSEN_RUNS = 1024;
/** How much faster the runs with the workers must be to be chosen: timings are noisy on shared cores. */
const PARALLEL_MARGIN = 0.9;

/**
 * Whether one task shape (a primitive at given sizes) goes to the workers. Threads pay only where the
 * cores are free: on a machine whose vCPUs are busy with other work a worker is descheduled holding a
 * chunk, and small primitives cost more to hand out than to run. So each shape is timed both ways, in
 * alternate runs so that both sides meet the same conditions, and then runs the faster way for a while
 * before it is timed again. A shape is compared only with itself, so a cheap primitive's time is never
 * weighed against an expensive one's. Medians, because one run in hundreds stalls for milliseconds (a
 * garbage collection, the OS) on either side. Which thread runs a chunk never changes a result.
 */
export class ParallelChoice {
  /** Runs into the current round (timing, then the chosen runs); negative during the warm-up. */
  private position = -WARMUP_RUNS;
  private chosenRuns = FIRST_CHOSEN_RUNS;
  private readonly parallelTimes = new Float64Array(PROBE_PAIRS);
  private readonly serialTimes = new Float64Array(PROBE_PAIRS);
  private chosenParallel = true;
  /** Timings that chose the calling thread alone. */
  backoffs = 0;

  /** Whether the next run of this shape goes to the workers. */
  parallel(): boolean {
    const p = this.position;
    if (p < 0) return true;
    if (p < 2 * PROBE_PAIRS) return p % 2 === 0;
    return this.chosenParallel;
  }

  /** Records the wall time of the run that `parallel()` just chose. */
  record(milliseconds: number): void {
    const p = this.position++;
    if (p < 0) return;
    if (p < 2 * PROBE_PAIRS) {
      (p % 2 === 0 ? this.parallelTimes : this.serialTimes)[p >> 1] = milliseconds;
      if (p === 2 * PROBE_PAIRS - 1) {
        this.chosenParallel = median(this.parallelTimes) < PARALLEL_MARGIN * median(this.serialTimes);
        if (!this.chosenParallel) this.backoffs++;
      }
    } else if (p === 2 * PROBE_PAIRS + this.chosenRuns - 1) {
      this.position = 0;
      this.chosenRuns = Math.min(MAX_CHOSEN_RUNS, 2 * this.chosenRuns);
    }
  }
}

/** Median of an odd-length array, which it sorts in place. */
function median(values: Float64Array): number {
  return values.sort()[values.length >> 1]!;
}
