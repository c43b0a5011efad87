import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { resetForTests } from '../src/config.js';
import {
  ERROR,
  Formatter,
  getLogger,
  Handler,
  LogQueue,
  type LogRecord,
  MemoryHandler,
  QueueHandler,
  QueueListener,
  StreamHandler,
} from '../src/index.js';
import { collector, runScript, tempDir } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

class Collect extends Handler {
  readonly records: LogRecord[] = [];
  emit(record: LogRecord): void {
    this.records.push(record);
  }
}

describe('MemoryHandler', () => {
  it('holds records until capacity or an ERROR, then hands them all to the target in order', () => {
    const target = new Collect();
    const mem = new MemoryHandler(3, { target });
    const log = getLogger('mem');
    log.setLevel('DEBUG');
    log.addHandler(mem);
    log.debug('a');
    log.info('b');
    expect(target.records).toHaveLength(0);
    log.error('boom');
    expect(target.records.map((r) => r.msg)).toEqual(['a', 'b', 'boom']);
    log.debug('c');
    log.debug('d');
    log.debug('e');
    expect(target.records.map((r) => r.msg)).toEqual(['a', 'b', 'boom', 'c', 'd', 'e']);
    expect(mem.flushLevel).toBe(ERROR);
  });

  it('flushes the rest on close, and rejects a bad capacity', async () => {
    const target = new Collect();
    const mem = new MemoryHandler(10, { target });
    getLogger('mem2').addHandler(mem);
    getLogger('mem2').warning('kept');
    await mem.close();
    expect(target.records.map((r) => r.msg)).toEqual(['kept']);
    expect(() => new MemoryHandler(0)).toThrow(expect.objectContaining({ code: 'LOG_INVALID_OPTION' }));
  });
});

describe('MemoryHandler at exit', () => {
  it('writes records still buffered when the process exits', async () => {
    const tmp = tempDir();
    try {
      const out = join(tmp.dir, 'mem.log');
      const res = await runScript(fileURLToPath(new URL('./fixtures/memory-exit.ts', import.meta.url)), [
        out,
      ]);
      expect(res.code).toBe(0);
      expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual(
        Array.from({ length: 10 }, (_, i) => `buffered ${i}`),
      );
    } finally {
      tmp.remove();
    }
  });
});

describe('QueueHandler and QueueListener', () => {
  it('moves prepared records through an in-process queue to the handlers', async () => {
    const q = new LogQueue();
    const c = collector();
    const out = new StreamHandler(c.stream, {
      formatter: new Formatter('%(name)s %(levelname)s %(message)s'),
    });
    const listener = new QueueListener(q, [out]);
    listener.start();
    const log = getLogger('q');
    log.addHandler(new QueueHandler(q));
    log.warning('saved %d rows', 3);
    log.error('failed', new Error('disk'));
    await listener.stop();
    const text = c.text();
    expect(text).toMatch(/^q WARNING saved 3 rows\nq ERROR failed\nError: disk\n/);
  });

  it('lets a worker thread do the file I/O for records posted from the main thread', async () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'q.log');
      const ownFile = join(tmp.dir, 'own.log');
      const { port1, port2 } = new MessageChannel();
      const entry = new URL('./fixtures/queue-worker.ts', import.meta.url).href;
      // The worker loads the TypeScript fixture through tsx's loader API.
      const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
      const worker = new Worker(boot, {
        eval: true,
        workerData: { file, port: port2, ownFile },
        transferList: [port2],
      });
      const log = getLogger('main.q');
      log.addHandler(new QueueHandler(port1));
      for (let i = 0; i < 500; i++) log.warning('record %d', i);
      port1.postMessage('stop');
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      await worker.terminate();
      port1.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(500);
      expect(lines[0]).toBe('MainThread|main.q|WARNING|record 0');
      expect(lines[499]).toBe('MainThread|main.q|WARNING|record 499');
      expect(readFileSync(ownFile, 'utf8')).toBe('io-worker|hello from the worker\n');
    } finally {
      tmp.remove();
    }
  });
});

describe('task names', () => {
  it('reads the current task name published by @cb/concurrency, None without one', () => {
    const c = collector();
    getLogger('tn').addHandler(
      new StreamHandler(c.stream, { formatter: new Formatter('%(taskName)s %(threadName)s %(message)s') }),
    );
    const key = Symbol.for('cb.currentTaskName');
    const g = globalThis as Record<symbol, unknown>;
    getLogger('tn').warning('outside');
    g[key] = () => 'fetch-7';
    try {
      getLogger('tn').warning('inside');
    } finally {
      delete g[key];
    }
    expect(c.text()).toBe('None MainThread outside\nfetch-7 MainThread inside\n');
  });
});
