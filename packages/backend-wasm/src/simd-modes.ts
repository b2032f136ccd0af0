/** Which instruction set the kernels use: `auto` takes relaxed SIMD where the engine validates it. */
export type SimdMode = 'auto' | 'relaxed' | 'plain';

/** A module of its own so the provider lists the modes without loading the kernels. */
export const SIMD_MODES: readonly SimdMode[] = ['auto', 'relaxed', 'plain'];
