import { runBackendConformance } from '@lenet-ts/core/testing';
import { createGpujsBackend } from './index.js';

// CI has no GPU: Dawn runs on Mesa's llvmpipe over OpenGL ES (EGL), so webgpu must open here; a failure to, fails.
runBackendConformance('gpujs', () => createGpujsBackend({ mode: 'webgpu' }), { label: 'webgpu' });
