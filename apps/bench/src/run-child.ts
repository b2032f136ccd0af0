import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { needsDisplay } from './backends.js';
import { TORCH_PEER } from './peer-target.js';
import { RESULT_MARKER, type ChildRequest, type ChildResult, type Target } from './protocol.js';
import { NO_TORCH, TORCH_PEER_SCRIPT, type TorchDiscovery } from './torch-peer.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const XVFB_RUN = '/usr/bin/xvfb-run';

/**
 * How a child is started: a Node child directly, or under xvfb-run to give a GL mode an X display; torch-peer
 * as a Python child (`python`), or not at all where no Python with torch was found (`notRun` says so).
 */
export interface Launch {
  readonly xvfb: boolean;
  readonly python?: string;
  readonly notRun?: string;
}

/** A mode that needs an X display (headless GL) gets xvfb-run on Linux when there is none and it is installed. */
export function launchFor(target: Target, torch: TorchDiscovery = { found: false, reason: NO_TORCH }): Launch {
  if (target.backend === TORCH_PEER) return torch.found ? { xvfb: false, python: torch.python } : { xvfb: false, notRun: torch.reason };
  const missingDisplay = needsDisplay(target) && process.platform === 'linux' && !process.env.DISPLAY;
  return { xvfb: missingDisplay && existsSync(XVFB_RUN) };
}

/**
 * Runs one measurement in a fresh Node process and returns its answer. Its progress lines (stderr) pass
 * through; a crash or a missing answer becomes an unavailable result that says what happened.
 */
export function runChild(request: ChildRequest, launch: Launch, timeoutSeconds: number): Promise<ChildResult> {
  if (launch.notRun !== undefined)
    return Promise.resolve({ target: request.target, description: launch.notRun, available: false, measurements: [], peakRssMB: 0, seconds: 0 });
  const direct = launch.python === undefined ? [process.execPath, CHILD, JSON.stringify(request)] : [launch.python, TORCH_PEER_SCRIPT, JSON.stringify(request)];
  const [command, ...args] = launch.xvfb ? [XVFB_RUN, '-a', '-s', '-screen 0 1x1x24', ...direct] : direct;
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // A command that cannot start (a --python that vanished) ends up in 'close' with no answer.
    child.on('error', (error) => (stderr += `\n${error.message}`));
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
