import { Timer } from '@cb/concurrency';
import { getLogger } from '@cb/log';

const log = getLogger('tour.timers');

/** Python's two timers, one of them cancelled before it fires. Resolves with what ran. */
export async function twoTimers(): Promise<{ ran: string[]; states: string[] }> {
  const ran: string[] = [];
  const first = new Timer(30, () => {
    ran.push('first');
    log.info('first timer fired');
  });
  const second = new Timer(60, () => {
    ran.push('second');
    log.info('second timer fired');
  });
  first.start();
  second.start();
  log.info('both timers started; cancelling the second');
  second.cancel();
  await Promise.all([first.join(), second.join()]);
  log.info(`first: ${first.state}, second: ${second.state}`);
  return { ran, states: [first.state, second.state] };
}
