import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** The tests `pnpm test:mutation` runs against each mutant of the CLI's file writing (files.ts). */
export default mergeConfig(shared, defineConfig({ test: { include: ['src/files.test.ts', 'src/outputs.test.ts', 'src/mutation/*.test.ts'] } }));
