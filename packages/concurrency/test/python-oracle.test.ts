import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  Semaphore,
  Timer,
  local,
  runTask,
} from '../src/index.js';

const script = fileURLToPath(new URL('./fixtures/oracle.py', import.meta.url));
const outcome = (fn: () => unknown): 'ok' | 'error' => {
  try {
    fn();
    return 'ok';
  } catch {
    return 'error';
  }
};

async function ours(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const s = new Semaphore(2);
  out.semaphore_nonblocking = [s.tryAcquire(), s.tryAcquire(), s.tryAcquire()];
  s.release(2);
  out.semaphore_after_release2 = s.value;
  out.semaphore_release0 = outcome(() => s.release(0));
  out.bounded_over_release = outcome(() => new BoundedSemaphore(1).release());

  const e = new Event();
  out.event = [await e.wait({ timeout: 10 })];
  e.set();
  (out.event as unknown[]).push(await e.wait(), e.isSet());
  e.clear();
  (out.event as unknown[]).push(e.isSet(), await e.wait({ timeout: 0 }));

  const lock = new Lock();
  out.lock_nonblocking = [lock.tryAcquire() !== undefined, lock.tryAcquire() !== undefined];
  lock.release();
  out.lock_release_unlocked = outcome(() => lock.release());

  const cond = new Condition(new Lock());
  await cond.runExclusive(async () => {
    out.condition_wait_timeout = await cond.wait({ timeout: 10 });
    out.condition_wait_for_timeout = await cond.waitFor(() => 0, { timeout: 10 });
  });
  out.condition_notify_unlocked = outcome(() => cond.notify());

  const bar = new Barrier(3);
  out.barrier_indexes = (await Promise.all([bar.wait(), bar.wait(), bar.wait()])).sort();
  bar.abort();
  out.barrier_broken_after_abort = bar.broken;
  out.barrier_wait_when_broken = await bar.wait().then(
    () => 'ok',
    () => 'error',
  );
  bar.reset();
  out.barrier_broken_after_reset = bar.broken;

  const t = new Timer(60_000, () => undefined).start();
  t.cancel();
  await t.join();
  out.timer_finished_after_cancel = t.finished.isSet();
  out.timer_start_twice = outcome(() => t.start());

  const data = local<{ value: string }>();
  data.value = 'main';
  const seen: Record<string, unknown> = {};
  await Promise.all(
    ['a', 'b'].map((name) =>
      runTask(name, async () => {
        seen[name] = 'value' in data;
        data.value = name;
        await new Promise((r) => setImmediate(r));
        seen[`${name}_own`] = data.value;
      }),
    ),
  );
  out.local = [seen.a, seen.a_own, seen.b, seen.b_own, data.value];
  return out;
}

describe('Python threading as the oracle', () => {
  it('matches python3 on semaphores, events, locks, conditions, barriers, timers and local()', async () => {
    const python = JSON.parse(execFileSync('python3', [script], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
    const mine = await ours();
    expect(Object.keys(mine).sort()).toEqual(Object.keys(python).sort());
    expect(mine).toEqual(python);
  });
});
