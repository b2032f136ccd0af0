import { it } from 'vitest';
import { runCli } from './cli.js';
it('scratch', async () => {
  await runCli((process.env.ARGS ?? '').split(' '));
}, 600000);
