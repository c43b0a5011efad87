import { local, runTask } from '@cb/concurrency';
import { getLogger } from '@cb/log';
import { jitter } from './sleep.js';

const log = getLogger('tour.task-local');

/**
 * Python's thread-local "process id": each task stores its own id in one shared `local()` object
 * and reads back its own value after other tasks wrote theirs.
 */
export async function taskLocalIds(
  count = 5,
): Promise<Array<{ task: string; assigned: number; readBack: number | undefined }>> {
  const data = local<{ processId: number }>();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      runTask(`task-${i + 1}`, async () => {
        const assigned = 1000 + Math.floor(Math.random() * 9000);
        data.processId = assigned;
        log.info(`set processId = ${assigned}`);
        await jitter(1, 20);
        log.info(`processId is still ${data.processId}`);
        return { task: `task-${i + 1}`, assigned, readBack: data.processId };
      }),
    ),
  );
}
