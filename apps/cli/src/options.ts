import { InvalidArgumentError } from 'commander';

/**
 * The one number parser behind every numeric option: plain decimal only (`12`, `0.05`, `1e-3`), so hex,
 * octal, binary, `Infinity` and empty strings are refused alike everywhere; integers take no fraction or
 * exponent. A bad value becomes commander's one-line error that says what is allowed.
 */
export function parseNumber(value: string, rule: { integer: boolean; min: number; max?: number; exclusiveMin?: boolean; what: string }): number {
  const text = value.trim();
  const syntax = rule.integer ? /^\+?\d+$/ : /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const n = Number(text);
  const ok =
    syntax.test(text) &&
    Number.isFinite(n) &&
    (!rule.integer || Number.isSafeInteger(n)) &&
    (rule.exclusiveMin ? n > rule.min : n >= rule.min) &&
    (rule.max === undefined || n <= rule.max);
  if (!ok) throw new InvalidArgumentError(`must be ${rule.what}.`);
  return n;
}

export function positiveInt(value: string): number {
  return parseNumber(value, { integer: true, min: 1, what: 'a positive integer' });
}

export function nonNegativeInt(value: string): number {
  return parseNumber(value, { integer: true, min: 0, what: 'a non-negative integer' });
}

export function positiveNumber(value: string): number {
  return parseNumber(value, { integer: false, min: 0, exclusiveMin: true, what: 'a positive number' });
}

/** The largest seed: the generator is seeded from one 32-bit word, so larger values would wrap silently. */
export const MAX_SEED = 2 ** 32 - 1;

export function seed(value: string): number {
  return parseNumber(value, { integer: true, min: 0, max: MAX_SEED, what: `an integer from 0 to ${MAX_SEED}` });
}
