import { Event, runTask } from '@cb/concurrency';
import { getLogger } from '@cb/log';
import { jitter } from './sleep.js';

const log = getLogger('tour.race');

export const ANIMALS = ['tortoise', 'hare', 'fox', 'hound', 'cheetah'] as const;

/**
 * The animal race: every animal waits at the start line on one Event, the starter sets it, and
 * each runs `laps` laps of random length. Resolves with the finishing order (winner first).
 */
export async function animalRace(laps = 5): Promise<string[]> {
  const start = new Event();
  const order: string[] = [];
  const runners = ANIMALS.map((animal) =>
    runTask(animal, async () => {
      log.debug('at the start line');
      await start.wait();
      for (let lap = 0; lap < laps; lap++) await jitter(1, 12);
      order.push(animal);
      log.info(`finished ${order.length === 1 ? 'first!' : `#${order.length}`}`);
    }),
  );
  await new Promise((r) => setTimeout(r, 10));
  log.info('ready, set, go!');
  start.set();
  await Promise.all(runners);
  log.info(`the winner is the ${order[0]}`);
  return order;
}
