/** How far one file's download has got. */
export interface DownloadProgress {
  file: string;
  url: string;
  receivedBytes: number;
  /** From Content-Length; undefined when the server does not say. */
  totalBytes: number | undefined;
  done: boolean;
}

/** Receives progress events while a download runs. */
export type DownloadProgressListener = (progress: DownloadProgress) => void;

/**
 * The default progress display on stderr: a self-rewriting line on a TTY, else a line every `intervalMs`
 * (default 10 s) while a file downloads and one when it is done, so a CI log shows a slow mirror is alive
 * and stays short. The one place to swap in a progress-bar library.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr, options: { intervalMs?: number } = {}): DownloadProgressListener {
  const intervalMs = options.intervalMs ?? 10_000;
  let lastDrawn = 0;
  let lastLine: { file: string; at: number } | undefined;
  return (progress) => {
    const amount =
      progress.totalBytes === undefined
        ? `${megabytes(progress.receivedBytes)} MB`
        : `${megabytes(progress.receivedBytes)}/${megabytes(progress.totalBytes)} MB ` +
          `${Math.floor((100 * progress.receivedBytes) / Math.max(progress.totalBytes, 1))}%`;
    if (stream.isTTY) {
      const now = Date.now();
      if (!progress.done && now - lastDrawn < 100) return; // redraw at most ten times a second
      lastDrawn = now;
      stream.write(`\r\x1b[Kdownloading ${progress.file} ${amount}${progress.done ? '\n' : ''}`);
    } else if (progress.done) {
      lastLine = undefined;
      stream.write(`downloaded ${progress.file} (${megabytes(progress.receivedBytes)} MB) from ${progress.url}\n`);
    } else {
      const now = Date.now();
      if (lastLine?.file !== progress.file) lastLine = { file: progress.file, at: now };
      else if (now - lastLine.at >= intervalMs) {
        lastLine.at = now;
        stream.write(`downloading ${progress.file}: ${amount}\n`);
      }
    }
  };
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
