import { setTimeout as delay } from 'node:timers/promises';

/** Sleeps a random number of milliseconds in [min, max). */
export function jitter(min: number, max: number): Promise<void> {
  return delay(min + Math.random() * (max - min));
}

export { delay };
