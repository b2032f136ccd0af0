import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { needsDisplay } from './backends.js';
import { RESULT_MARKER, type ChildRequest, type ChildResult, type Target } from './protocol.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const XVFB_RUN = '/usr/bin/xvfb-run';

/** How a child is started: directly, or under xvfb-run to give a GL mode an X display. */
export interface Launch {
  readonly xvfb: boolean;
}

/** A mode that needs an X display (headless GL) gets xvfb-run on Linux when there is none and it is installed. */
export function launchFor(target: Target): Launch {
  const missingDisplay = needsDisplay(target) && process.platform === 'linux' && !process.env.DISPLAY;
  return { xvfb: missingDisplay && existsSync(XVFB_RUN) };
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
