import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { runSuite, type Sample } from '@cb-tools/bench';
import { execa } from 'execa';
import { run } from '../src/index.js';

// Peers, all in this process and interleaved by the harness:
// - bare `child_process.spawn` (the baseline: what the wrapper must not slow down),
// - execa 9 (the popular wrapper),
// - python3's subprocess, in a python3 child that times its own loop (interpreter start-up excluded).

const spawns = (quick: boolean) => (quick ? 20 : 100);
const streamBytes = (quick: boolean) => (quick ? 50 : 500) * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 'x');

function bareWait(file: string, args: string[], stdio: 'inherit' | 'capture'): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.resume();
    child.on('error', reject);
    child.on('close', () => resolve(stdio === 'capture' ? Buffer.concat(out) : null));
  });
}

// Wall-clock rates swing with the load of a shared machine; the parent's CPU time per operation
// (user + system, which includes the fork) is the steadier measure of what a wrapper adds.
const CPU_SPAWN = 'parent CPU µs/spawn';
const CPU_MB = 'parent CPU µs/MB';

async function timed(n: number, metric: string, perUnit: number, body: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await body();
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  return { work: n, seconds, metrics: { [metric]: (used.user + used.system) / perUnit } };
}

async function spawnLoop(quick: boolean, once: () => Promise<unknown>): Promise<Sample> {
  const n = spawns(quick);
  return timed(n, CPU_SPAWN, n, async () => {
    for (let i = 0; i < n; i++) await once();
  });
}

function python(code: string, n: number, work: number, metric: string, perUnit: number): Sample {
  const [seconds, cpu] = execFileSync('python3', ['-c', code, String(n)], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
  return { work, seconds: seconds!, metrics: { [metric]: (cpu! * 1e6) / perUnit } };
}

const PY_TRUE = `
import subprocess, sys, time
n = int(sys.argv[1]); t = time.perf_counter(); c = time.process_time()
for _ in range(n): subprocess.run(['true'])
print(time.perf_counter() - t, time.process_time() - c)
`;
const PY_ECHO = `
import subprocess, sys, time
n = int(sys.argv[1]); t = time.perf_counter(); c = time.process_time()
for _ in range(n):
    assert subprocess.run(['echo', 'hello'], capture_output=True).stdout == b'hello\\n'
print(time.perf_counter() - t, time.process_time() - c)
`;
const PY_CAT = `
import subprocess, sys, threading, time
total = int(sys.argv[1]); chunk = b'x' * (1 << 20)
t = time.perf_counter(); c = time.process_time()
p = subprocess.Popen(['cat'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def feed():
    left = total
    while left > 0:
        p.stdin.write(chunk if left >= len(chunk) else chunk[:left]); left -= len(chunk)
    p.stdin.close()
threading.Thread(target=feed).start()
got = 0
while True:
    b = p.stdout.read1(1 << 20)
    if not b: break
    got += len(b)
p.wait()
assert got == total
print(time.perf_counter() - t, time.process_time() - c)
`;

/** A generated source of `total` bytes in 1 MiB chunks. */
function source(total: number): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const c = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= c.length;
      this.push(c);
    },
  });
}

function counter(): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.bytes += chunk.length;
      cb();
    },
  }) as Writable & { bytes: number };
  w.bytes = 0;
  return w;
}

function assertBytes(got: number, want: number, who: string): void {
  if (got !== want) throw new Error(`${who} streamed ${got} bytes, expected ${want}`);
}

async function streamPeer(
  quick: boolean,
  pump: (total: number, sink: Writable & { bytes: number }) => Promise<void>,
) {
  const total = streamBytes(quick);
  const sink = counter();
  const mb = total / 1e6;
  const sample = await timed(mb, CPU_MB, mb, () => pump(total, sink));
  assertBytes(sink.bytes, total, 'peer');
  return sample;
}

await runSuite({
  title: '@cb/proc',
  scenarios: [
    {
      name: 'spawn and wait for `true`',
      unit: 'spawns/s',
      baseline: 'child_process.spawn',
      compare: ['execa 9'],
      rounds: 9,
      peers: {
        'child_process.spawn': ({ quick }) => spawnLoop(quick, () => bareWait('true', [], 'inherit')),
        '@cb/proc run': ({ quick }) => spawnLoop(quick, () => run(['true'])),
        'execa 9': ({ quick }) => spawnLoop(quick, () => execa('true', { stdio: 'inherit' })),
        'python3 subprocess.run': ({ quick }) =>
          python(PY_TRUE, spawns(quick), spawns(quick), CPU_SPAWN, spawns(quick)),
      },
    },
    {
      name: 'capture `echo hello`',
      unit: 'spawns/s',
      baseline: 'child_process.spawn',
      compare: ['execa 9'],
      rounds: 9,
      peers: {
        'child_process.spawn': ({ quick }) =>
          spawnLoop(quick, async () => {
            const out = await bareWait('echo', ['hello'], 'capture');
            if (out?.toString() !== 'hello\n') throw new Error('bad output');
          }),
        '@cb/proc run': ({ quick }) =>
          spawnLoop(quick, async () => {
            const r = await run(['echo', 'hello'], { capture: true });
            if (r.stdout?.toString() !== 'hello\n') throw new Error('bad output');
          }),
        'execa 9': ({ quick }) =>
          spawnLoop(quick, async () => {
            const r = await execa('echo', ['hello'], { stdin: 'ignore' });
            if (r.stdout !== 'hello') throw new Error('bad output');
          }),
        'python3 subprocess.run': ({ quick }) =>
          python(PY_ECHO, spawns(quick), spawns(quick), CPU_SPAWN, spawns(quick)),
      },
    },
    {
      name: 'stream through `cat`',
      unit: 'MB/s',
      baseline: 'child_process.spawn',
      compare: ['execa 9'],
      rounds: 5,
      peers: {
        'child_process.spawn': ({ quick }) =>
          streamPeer(
            quick,
            (total, sink) =>
              new Promise<void>((resolve, reject) => {
                const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
                source(total).pipe(child.stdin);
                child.stdout.pipe(sink);
                child.on('error', reject);
                child.on('close', () => resolve());
              }),
          ),
        // Same as the baseline, but the child starts its own session as `killTree` needs.
        'child_process.spawn (detached)': ({ quick }) =>
          streamPeer(
            quick,
            (total, sink) =>
              new Promise<void>((resolve, reject) => {
                const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
                source(total).pipe(child.stdin);
                child.stdout.pipe(sink);
                child.on('error', reject);
                child.on('close', () => resolve());
              }),
          ),
        '@cb/proc run': ({ quick }) =>
          streamPeer(quick, async (total, sink) => {
            await run(['cat'], { input: source(total), stdout: sink, check: true });
          }),
        // The default child leads its own session (for tree killing); on kernels with
        // sched_autogroup a new session is a new scheduling group, which slows a tight pipe
        // ping-pong with the parent. Without killTree the child stays in the parent's session.
        '@cb/proc run (killTree: false)': ({ quick }) =>
          streamPeer(quick, async (total, sink) => {
            await run(['cat'], { input: source(total), stdout: sink, check: true, killTree: false });
          }),
        'execa 9': ({ quick }) =>
          streamPeer(quick, async (total, sink) => {
            const sub = execa('cat', { buffer: false, stdin: 'pipe', stdout: 'pipe' });
            source(total).pipe(sub.stdin);
            sub.stdout.pipe(sink);
            await sub;
          }),
        'python3 subprocess.Popen': ({ quick }) => {
          const total = streamBytes(quick);
          return python(PY_CAT, total, total / 1e6, CPU_MB, total / 1e6);
        },
      },
    },
  ],
});
