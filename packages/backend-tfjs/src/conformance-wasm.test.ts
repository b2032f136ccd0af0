import { runBackendConformance } from '@lenet-ts/core/testing';
import { createTfjsBackend } from './index.js';

// An explicit runtime throws if it cannot load, so this suite can never quietly run on another one.
runBackendConformance('tfjs', () => createTfjsBackend({ runtime: 'wasm' }), { label: 'wasm' });
