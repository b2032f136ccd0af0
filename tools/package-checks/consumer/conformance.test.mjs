// The published conformance suite (@lenet-ts/core/testing, ESM-only, with its shipped tfjs-layers
// fixture) run by a consumer's own vitest against the packed cpu backend and core's reference backend.
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { createReferenceBackend, runBackendConformance } from '@lenet-ts/core/testing';

runBackendConformance('cpu (packed)', () => createCpuBackend());
runBackendConformance('reference (packed)', () => createReferenceBackend());
