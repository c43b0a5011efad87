// Run by `npm run registry:e2e` in a fresh project that installed only @cb/concurrency: the CJS build
// must work, not only load (p-limit and yocto-queue are ES modules, bundled into this build).
const assert = require('node:assert/strict');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { AbortError, Lock, limit, map, WorkerPool } = require('@cb/concurrency');

async function main() {
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
  const task = join(process.cwd(), 'double-task.cjs');
  writeFileSync(task, 'module.exports = (n) => n * 2;\n');
  const pool = new WorkerPool({ filename: task, size: 1 });
  assert.deepEqual(await Promise.all([1, 2].map((n) => pool.run(n))), [2, 4]);
  await pool.close();
  console.log('cjs smoke ok');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
