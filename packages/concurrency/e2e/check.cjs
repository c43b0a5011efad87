// Shared by smoke.mjs and smoke.cjs, which registry:e2e runs in a fresh project that installed only
// @cb/concurrency: each passes in the package as its build loaded it, and the calls must work there,
// not only load (the CJS build carries p-limit and yocto-queue, ES modules only, inside it).
const assert = require('node:assert/strict');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

module.exports = async function check({ AbortError, Lock, limit, map, WorkerPool }, taskFile) {
  const cap = limit(1);
  const running = cap(() => new Promise((resolve) => setTimeout(() => resolve('ran'), 5)));
  const queued = [cap(() => 1), cap(() => 2)];
  cap.clearQueue('stop');
  const errors = await Promise.all(queued.map((p) => p.catch((e) => e)));
  assert.ok(errors[0] instanceof AbortError && errors[1] instanceof AbortError);
  assert.notEqual(errors[0], errors[1]);
  assert.equal(errors[0].cause, 'stop');
  assert.equal(await running, 'ran');
  assert.deepEqual(await map([1, 2, 3], async (n) => n * 2, { concurrency: 2 }), [2, 4, 6]);
  const lock = new Lock();
  assert.equal(await lock.runExclusive(() => 'locked'), 'locked');
  const task = join(process.cwd(), taskFile.name);
  writeFileSync(task, taskFile.source);
  const pool = new WorkerPool({ filename: task, size: 1 });
  assert.deepEqual(await Promise.all([1, 2].map((n) => pool.run(n))), [2, 4]);
  await pool.close();
};
