import { runBackendConformance } from '@lenet-ts/core/testing';
import { createTfjsBackend } from './index.js';

// CI has no GPU: Dawn runs tfjs-backend-webgpu on Mesa's llvmpipe over OpenGL ES (EGL); a failure to open fails.
runBackendConformance('tfjs', () => createTfjsBackend({ runtime: 'webgpu' }), { label: 'webgpu' });
