// Runs inside a WorkerPool thread: logs through @cb/log (the line shows the worker's threadName)
// and reports which thread did the work.
import { currentThread } from '@cb/concurrency';
import { INFO, basicConfig, getLogger } from '@cb/log';

basicConfig({
  level: INFO,
  stream: process.stdout,
  format: '%(threadName)-10s %(taskName)-12s %(name)-16s %(message)s',
});
const log = getLogger('tour.workers');

export default function threadTask(n) {
  log.info(`working on task ${n}`);
  let sum = 0;
  for (let i = 0; i < 200_000 * n; i++) sum += i % 7;
  return `task ${n} ran on ${currentThread().name} (sum ${sum})`;
}
