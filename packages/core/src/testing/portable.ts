/**
 * @lenet-ts/core/testing without vitest or Node built-ins: the conformance checks, a runner that returns
 * reports, and the fixture parser, for a page or a Worker (the package's `browser` condition picks it).
 */
export { DEFAULT_SEED, portableOptions, runConformanceChecks } from './portable-run.js';
export type { PortableConformanceOptions } from './portable-run.js';
export { conformanceChecks, CHECK_GROUPS } from './checks/index.js';
export { runCheck, CheckRecorder } from './checks/check.js';
export type { CheckContext, CheckGroup, CheckOptions, CheckReport, ConformanceCheck, Primitive } from './checks/check.js';
export { compareClose, compareExact } from './compare.js';
export type { Comparison, WorstElement } from './compare.js';
export { createReferenceBackend, ReferenceBackend } from './reference-backend.js';
export * as reference from './reference.js';
export * as tolerance from './tolerance.js';
export { centralDifferences } from './finite-difference.js';
export { SeededRandom, seedFor } from './prng.js';
export { HandleScope, withScope } from './handle-scope.js';
export { backendLenetStep, referenceLenetStep, lenetGeometry, LENET_PARAMETERS, LENET_PARAMETER_SHAPES } from './lenet-step.js';
export type { LenetGeometry, LenetParameter, LenetStepInput, LenetStepResult, LenetWeights } from './lenet-step.js';
export { FixtureError, LENET_FIXTURE_FILE, parseLenetFixture } from './fixture-parse.js';
export type { LenetStepFixture } from './fixture-parse.js';
export { randomLenetWeights } from './checks/training-step.js';
