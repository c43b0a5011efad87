// The chapter as a program: in a terminal it asks for columns and rows like the cookbook's script,
// then runs the tour; in a pipe it runs the tour only. Files go to a temporary folder, removed at exit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type Ask, interactive, runTour } from './tour.js';

const dir = await mkdtemp(join(tmpdir(), 'csv-tour-'));
try {
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // Lines come from the interface's iterator, which keeps lines typed (or pasted) ahead of a prompt.
    const lines = rl[Symbol.asyncIterator]();
    const ask: Ask = async (question) => {
      process.stdout.write(question);
      const next = await lines.next();
      return next.done ? null : next.value;
    };
    try {
      for (const line of await interactive(dir, ask)) console.log(line);
      const more = (await ask('Show the rest of the chapter? (y/N) '))?.trim().toLowerCase();
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
