// `pnpm --filter cli start ...`: builds the CLI and what it depends on, then runs it where the user is.
// pnpm runs package scripts inside apps/cli and sets INIT_CWD to the directory pnpm was run from, so the
// CLI runs there: `--save m.lenet` lands where the user typed it. The build prints nothing when it works
// (a newcomer sees only the CLI's own lines) and its whole log, on stderr, when it fails.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const build = spawnSync('turbo', ['run', 'build', '--filter=@lenet-ts/cli...', '--output-logs=errors-only'], {
  cwd: packageDir,
  encoding: 'utf8',
  // pnpm puts node_modules/.bin on PATH; a shell resolves turbo.cmd on Windows.
  shell: process.platform === 'win32',
});
if (build.error || build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  process.stderr.write(
    `error: building the CLI failed (${build.error?.message ?? `turbo exited with ${build.status}`}); fix the build error above, or run \`pnpm build\` to see it\n`,
  );
  process.exit(build.status ?? 1);
}
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import(pathToFileURL(join(packageDir, 'dist', 'main.js')).href);
