import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { runSuite } from '@cb-tools/bench';
import { execa } from 'execa';
import { run } from '../src/index.js';

// Peers, all in this process and interleaved by the harness:
// - bare `child_process.spawn` (the baseline: what the wrapper must not slow down),
// - execa 9 (the popular wrapper),
// - python3's subprocess, in a python3 child that times its own loop (interpreter start-up excluded).

const spawns = (quick: boolean) => (quick ? 20 : 200);
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

function python(code: string, n: number): { work: number; seconds: number } {
  const seconds = Number(execFileSync('python3', ['-c', code, String(n)], { encoding: 'utf8' }).trim());
  return { work: n, seconds };
}

const PY_TRUE = `
import subprocess, sys, time
n = int(sys.argv[1]); t = time.perf_counter()
for _ in range(n): subprocess.run(['true'])
print(time.perf_counter() - t)
`;
const PY_ECHO = `
import subprocess, sys, time
n = int(sys.argv[1]); t = time.perf_counter()
for _ in range(n):
    assert subprocess.run(['echo', 'hello'], capture_output=True).stdout == b'hello\\n'
print(time.perf_counter() - t)
`;
const PY_CAT = `
import subprocess, sys, threading, time
total = int(sys.argv[1]); chunk = b'x' * (1 << 20)
t = time.perf_counter()
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
print(time.perf_counter() - t)
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

await runSuite({
  title: '@cb/proc',
  scenarios: [
    {
      name: 'spawn and wait for `true`',
      unit: 'spawns/s',
      baseline: 'child_process.spawn',
      compare: ['execa 9'],
      peers: {
        'child_process.spawn': async ({ quick }) => {
          for (let i = 0; i < spawns(quick); i++) await bareWait('true', [], 'inherit');
          return spawns(quick);
        },
        '@cb/proc run': async ({ quick }) => {
          for (let i = 0; i < spawns(quick); i++) await run(['true']);
          return spawns(quick);
        },
        'execa 9': async ({ quick }) => {
          for (let i = 0; i < spawns(quick); i++) await execa('true', { stdio: 'inherit' });
          return spawns(quick);
        },
        'python3 subprocess.run': ({ quick }) => python(PY_TRUE, spawns(quick)),
      },
    },
    {
      name: 'capture `echo hello`',
      unit: 'spawns/s',
      baseline: 'child_process.spawn',
      compare: ['execa 9'],
      peers: {
        'child_process.spawn': async ({ quick }) => {
          for (let i = 0; i < spawns(quick); i++) {
            const out = await bareWait('echo', ['hello'], 'capture');
            if (out?.toString() !== 'hello\n') throw new Error('bad output');
          }
          return spawns(quick);
        },
        '@cb/proc run': async ({ quick }) => {
          for (let i = 0; i < spawns(quick); i++) {
            const r = await run(['echo', 'hello'], { capture: true });
            if (r.stdout?.toString() !== 'hello\n') throw new Error('bad output');
          }
          return spawns(quick);
        },
        'execa 9': async ({ quick }) => {
          for (let i = 0; i < spawns(quick); i++) {
            const r = await execa('echo', ['hello'], { stdin: 'ignore' });
            if (r.stdout !== 'hello') throw new Error('bad output');
          }
          return spawns(quick);
        },
        'python3 subprocess.run': ({ quick }) => python(PY_ECHO, spawns(quick)),
      },
    },
    {
      name: 'stream through `cat`',
      unit: 'MB/s',
      baseline: 'child_process.spawn',
      compare: ['execa 9'],
      rounds: 3,
      peers: {
        'child_process.spawn': async ({ quick }) => {
          const total = streamBytes(quick);
          const sink = counter();
          await new Promise<void>((resolve, reject) => {
            const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
            source(total).pipe(child.stdin);
            child.stdout.pipe(sink);
            child.on('error', reject);
            child.on('close', () => resolve());
          });
          assertBytes(sink.bytes, total, 'child_process');
          return total / 1e6;
        },
        '@cb/proc run': async ({ quick }) => {
          const total = streamBytes(quick);
          const sink = counter();
          await run(['cat'], { input: source(total), stdout: sink, check: true });
          assertBytes(sink.bytes, total, '@cb/proc');
          return total / 1e6;
        },
        'execa 9': async ({ quick }) => {
          const total = streamBytes(quick);
          const sink = counter();
          const sub = execa('cat', { buffer: false, stdin: 'pipe', stdout: 'pipe' });
          source(total).pipe(sub.stdin);
          sub.stdout.pipe(sink);
          await sub;
          assertBytes(sink.bytes, total, 'execa');
          return total / 1e6;
        },
        'python3 subprocess.Popen': ({ quick }) => {
          const total = streamBytes(quick);
          const { seconds } = python(PY_CAT, total);
          return { work: total / 1e6, seconds };
        },
      },
    },
  ],
});

