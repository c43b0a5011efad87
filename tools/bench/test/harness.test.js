import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, runSuite } from '../index.js';

test('median of odd and even lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('interleaves peers, honours quick mode and computes ratios to the baseline', async () => {
  const order = [];
  const result = await runSuite(
    {
      title: 'harness self-test',
      scenarios: [
        {
          name: 'fixed seconds',
          unit: 'ops/s',
          baseline: 'slow',
          rounds: 3,
          warmup: 0,
          peers: {
            slow: () => (order.push('slow'), { work: 10, seconds: 1 }),
            fast: () => (order.push('fast'), { work: 30, seconds: 1, metrics: { mb: 5 } }),
          },
        },
      ],
    },
    [],
  );
  assert.deepEqual(order, ['slow', 'fast', 'fast', 'slow', 'slow', 'fast']);
  const [scenario] = result.scenarios;
  const fast = scenario.rows.find((r) => r.peer === 'fast');
  assert.equal(fast.median, 30);
  assert.equal(fast.ratios.slow, 3);
  assert.equal(fast.metrics.mb, 5);
  const quick = await runSuite({ title: 'q', scenarios: [{ ...scenarioDef(), rounds: 9 }] }, ['--quick']);
  assert.equal(quick.scenarios[0].rounds, 1);
});

test('time measure: a ratio above 1 means less time per op', async () => {
  const result = await runSuite(
    {
      title: 'time',
      scenarios: [
        {
          name: 'ns',
          unit: 'ns/op',
          measure: 'time',
          baseline: 'a',
          rounds: 1,
          warmup: 0,
          peers: { a: () => ({ work: 1e9, seconds: 2 }), b: () => ({ work: 1e9, seconds: 1 }) },
        },
      ],
    },
    [],
  );
  const b = result.scenarios[0].rows.find((r) => r.peer === 'b');
  assert.equal(b.median, 1);
  assert.equal(b.ratios.a, 2);
});

function scenarioDef() {
  return { name: 's', unit: 'ops/s', baseline: 'x', warmup: 0, peers: { x: () => ({ work: 1, seconds: 1 }) } };
}
