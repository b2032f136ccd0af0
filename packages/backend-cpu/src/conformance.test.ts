import { runBackendConformance } from '@lenet-ts/core/testing';
import { createCpuBackend } from './index.js';

runBackendConformance('cpu', () => createCpuBackend());
