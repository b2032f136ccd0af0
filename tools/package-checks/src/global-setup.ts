import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packPackage, type PackedPackage } from './pack.js';
import { publishablePackages } from './workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Every publishable package, packed once for all test files. */
    packed: PackedPackage[];
  }
}

/** Packs every publishable package once into a temporary folder; removed after the run. */
export default function setup(project: TestProject): () => void {
  const destination = mkdtempSync(join(tmpdir(), 'lenet-ts-packed-'));
  const started = performance.now();
  const packed = publishablePackages().map((pkg) => packPackage(pkg, destination));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`packed ${packed.length} packages in ${seconds} s: ${packed.map((p) => `${p.name}@${p.version}`).join(', ')}`);
  project.provide('packed', packed);
  return () => rmSync(destination, { recursive: true, force: true });
}
