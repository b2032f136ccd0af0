import { measureTarget } from './measure-target.js';
import { RESULT_MARKER, type ChildRequest } from './protocol.js';

/** One measurement process (see measureTarget): prints one result line; exits non-zero only on a bug. */
const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
measureTarget(request).then(
  (result) => {
    process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
    // Workers, WebGL contexts or tfjs thread pools must not keep a finished measurement alive.
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
