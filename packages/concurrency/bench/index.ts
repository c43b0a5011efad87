import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runSuite } from '@cb-tools/bench';
import pLimit from 'p-limit';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import { Lock, WorkerPool, limit, map } from '../src/index.js';
import hash from './hash-task.mjs';

const hashTask = fileURLToPath(new URL('./hash-task.mjs', import.meta.url));
const emptyTask = fileURLToPath(new URL('./empty-task.mjs', import.meta.url));
const mapChild = fileURLToPath(new URL('./map-child.mjs', import.meta.url));
// The memory children load the build when there is one (plain node: nothing but the package in
// memory), else the sources through tsx, whose own memory then shows in both peers' figures.
const built = new URL('../dist/index.js', import.meta.url);
const childEntry = existsSync(built) ? built.href : new URL('../src/index.ts', import.meta.url).href;
const childArgs = existsSync(built) ? [] : ['--import', 'tsx'];
// The bench runs the pool from src/ (its bootstrap is src/worker.ts), so workers load tsx first.
const execArgv = ['--import', new URL('../test/fixtures/register-tsx.mjs', import.meta.url).href];
const identity = (i: number) => i;
function* range(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

function child(peer: string, n: number): { seconds: number; maxRssMb: number } {
  const out = execFileSync(process.execPath, [...childArgs, mapChild, peer, String(n)], {
    encoding: 'utf8',
    env: { ...process.env, CB_CONCURRENCY_ENTRY: childEntry },
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

// Pools are started once (warm) and shared by the pool scenarios; their threads count as CPU time.
const size = 2;
let cbPool: WorkerPool<{ data: Uint8Array; rounds: number }, string>;
// Same tasks, a module that does nothing: the most tasks/s the pool itself can move on this machine.
let cbEmptyPool: WorkerPool<{ data: Uint8Array; rounds: number }, string>;
let piscina: Piscina;
let tinypool: Tinypool;
const small: { data: Uint8Array; rounds: number }[] = [];
const heavy: { data: Uint8Array; rounds: number }[] = [];

async function startPools(quick: boolean): Promise<void> {
  cbPool = new WorkerPool({ filename: hashTask, size, name: 'bench', execArgv });
  cbEmptyPool = new WorkerPool({ filename: emptyTask, size, name: 'bench-empty', execArgv });
  piscina = new Piscina({ filename: hashTask, minThreads: size, maxThreads: size });
  tinypool = new Tinypool({ filename: hashTask, minThreads: size, maxThreads: size });
  small.length = 0;
  heavy.length = 0;
  for (let i = 0; i < (quick ? 2000 : 10_000); i++) small.push({ data: randomBytes(1024), rounds: 1 });
  for (let i = 0; i < 8; i++) heavy.push({ data: randomBytes(1 << 20), rounds: quick ? 5 : 40 });
  // Warm every pool so thread start-up is not measured.
  await Promise.all(
    [cbPool, cbEmptyPool, piscina, tinypool].map((p) =>
      Promise.all(small.slice(0, 100).map((t) => p.run(t))),
    ),
  );
}

let pools: Promise<void> | undefined;

/** Starts the pools for whichever pool scenario runs first (either may run alone with --filter). */
function ensurePools(quick: boolean): Promise<void> {
  pools ??= startPools(quick);
  return pools;
}

async function stopPools(): Promise<void> {
  if (!pools) return;
  pools = undefined;
  await Promise.all([cbPool.close(), cbEmptyPool.close(), piscina.destroy(), tinypool.destroy()]);
}

function cpuSeconds(before: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1e6;
}

async function timedCpu(fn: () => Promise<unknown> | unknown, work: number) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { work, seconds, metrics: { 'CPU s': cpuSeconds(cpu) } };
}

await runSuite({
  title: '@cb/concurrency',
  scenarios: [
    {
      name: 'map over trivial tasks, concurrency 10 (same process)',
      unit: 'tasks/s',
      baseline: 'p-limit (queue all)',
      compare: ['10 workers on an iterator, results kept (hand-written)'],
      peers: {
        '@cb/concurrency map': async ({ quick }) => {
          const n = quick ? 100_000 : 1_000_000;
          await map(range(n), identity, { concurrency: 10 });
          return n;
        },
        'p-limit (queue all)': async ({ quick }) => {
          const n = quick ? 100_000 : 1_000_000;
          const cap = pLimit(10);
          await Promise.all(Array.from(range(n), (i) => cap(identity, i)));
          return n;
        },
        '10 workers on an iterator, results kept (hand-written)': async ({ quick }) => {
          const n = quick ? 100_000 : 1_000_000;
          const it = range(n);
          const results: number[] = [];
          let next = 0;
          const worker = async () => {
            for (let r = it.next(); !r.done; r = it.next()) {
              const i = next++;
              results[i] = await identity(r.value);
            }
          };
          await Promise.all(Array.from({ length: 10 }, worker));
          return n;
        },
      },
    },
    {
      name: 'map over 1M trivial tasks, concurrency 10, peak RSS (fresh process per peer)',
      unit: 'tasks/s',
      baseline: 'p-limit (queue all)',
      rounds: 3,
      warmup: 0,
      peers: {
        '@cb/concurrency map': ({ quick }) => {
          const n = quick ? 200_000 : 1_000_000;
          const r = child('map', n);
          return { work: n, seconds: r.seconds, metrics: { 'peak RSS MB': r.maxRssMb } };
        },
        'p-limit (queue all)': ({ quick }) => {
          const n = quick ? 200_000 : 1_000_000;
          const r = child('p-limit', n);
          return { work: n, seconds: r.seconds, metrics: { 'peak RSS MB': r.maxRssMb } };
        },
      },
    },
    {
      name: 'limit(10) vs raw p-limit, 100k async calls',
      unit: 'calls/s',
      baseline: 'p-limit',
      // Each round allocates ~1M promises, so garbage collection moves single rounds by 20% or more
      // either way; 11 rounds keep one such round from setting the median.
      rounds: 11,
      peers: {
        '@cb/concurrency limit': async ({ quick }) => {
          const n = quick ? 20_000 : 100_000;
          const cap = limit(10);
          const all = new Array<Promise<number>>(n);
          for (let i = 0; i < n; i++) all[i] = cap(identity, i);
          await Promise.all(all);
          return n;
        },
        'p-limit': async ({ quick }) => {
          const n = quick ? 20_000 : 100_000;
          const cap = pLimit(10);
          const all = new Array<Promise<number>>(n);
          for (let i = 0; i < n; i++) all[i] = cap(identity, i);
          await Promise.all(all);
          return n;
        },
      },
    },
    {
      name: 'uncontended Lock acquire + release',
      measure: 'time',
      unit: 'ns/op',
      scale: 1e9,
      baseline: 'await of a resolved promise',
      peers: {
        'Lock: await acquire(), release()': async ({ quick }) => {
          const n = quick ? 100_000 : 2_000_000;
          const lock = new Lock();
          for (let i = 0; i < n; i++) (await lock.acquire()).release();
          return n;
        },
        'Lock: tryAcquire(), release()': ({ quick }) => {
          const n = quick ? 100_000 : 2_000_000;
          const lock = new Lock();
          for (let i = 0; i < n; i++) lock.tryAcquire()?.release();
          return n;
        },
        'await of a resolved promise': async ({ quick }) => {
          const n = quick ? 100_000 : 2_000_000;
          const p = Promise.resolve(1);
          for (let i = 0; i < n; i++) await p;
          return n;
        },
      },
    },
    {
      name: `10k x 1 KB sha256 tasks, pools of ${size} threads (warm)`,
      unit: 'tasks/s',
      baseline: 'main thread',
      compare: ['piscina', 'tinypool'],
      setup: ({ quick }) => ensurePools(quick),
      peers: {
        'main thread': () => timedCpu(() => small.map((t) => hash(t)), small.length),
        '@cb/concurrency WorkerPool': () =>
          timedCpu(() => Promise.all(small.map((t) => cbPool.run(t))), small.length),
        '@cb/concurrency WorkerPool, empty task (the pool alone)': () =>
          timedCpu(() => Promise.all(small.map((t) => cbEmptyPool.run(t))), small.length),
        piscina: () => timedCpu(() => Promise.all(small.map((t) => piscina.run(t))), small.length),
        tinypool: () => timedCpu(() => Promise.all(small.map((t) => tinypool.run(t))), small.length),
      },
    },
    {
      name: `8 CPU-heavy tasks (1 MB sha256 chains), pools of ${size} threads (warm)`,
      unit: 'tasks/s',
      baseline: 'main thread',
      compare: ['piscina'],
      setup: ({ quick }) => ensurePools(quick),
      teardown: stopPools,
      peers: {
        'main thread': () => timedCpu(() => heavy.map((t) => hash(t)), heavy.length),
        '@cb/concurrency WorkerPool': () =>
          timedCpu(() => Promise.all(heavy.map((t) => cbPool.run(t))), heavy.length),
        piscina: () => timedCpu(() => Promise.all(heavy.map((t) => piscina.run(t))), heavy.length),
        tinypool: () => timedCpu(() => Promise.all(heavy.map((t) => tinypool.run(t))), heavy.length),
      },
    },
  ],
});
