import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicConfig, getLogger, INFO, shutdown } from '@cb/log';
import {
  animalRace,
  crawlSite,
  lockingRepository,
  startAndJoin,
  taskLocalIds,
  twoTimers,
  watchDaemon,
} from './programs/index.js';

const log = getLogger('tour');

/** Every program of the tour, by name, in cookbook order. */
export const PROGRAMS: Record<string, () => Promise<void>> = {
  workers: async () => {
    await startAndJoin();
  },
  daemon: async () => {
    const { lines, exitedAlone } = await watchDaemon();
    for (const line of lines) log.info(`(child) ${line}`);
    log.info(
      exitedAlone ? 'the child exited on its own while its daemon loop was still running' : 'the child hung',
    );
  },
  timers: async () => {
    await twoTimers();
  },
  race: async () => {
    await animalRace();
  },
  repository: async () => {
    const r = await lockingRepository();
    if (r.auditFailures > 0 || r.stock + r.sold !== r.initial) throw new Error('the books do not balance');
  },
  'task-local': async () => {
    await taskLocalIds();
  },
  crawler: async () => {
    const out = await mkdtemp(join(tmpdir(), 'threading-tour-'));
    try {
      await crawlSite(out);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  },
};

/** Configures logging to stdout with the thread and task of every line. */
export function setupLogging(): void {
  basicConfig({
    level: INFO,
    stream: process.stdout,
    format: '%(threadName)-10s %(taskName)-12s %(name)-16s %(message)s',
  });
}

/** Runs the named programs (all when empty), each under a heading. */
export async function runPrograms(names: string[]): Promise<void> {
  const chosen = names.length > 0 ? names : Object.keys(PROGRAMS);
  for (const name of chosen) {
    const program = PROGRAMS[name];
    if (!program)
      throw new Error(`unknown program "${name}"; choose from ${Object.keys(PROGRAMS).join(', ')}`);
    process.stdout.write(`\n== ${name} ==\n`);
    await program();
  }
  await shutdown();
}
