import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSuite, type Sample } from '@cb-tools/bench';
import pino from 'pino';
import winston from 'winston';
import Transport from 'winston-transport';
import { getLogger, StreamHandler } from '../src/index.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cb-log-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function nodePeer(peer: string, scenario: string) {
  return ({ quick }: { quick: boolean }): Sample => {
    const lines = quick ? 20_000 : 1_000_000;
    const file = join(dir, `${peer}-${scenario}.log`);
    const res = spawnSync(process.execPath, ['--import', 'tsx', CHILD, peer, scenario, String(lines), file], {
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`${peer} failed: ${res.stderr}`);
    const { seconds, rssMB, growthMB } = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as {
      seconds: number;
      rssMB: number;
      growthMB: number;
    };
    rmSync(file, { force: true });
    return {
      work: lines,
      seconds,
      metrics: { 'peak RSS MB': Math.round(rssMB), 'RSS growth MB': Math.round(growthMB) },
    };
  };
}

const PY = `
import logging, resource, sys, time
lines, file, caller = int(sys.argv[1]), sys.argv[2], sys.argv[3] == 'caller'
h = logging.FileHandler(file, mode='w')
fmt = '%(asctime)s - [%(levelname)s] %(filename)s:%(lineno)d %(message)s' if caller else '%(asctime)s - [%(levelname)s] %(message)s'
h.setFormatter(logging.Formatter(fmt))
log = logging.getLogger('bench'); log.setLevel(logging.INFO); log.propagate = False; log.addHandler(h)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
for i in range(lines):
    log.info('request %d served in %d ms', i, 12)
logging.shutdown()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(time.perf_counter() - t0, peak, peak - base)
`;

function pythonPeer(scenario: string) {
  return ({ quick }: { quick: boolean }): Sample => {
    const lines = quick ? 20_000 : 1_000_000;
    const file = join(dir, `python-${scenario}.log`);
    const res = spawnSync('python3', ['-c', PY, String(lines), file, scenario], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`python3 failed: ${res.stderr}`);
    const [seconds, rss, growth] = res.stdout.trim().split(/\s+/).map(Number) as [number, number, number];
    rmSync(file, { force: true });
    return {
      work: lines,
      seconds,
      metrics: { 'peak RSS MB': Math.round(rss), 'RSS growth MB': Math.round(growth) },
    };
  };
}

// Disabled debug(): every peer gets a logger at INFO with a sink that is never reached.
class Nowhere extends Transport {
  override log(_info: unknown, cb: () => void): void {
    cb();
  }
}
const winstonLogger = winston.createLogger({ level: 'info', transports: [new Nowhere()] });
const pinoLogger = pino({ level: 'info' }, { write: () => {} });
const cbLogger = getLogger('bench.disabled');
cbLogger.setLevel('INFO');
cbLogger.propagate = false;
cbLogger.addHandler(new StreamHandler(process.stdout));

function disabledLoop(fn: (i: number) => void) {
  return ({ quick }: { quick: boolean }): number => {
    const n = quick ? 200_000 : 5_000_000;
    for (let i = 0; i < n; i++) fn(i);
    return n;
  };
}

await runSuite({
  title: '@cb/log',
  scenarios: [
    {
      name: 'disabled debug() call with one argument',
      measure: 'time',
      unit: 'ns/op',
      baseline: '@cb/log',
      compare: ['pino', 'winston'],
      rounds: 5,
      peers: {
        '@cb/log': disabledLoop((i) => cbLogger.debug('value %d', i)),
        pino: disabledLoop((i) => pinoLogger.debug('value %d', i)),
        winston: disabledLoop((i) => winstonLogger.debug('value %d', i)),
      },
    },
    {
      name: "lines to a file, '%(asctime)s - [%(levelname)s] %(message)s' (pino writes its JSON line)",
      unit: 'lines/s',
      baseline: '@cb/log',
      compare: ['winston', 'pino', 'python3'],
      rounds: 3,
      warmup: 0,
      peers: {
        '@cb/log': nodePeer('cb', 'plain'),
        winston: nodePeer('winston', 'plain'),
        pino: nodePeer('pino', 'plain'),
        python3: pythonPeer('plain'),
      },
    },
    {
      name: "lines to a file with '%(filename)s:%(lineno)d' (winston: the usual stack-capture format)",
      unit: 'lines/s',
      baseline: '@cb/log',
      compare: ['winston', 'python3'],
      rounds: 3,
      warmup: 0,
      peers: {
        '@cb/log': nodePeer('cb', 'caller'),
        winston: nodePeer('winston', 'caller'),
        python3: pythonPeer('caller'),
      },
    },
  ],
});
