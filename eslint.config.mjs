// ESLint with typescript-eslint's type-aware rules over every package, tests included (`pnpm lint`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      '.turbo-cache/**',
      '**/coverage/**',
      'docs/api/**',
      '**/.lenet-cache/**',
      '**/.gpu-check/**',
      // Generated from the AssemblyScript kernels by scripts/build-kernels.mjs.
      'packages/backend-wasm/src/generated/**',
      // AssemblyScript, not TypeScript (f32/v128 types, @inline on functions): asc type-checks it.
      'packages/backend-wasm/assembly/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked against the tsconfig.json of its package (apps/web's adds the DOM).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Already in recommendedTypeChecked, named here because they are why this linter is type-aware.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // Added from strictTypeChecked: a new member of a union (a backend kind, a layer type) must reach every switch.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Returning a promise from inside try/catch without await skips the catch: the one place `return await` matters.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `x == null` is the one idiom for "null or undefined"; every other comparison is strict.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Off: async functions that do not await are how this code keeps the promise API of an interface
      // (Backend.read, Provider.availability): a throw inside still becomes a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      // Off: backends pass a caught `unknown` on unchanged (Promise.reject(error), `throw failed` from a worker);
      // wrapping it would hide the original error's class, which the tests and the CLI's messages rely on.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  {
    // Tests corrupt parsed JSON on purpose and compare with vitest's asymmetric matchers (expect.any,
    // expect.closeTo), which are typed `any`: the no-unsafe-* rules guard the sources, not these.
    files: ['**/*.test.ts', '**/test-support/**', 'apps/web/test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Build configs, scripts and the packed-package consumers sit outside every tsconfig: untyped rules only.
    files: ['**/*.mjs', '**/*.cjs', '**/*.mts', '**/*.config.ts', 'vitest.shared.ts', 'packages/backend-gpujs/scripts/**'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // The CommonJS consumer exists to prove the packages load through require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
