import { BoundedSemaphore, Lock, runTask } from '@cb/concurrency';
import { getLogger } from '@cb/log';
import { jitter } from './sleep.js';

const log = getLogger('tour.repository');

/** A stock repository whose read-await-write updates are guarded by a Lock. */
export class Repository {
  readonly #lock = new Lock();
  #stock: number;
  #sold = 0;
  readonly initial: number;

  constructor(stock: number) {
    this.#stock = stock;
    this.initial = stock;
  }

  /** Buys `n` items if there are enough; the check and the update happen under the lock. */
  async purchase(n: number): Promise<boolean> {
    using _held = await this.#lock.acquire();
    const stock = this.#stock;
    await jitter(0, 3); // the "database round trip" between read and write
    if (stock < n) return false;
    this.#stock = stock - n;
    this.#sold += n;
    return true;
  }

  /** Reads a consistent snapshot under the lock. */
  async totals(): Promise<{ stock: number; sold: number }> {
    using _held = await this.#lock.acquire();
    await jitter(0, 2);
    return { stock: this.#stock, sold: this.#sold };
  }
}

/** Result of the repository program. */
export interface RepositoryReport {
  initial: number;
  stock: number;
  sold: number;
  bought: number;
  audits: number;
  auditFailures: number;
  peakAuditors: number;
}

/**
 * Buyers purchase concurrently while auditors, at most 5 at a time (a semaphore), check that
 * stock + sold always equals the initial stock.
 */
export async function lockingRepository(buyers = 20, auditors = 12): Promise<RepositoryReport> {
  const repo = new Repository(100);
  const auditSlots = new BoundedSemaphore(5);
  let bought = 0;
  let audits = 0;
  let auditFailures = 0;
  let auditing = 0;
  let peakAuditors = 0;
  const buying = Array.from({ length: buyers }, (_, i) =>
    runTask(`buyer-${i + 1}`, async () => {
      for (let k = 0; k < 3; k++) {
        const n = 1 + Math.floor(Math.random() * 3);
        if (await repo.purchase(n)) bought += n;
      }
    }),
  );
  const auditing$ = Array.from({ length: auditors }, (_, i) =>
    runTask(`auditor-${i + 1}`, async () => {
      await auditSlots.runExclusive(async () => {
        auditing++;
        peakAuditors = Math.max(peakAuditors, auditing);
        const { stock, sold } = await repo.totals();
        audits++;
        if (stock + sold !== repo.initial) {
          auditFailures++;
          log.error(`books do not balance: ${stock} + ${sold} != ${repo.initial}`);
        } else {
          log.info(`books balance: ${stock} in stock + ${sold} sold = ${repo.initial}`);
        }
        await jitter(2, 8);
        auditing--;
      });
    }),
  );
  await Promise.all([...buying, ...auditing$]);
  const { stock, sold } = await repo.totals();
  log.info(
    `final: ${stock} in stock, ${sold} sold, buyers recorded ${bought}; at most ${peakAuditors} auditors at once`,
  );
  return { initial: repo.initial, stock, sold, bought, audits, auditFailures, peakAuditors };
}
