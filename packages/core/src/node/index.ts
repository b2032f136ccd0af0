// Node-only helpers (file system): kept out of the main entry so that it stays usable in a browser.
export { removePendingTempFiles, writeFileAtomic } from './atomic-file.js';
export { terminalOutput } from './terminal-output.js';
