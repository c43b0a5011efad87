import { fileURLToPath } from 'node:url';
import { WorkerPool, currentTaskName, runTask } from '@cb/concurrency';
import { getLogger } from '@cb/log';
import { jitter } from './sleep.js';

const log = getLogger('tour.workers');

/** What each worker reported when it ended. */
export interface WorkerReport {
  name: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Python's "start some threads and join them": three async tasks start, work for a random while
 * and end; the program waits for all of them. Then the same with real worker threads in a pool.
 */
export async function startAndJoin(count = 3): Promise<{ tasks: WorkerReport[]; threads: string[] }> {
  const t0 = performance.now();
  const tasks = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      runTask(`worker-${i + 1}`, async () => {
        const startedAt = performance.now() - t0;
        log.info('starting');
        await jitter(10, 60);
        log.info('exiting');
        return { name: currentTaskName() ?? '?', startedAt, endedAt: performance.now() - t0 };
      }),
    ),
  );
  log.info(`all ${count} workers joined`);

  const pool = new WorkerPool<number, string>({
    filename: fileURLToPath(new URL('./thread-task.mjs', import.meta.url)),
    name: 'tour',
    size: 2,
  });
  try {
    // Each job is its own named task; the worker runs it under that name, so its log lines show it.
    const threads = await Promise.all([1, 2, 3, 4].map((n) => runTask(`job-${n}`, () => pool.run(n))));
    for (const line of threads) log.info(line);
    return { tasks, threads };
  } finally {
    await pool.close();
  }
}
