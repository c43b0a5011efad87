import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CsvWriteError,
  getDialect,
  listDialects,
  parse,
  QUOTE_ALL,
  QUOTE_NONE,
  QUOTE_NONNUMERIC,
  QUOTE_NOTNULL,
  QUOTE_STRINGS,
  registerDialect,
  stringify,
  unregisterDialect,
  writer,
} from '../src/index.js';
import { python } from './oracle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cb-csv-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writer values and quoting', () => {
  it('writes numbers, booleans, bigint, null, undefined and dates', () => {
    expect(stringify([[1.5, -0, true, 10n, null, undefined, new Date(Date.UTC(2024, 1, 3, 4, 5, 6))]])).toBe(
      '1.5,0,true,10,,,2024-02-03T04:05:06.000Z\r\n',
    );
  });

  it('quotes non-numbers under QUOTE_NONNUMERIC, like Python for ints and None', () => {
    const rows = [[1, 'a', null, -7, '']];
    const [want] = python<{ text: string }>([{ op: 'write', rows, dialect: { quoting: QUOTE_NONNUMERIC } }]);
    expect(stringify(rows, { quoting: QUOTE_NONNUMERIC })).toBe(want!.text);
  });

  it('quotes strings only under QUOTE_STRINGS and all but null under QUOTE_NOTNULL (Python 3.12)', () => {
    expect(stringify([['a', 1, null, '']], { quoting: QUOTE_STRINGS })).toBe('"a",1,,""\r\n');
    expect(stringify([['a', 1, null, undefined]], { quoting: QUOTE_NOTNULL })).toBe('"a","1",,\r\n');
    expect(parse('"a",1,,""\r\n', { quoting: QUOTE_STRINGS })).toEqual([['a', 1, null, '']]);
  });

  it('throws CSV_NEED_ESCAPE when QUOTE_NONE meets a delimiter and no escapechar is set', () => {
    expect(() => stringify([['a,b']], { quoting: QUOTE_NONE })).toThrowError(
      expect.objectContaining({ code: 'CSV_NEED_ESCAPE', record: 1 }),
    );
    expect(stringify([['a,b']], { quoting: QUOTE_NONE, escapechar: '\\' })).toBe('a\\,b\r\n');
  });

  it('quotes a lone CR even when lineterminator is LF (the fix later Python made)', () => {
    const text = stringify([['a\rb', 'c']], { lineterminator: '\n' });
    expect(text).toBe('"a\rb",c\n');
    expect(parse(text)).toEqual([['a\rb', 'c']]);
  });

  it('rejects rows and values it cannot write, without guessing', () => {
    expect(() => stringify(['abc' as unknown as string[]])).toThrowError(
      expect.objectContaining({ code: 'CSV_INVALID_ROW' }),
    );
    expect(() => stringify([[{ a: 1 } as unknown as string]])).toThrow(CsvWriteError);
    expect(() => stringify([[new Date(Number.NaN)]])).toThrowError(
      expect.objectContaining({ code: 'CSV_INVALID_ROW' }),
    );
    expect(stringify([[{ toString: () => 'custom' } as unknown as string]])).toBe('custom\r\n');
  });

  it('writes a BOM for Excel when asked', () => {
    expect(stringify([['a']], { writeBom: true })).toBe('\ufeffa\r\n');
  });
});

describe('writer sinks', () => {
  it('writes to a file path and closes it', async () => {
    const path = join(dir, 'out.csv');
    const w = writer(path, { dialect: 'unix' });
    w.writeRow(['a', 1]);
    w.writeRows([['b', 2]]);
    await w.close();
    expect(await readFile(path, 'utf8')).toBe('"a","1"\n"b","2"\n');
    expect(w.records).toBe(2);
    expect(() => w.writeRow(['x'])).toThrowError(expect.objectContaining({ code: 'CSV_CLOSED' }));
  });

  it('respects backpressure of a slow Writable and delivers every row in order', async () => {
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        setTimeout(cb, 1);
      },
    });
    const w = writer(slow, { bufferSize: 32 });
    let waits = 0;
    for (let k = 0; k < 200; k++) {
      if (!w.writeRow([k, 'x'.repeat(20)])) {
        waits++;
        await w.drain();
      }
    }
    await w.close();
    expect(waits).toBeGreaterThan(0);
    expect(parse(chunks.join('')).map((r) => r[0])).toEqual(Array.from({ length: 200 }, (_, k) => String(k)));
    expect(slow.writableFinished).toBe(true);
  });

  it('reports a sink error from close()', async () => {
    const failing = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('disk full'));
      },
    });
    const w = writer(failing, { bufferSize: 0 });
    w.writeRow(['a']);
    await expect(w.close()).rejects.toThrow('disk full');
  });

  it('stops waiting for a stuck sink when the signal aborts, and leaves no listeners behind', async () => {
    const stuck = new Writable({ highWaterMark: 1, write() {} });
    const controller = new AbortController();
    const w = writer(stuck, { bufferSize: 0, signal: controller.signal, end: false });
    expect(w.writeRow(['a'])).toBe(false);
    const waiting = w.drain();
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    await expect(w.close()).rejects.toThrow('gave up');
    expect(stuck.listenerCount('drain')).toBe(0);
    expect(stuck.listenerCount('error')).toBe(0);
    stuck.destroy();
  });

  it('drains many times without piling up listeners', async () => {
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(_c, _e, cb) {
        writes++;
        setImmediate(cb);
      },
    });
    const w = writer(slow, { bufferSize: 0 });
    for (let k = 0; k < 30; k++) if (!w.writeRow([k])) await w.drain();
    await w.close();
    expect(writes).toBe(30);
    expect(slow.listenerCount('error')).toBe(0);
    expect(slow.listenerCount('drain')).toBe(0);
  });

  it('waits for an async callback sink before close() resolves', async () => {
    const got: string[] = [];
    const w = writer(async (chunk) => {
      await new Promise((r) => setTimeout(r, 5));
      got.push(chunk);
    });
    w.writeRow(['a']);
    await w.close();
    expect(got).toEqual(['a\r\n']);
  });
});

describe('dialect registry', () => {
  it('has the built-in dialects with Python values', () => {
    expect(listDialects()).toEqual(expect.arrayContaining(['excel', 'excel-tab', 'unix']));
    expect(getDialect('excel-tab').delimiter).toBe('\t');
    expect(getDialect('unix')).toMatchObject({ lineterminator: '\n', quoting: QUOTE_ALL });
    expect(Object.isFrozen(getDialect('excel'))).toBe(true);
  });

  it('registers, uses and unregisters a dialect', () => {
    registerDialect('pipes', { delimiter: '|', quotechar: "'" });
    try {
      expect(stringify([['a|b', 'c']], { dialect: 'pipes' })).toBe("'a|b'|c\r\n");
      expect(parse("'a|b'|c\n", { dialect: 'pipes' })).toEqual([['a|b', 'c']]);
      expect(listDialects()).toContain('pipes');
    } finally {
      unregisterDialect('pipes');
    }
    expect(() => getDialect('pipes')).toThrowError(expect.objectContaining({ code: 'CSV_UNKNOWN_DIALECT' }));
    expect(() => unregisterDialect('pipes')).toThrowError(
      expect.objectContaining({ code: 'CSV_UNKNOWN_DIALECT' }),
    );
  });
});
