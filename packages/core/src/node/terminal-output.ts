import { SingleBar } from 'cli-progress';
import type { LiveBar, OutputStream } from '../output-stream.js';

/**
 * A Node stream as fit's output, with the live Keras bar on a TTY: cli-progress redraws and throttles it
 * (and needs Node's readline, which is why it lives here and not in core's main entry).
 */
export function terminalOutput(stream: NodeJS.WritableStream & { isTTY?: boolean }): OutputStream {
  return {
    isTTY: Boolean(stream.isTTY),
    write: (text: string) => stream.write(text),
    liveBar(target: number, format: (current: number) => string): LiveBar {
      const bar = new SingleBar({
        stream,
        format: (_options, params) => format(params.value),
        fps: 10,
        hideCursor: false,
        clearOnComplete: true,
        linewrap: false,
        noTTYOutput: false,
      });
      bar.start(target, 0);
      return { update: (current) => bar.update(current), stop: () => bar.stop() };
    },
  };
}
