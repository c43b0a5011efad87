// Non-interactive run of the whole chapter (the `demo` target): works in CI and in a pipe.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTour } from './tour.js';

const dir = await mkdtemp(join(tmpdir(), 'csv-tour-'));
try {
  for (const line of await runTour(dir)) console.log(line);
} finally {
  await rm(dir, { recursive: true, force: true });
}
