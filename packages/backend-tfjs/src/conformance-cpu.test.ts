import { runBackendConformance } from '@lenet-ts/core/testing';
import { createTfjsBackend } from './index.js';

runBackendConformance('tfjs', () => createTfjsBackend({ runtime: 'cpu' }), { label: 'cpu' });
