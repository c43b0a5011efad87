import { spawnSync } from 'node:child_process';
import { type PeerFn, runSuite, type Sample } from '@cb-tools/bench';
import lodashMemoize from 'lodash.memoize';
import memoizee from 'memoizee';
import { memoize as microMemoize } from 'micro-memoize';
import moizeImport from 'moize';
import { memoize, timed } from '../src/index.js';

// moize ships CJS with `export default` types: under NodeNext the default import is, at run time,
// the function itself, while its types describe the module object.
const moize = moizeImport as unknown as typeof moizeImport.default;

// Each peer gets its own loop function, so no call site is shared between peers and none turns
// megamorphic because of the harness. The source names the peer: V8 caches compiled `new Function`
// code by source text, and loops with the same text share one set of type feedback, so one call
// site would see every peer's function (measured: the hit-path rows then time a megamorphic call).
type Loop = (fn: (...args: never[]) => unknown, keys: unknown[][], n: number) => number;
let loops = 0;
function makeLoop(arity: number): Loop {
  const call = ['k[0]', 'k[1]', 'k[2]'].slice(0, arity).join(', ');
  return new Function(
    'fn',
    'keys',
    'n',
    `// loop ${loops++}
     let acc = 0; const m = keys.length;
     for (let i = 0; i < n; i++) { const k = keys[i % m]; const r = fn(${call}); acc += typeof r === 'number' ? r : 1; }
     return acc;`,
  ) as Loop;
}

let sink = 0;
function peer(
  fn: (...args: never[]) => unknown,
  keys: () => unknown[][],
  arity: number,
  n: (q: boolean) => number,
  loop: Loop = makeLoop(arity),
): PeerFn {
  return ({ quick }): Sample => {
    const count = n(quick);
    const input = keys();
    return cpuSeconds(count, () => {
      sink += loop(fn, input, count);
    });
  };
}

/**
 * Runs `work` and returns its CPU time (user + system, GC threads included) as the sample's
 * seconds, with wall time as an extra column. The machine is shared by several engineers' jobs,
 * so wall time mostly measures the others; CPU time is what this peer spent.
 */
function cpuSeconds(count: number, work: () => void): Sample {
  const wallStart = process.hrtime.bigint();
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  return {
    work: count,
    seconds: (used.user + used.system) / 1e6,
    metrics: { 'wall ns/op': (wall / count) * 1e9 },
  };
}

const PY_HEADER = `
import functools, sys, time
n = int(sys.argv[1]); mode = sys.argv[2]
class Obj: pass
objs = [Obj() for _ in range(10)]
`;
const PY_MODES: Record<string, string> = {
  hit1: `
f = functools.lru_cache(maxsize=1000)(lambda s: len(s))
keys = ['key-%d' % i for i in range(100)]
for k in keys: f(k)
t = time.perf_counter_ns(); c = time.process_time_ns()
for i in range(n): f(keys[i % 100])
`,
  hit3: `
f = functools.lru_cache(maxsize=1000)(lambda a, b, o: a + len(b))
keys = [(i, 'key-%d' % (i % 7), objs[i % 10]) for i in range(100)]
for k in keys: f(*k)
t = time.perf_counter_ns(); c = time.process_time_ns()
for i in range(n):
    k = keys[i % 100]; f(k[0], k[1], k[2])
`,
  miss: `
f = functools.lru_cache(maxsize=1000)(lambda s: s + 1)
for i in range(1000): f(-1 - i)
t = time.perf_counter_ns(); c = time.process_time_ns()
for i in range(n): f(i)
`,
};

/**
 * python3 runs the same loop and times itself (`time.process_time_ns` for CPU time, like the JS
 * peers, and `time.perf_counter_ns` for wall time), so interpreter start-up is not counted.
 */
function python(mode: string, n: (q: boolean) => number): PeerFn {
  return ({ quick }): Sample => {
    const count = n(quick);
    const script = `${PY_HEADER}${PY_MODES[mode]}\nprint((time.process_time_ns() - c) / 1e9, (time.perf_counter_ns() - t) / 1e9)\n`;
    const res = spawnSync('python3', ['-c', script, String(count), mode], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`python3 failed: ${res.stderr}`);
    const [cpu, wall] = res.stdout.trim().split(' ').map(Number) as [number, number];
    return { work: count, seconds: cpu, metrics: { 'wall ns/op': (wall / count) * 1e9 } };
  };
}

// --- one string argument, hits cycling over 100 keys -------------------------------------
const hitN = (q: boolean) => (q ? 100_000 : 2_000_000);
const keys1 = Array.from({ length: 100 }, (_, i) => [`key-${i}`]);
const len = (s: string) => s.length;
function handMap<A, R>(fn: (a: A) => R): (a: A) => R {
  const cache = new Map<A, R>();
  return (a) => {
    const hit = cache.get(a);
    if (hit !== undefined || cache.has(a)) return hit as R;
    const value = fn(a);
    cache.set(a, value);
    return value;
  };
}
function warm(fn: (...args: never[]) => unknown, keys: unknown[][]) {
  for (const k of keys) (fn as (...a: unknown[]) => unknown)(...k);
  return fn;
}

// The same workload through one loop shared by every peer: its call site sees all the peers'
// functions, so V8 cannot inline any of them (what a helper calling many memoized functions sees).
const sharedLoop = makeLoop(1);
const shared = (fn: (...args: never[]) => unknown) => peer(warm(fn, keys1), () => keys1, 1, hitN, sharedLoop);

// --- three arguments: number, string, object by identity ----------------------------------
const objs = Array.from({ length: 10 }, () => ({}));
const keys3 = Array.from({ length: 100 }, (_, i) => [i, `key-${i % 7}`, objs[i % 10]]);
const three = (a: number, b: string, _o: object) => a + b.length;
function handNested(fn: typeof three): typeof three {
  const root = new Map<number, Map<string, Map<object, number>>>();
  return (a, b, o) => {
    let m1 = root.get(a);
    if (m1 === undefined) {
      m1 = new Map();
      root.set(a, m1);
    }
    let m2 = m1.get(b);
    if (m2 === undefined) {
      m2 = new Map();
      m1.set(b, m2);
    }
    let v = m2.get(o);
    if (v === undefined) {
      v = fn(a, b, o);
      m2.set(o, v);
    }
    return v;
  };
}
let nextId = 0;
const ids = new WeakMap<object, number>();
const idOf = (o: object) => {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
};

// --- misses with LRU eviction at 1,000 entries --------------------------------------------
const missN = (q: boolean) => (q ? 50_000 : 300_000);
const inc = (x: number) => x + 1;
function handLru(fn: (x: number) => number, max: number): (x: number) => number {
  const cache = new Map<number, number>();
  return (x) => {
    const hit = cache.get(x);
    if (hit !== undefined) {
      cache.delete(x);
      cache.set(x, hit);
      return hit;
    }
    const value = fn(x);
    cache.set(x, value);
    if (cache.size > max) cache.delete(cache.keys().next().value as number);
    return value;
  };
}
function missPeer(make: () => (x: number) => number): PeerFn {
  const loop = makeLoop(1);
  let offset = 0;
  return ({ quick }) => {
    const count = missN(quick);
    const fn = make();
    // Fill to the bound first, so every timed call evicts.
    for (let i = 0; i < 1000; i++) fn(-1 - i);
    const keys: unknown[][] = [];
    for (let i = 0; i < count; i++) keys.push([offset + i]);
    offset += count;
    return cpuSeconds(count, () => {
      sink += loop(fn as (...args: never[]) => unknown, keys, count);
    });
  };
}

// --- timed overhead ------------------------------------------------------------------------
const noop = () => {};
const work = (s: string) => s.length;

await runSuite({
  title: '@cb/memo-decorators',
  scenarios: [
    {
      name: 'hit path, one string argument, 100 keys',
      measure: 'time',
      unit: 'ns/op',
      baseline: 'hand-written Map',
      compare: ['@cb memoize'],
      peers: {
        'hand-written Map': peer(warm(handMap(len), keys1), () => keys1, 1, hitN),
        '@cb memoize': peer(warm(memoize(len, { maxSize: 1000 }), keys1), () => keys1, 1, hitN),
        'lodash.memoize': peer(warm(lodashMemoize(len), keys1), () => keys1, 1, hitN),
        memoizee: peer(warm(memoizee(len, { max: 1000 }), keys1), () => keys1, 1, hitN),
        'micro-memoize': peer(warm(microMemoize(len, { maxSize: 1000 }), keys1), () => keys1, 1, hitN),
        moize: peer(warm(moize(len, { maxSize: 1000 }), keys1), () => keys1, 1, hitN),
        'python lru_cache': python('hit1', hitN),
      },
    },
    {
      name: 'hit path, one string argument, 100 keys, one call site shared by every peer',
      measure: 'time',
      unit: 'ns/op',
      baseline: 'hand-written Map',
      compare: ['@cb memoize'],
      peers: {
        'hand-written Map': shared(handMap(len)),
        '@cb memoize': shared(memoize(len, { maxSize: 1000 })),
        'lodash.memoize': shared(lodashMemoize(len)),
        memoizee: shared(memoizee(len, { max: 1000 })),
        'micro-memoize': shared(microMemoize(len, { maxSize: 1000 })),
        moize: shared(moize(len, { maxSize: 1000 })),
      },
    },
    {
      name: 'hit path, three arguments (number, string, object), 100 keys',
      measure: 'time',
      unit: 'ns/op',
      baseline: 'hand-written nested Map',
      compare: ['@cb memoize'],
      peers: {
        'hand-written nested Map': peer(warm(handNested(three), keys3), () => keys3, 3, hitN),
        '@cb memoize': peer(warm(memoize(three, { maxSize: 1000 }), keys3), () => keys3, 3, hitN),
        'lodash.memoize + resolver': peer(
          warm(
            lodashMemoize(three, (a: number, b: string, o: object) => `${a}\u0000${b}\u0000${idOf(o)}`),
            keys3,
          ),
          () => keys3,
          3,
          hitN,
        ),
        memoizee: peer(warm(memoizee(three, { max: 1000, length: 3 }), keys3), () => keys3, 3, hitN),
        'micro-memoize': peer(warm(microMemoize(three, { maxSize: 1000 }), keys3), () => keys3, 3, hitN),
        moize: peer(warm(moize(three, { maxSize: 1000 }), keys3), () => keys3, 3, hitN),
        'python lru_cache': python('hit3', hitN),
      },
    },
    {
      name: 'miss path with LRU eviction, bound 1,000',
      measure: 'time',
      unit: 'ns/op',
      baseline: 'hand-written Map LRU',
      compare: ['@cb memoize'],
      peers: {
        'hand-written Map LRU': missPeer(() => handLru(inc, 1000)),
        '@cb memoize': missPeer(() => memoize(inc, { maxSize: 1000 })),
        memoizee: missPeer(() => memoizee(inc, { max: 1000 })),
        'micro-memoize': missPeer(() => microMemoize(inc, { maxSize: 1000 })),
        moize: missPeer(() => moize(inc, { maxSize: 1000 })),
        'python lru_cache': python('miss', missN),
      },
    },
    {
      name: 'timed with a no-op sink',
      measure: 'time',
      unit: 'ns/op',
      baseline: 'plain call',
      peers: {
        'plain call': peer(work, () => keys1, 1, hitN),
        '@cb timed, no-op sink': peer(timed(work, { sink: noop }), () => keys1, 1, hitN),
      },
    },
  ],
});
if (sink === 0.5) console.log(sink);
