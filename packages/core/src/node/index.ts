// Node-only helpers (file system): kept out of the main entry so that it stays usable in a browser.
export { removePendingTempFiles, removeStaleTempFiles, resolveOutputTarget, writeFileAtomic } from './atomic-file.js';
export { fileKind, FileTooLargeError, NotARegularFileError, readRegularFile } from './file-kind.js';
export { terminalOutput } from './terminal-output.js';
