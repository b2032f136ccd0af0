import { createHash } from 'node:crypto';
import { checksumError } from './fashion-mnist-files.js';

/** Throws a checksum DataError (naming `where` and `fix`) unless the bytes hash to `expected` (Node's hashing). */
export function verifySha256(bytes: Uint8Array, expected: string, where: string, fix: string): void {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw checksumError(where, actual, expected, fix);
}
