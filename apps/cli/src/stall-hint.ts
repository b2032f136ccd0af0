import { plural } from './plural.js';

/** Below this test accuracy a 10-class model has learned nothing (chance is 0.10). */
const CHANCE_LEVEL = 0.15;

/**
 * The d2l seed recipe (sigmoid, lr 0.9 on raw pixels) sits at chance for its first ~15,000 samples before it
 * starts to learn, so a quick `--limit` run of it ends at 0.10 and looks broken. One line says why and
 * what to run instead; null when the run is not such a case.
 */
export function stallHint(run: {
  preset: string;
  limit: number | null;
  rows: number;
  validationSplit: number;
  epochs: number;
  testAccuracy: number;
}): string | null {
  if (run.preset !== 'd2l' || run.limit === null || run.testAccuracy > CHANCE_LEVEL) return null;
  return (
    `Note: ${run.testAccuracy.toFixed(4)} is chance level. The d2l recipe stalls near 10% for its first ~15,000 training samples ` +
    `and this run trained on ${(Math.floor(run.rows * (1 - run.validationSplit)) * run.epochs).toLocaleString('en-US')} (--limit ${run.limit}, ${plural(run.epochs, 'epoch')}); ` +
    'for quick runs pass --preset modern, or train on more rows'
  );
}
