import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RESULT_MARKER, type ChildRequest, type ChildResult } from './protocol.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const XVFB_RUN = '/usr/bin/xvfb-run';

/** How a child is started: directly, or under xvfb-run to give headless-gl an X display. */
export interface Launch {
  readonly xvfb: boolean;
}

/** headless-gl needs an X display on Linux: use xvfb-run when there is none and it is installed. */
export function launchFor(backend: string, mode: string): Launch {
  const needsDisplay = backend === 'gpujs' && mode === 'headlessgl' && process.platform === 'linux' && !process.env.DISPLAY;
  return { xvfb: needsDisplay && existsSync(XVFB_RUN) };
}

/**
 * Runs one measurement in a fresh Node process and returns its answer. Its progress lines (stderr) pass
 * through; a crash or a missing answer becomes an unavailable result that says what happened.
 */
export function runChild(request: ChildRequest, launch: Launch, timeoutSeconds: number): Promise<ChildResult> {
  const node = [process.execPath, CHILD, JSON.stringify(request)];
  const [command, ...args] = launch.xvfb ? [XVFB_RUN, '-a', '-s', '-screen 0 1x1x24', ...node] : node;
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (line !== undefined) {
        resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult);
        return;
      }
      const why = signal === 'SIGKILL' ? `killed after ${timeoutSeconds} s` : `exited with ${signal ?? code}`;
      const last = stderr.trim().split('\n').pop() ?? '';
      resolve({ target: request.target, description: `measurement failed (${why}): ${last}`, available: false, measurements: [], peakRssMB: 0, seconds: 0 });
    });
  });
}
