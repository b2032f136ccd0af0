/**
 * @lenet-ts/core/testing: the Backend conformance suite every backend package runs from its own tests,
 * the float64 references it compares against, and the simplest complete backend.
 */
export { runBackendConformance, resolveOptions, DEFAULT_SEED } from './run-conformance.js';
export { portableOptions, runConformanceChecks } from './portable-run.js';
export type { PortableConformanceOptions } from './portable-run.js';
export type { ConformanceOptions } from './run-conformance.js';
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
export { adaptiveAgainstReference, firstBitDifference } from './adaptive-reference.js';
export type { AdaptiveComparison } from './adaptive-reference.js';
export { HandleScope, withScope } from './handle-scope.js';
export { backendLenetStep, referenceLenetStep, lenetGeometry, LENET_PARAMETERS, LENET_PARAMETER_SHAPES } from './lenet-step.js';
export type { LenetGeometry, LenetParameter, LenetStepInput, LenetStepResult, LenetWeights } from './lenet-step.js';
export { loadLenetFixture, findLenetFixture, fixtureCandidates, FixtureError, LENET_FIXTURE_FILE, parseLenetFixture } from './fixture.js';
export type { LenetStepFixture } from './fixture.js';
export { randomLenetWeights } from './checks/training-step.js';
