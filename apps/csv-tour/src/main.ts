// The chapter as a program: in a terminal it asks for columns and rows like the cookbook's script,
// then runs the tour; in a pipe it runs the tour only. Files go to a temporary folder, removed at exit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { interactive, runTour } from './tour.js';

const dir = await mkdtemp(join(tmpdir(), 'csv-tour-'));
try {
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      for (const line of await interactive(dir, (q) => rl.question(q))) console.log(line);
      const more = (await rl.question('Show the rest of the chapter? (y/N) ')).trim().toLowerCase();
      if (more === 'y' || more === 'yes') for (const line of await runTour(dir)) console.log(line);
    } finally {
      rl.close();
    }
  } else {
    for (const line of await runTour(dir)) console.log(line);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
