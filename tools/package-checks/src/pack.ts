import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspacePackage } from './workspace.js';

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The package's folder in the workspace. */
  readonly dir: string;
  /** The .tgz `pnpm pack` wrote. */
  readonly tarball: string;
  /** The tarball unpacked (its `package/` folder), to read the manifest as published. */
  readonly unpacked: string;
  /** Paths inside the tarball, as pnpm listed them. */
  readonly files: readonly string[];
}

interface PnpmPackJson {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/**
 * Packs one package the way `pnpm publish` would: `workspace:` ranges become real versions and
 * publishConfig applies. The package must have been built (dist/ is what ships).
 */
export function packPackage(pkg: WorkspacePackage, destination: string): PackedPackage {
  if (!existsSync(join(pkg.dir, 'dist'))) {
    throw new Error(`${pkg.manifest.name} has no dist/ folder: run \`pnpm build\` first (pnpm test builds it through turbo)`);
  }
  const stdout = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: pkg.dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = JSON.parse(stdout) as PnpmPackJson;
  const unpackRoot = join(destination, 'unpacked', result.name.replace('/', '__'));
  mkdirSync(unpackRoot, { recursive: true });
  execFileSync('tar', ['-xzf', result.filename, '-C', unpackRoot]);
  return {
    name: result.name,
    version: result.version,
    dir: pkg.dir,
    tarball: result.filename,
    unpacked: join(unpackRoot, 'package'),
    files: result.files.map((file) => file.path),
  };
}
