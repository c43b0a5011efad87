import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { CsvError, parse, parseStream, stringify, stringifyStream } from '../src/index.js';

const TEXT = '\ufeffa,"b\r\nc"\r\n"d ""e""",é😀\r\nlast';

function collect<T>(): { sink: Writable; items: T[] } {
  const items: T[] = [];
  const sink = new Writable({
    objectMode: true,
    write(chunk: T, _enc, cb) {
      items.push(chunk);
      cb();
    },
  });
  return { sink, items };
}

describe('parseStream', () => {
  it('turns byte chunks split anywhere into the rows parse() gives', async () => {
    const bytes = Buffer.from(TEXT);
    for (const size of [1, 2, 3, 7, 1000]) {
      const chunks = [];
      for (let k = 0; k < bytes.length; k += size) chunks.push(bytes.subarray(k, k + size));
      const { sink, items } = collect<string[]>();
      await pipeline(Readable.from(chunks), parseStream(), sink);
      expect(items).toEqual(parse(TEXT));
    }
  });

  it('passes the rows before a parse error on, then fails the pipeline with the CsvError', async () => {
    const { sink, items } = collect<string[]>();
    const done = pipeline(Readable.from(['a\nb\n"x"y\n']), parseStream({ strict: true }), sink);
    await expect(done).rejects.toBeInstanceOf(CsvError);
    expect(items).toEqual([['a'], ['b']]);
  });
});

describe('stringifyStream', () => {
  it('writes the bytes stringify() writes', async () => {
    const rows = [['a', 'b,c'], ['', 'say "hi"'], [''], [1, null]];
    const { sink, items } = collect<Buffer>();
    await pipeline(Readable.from(rows), stringifyStream({ dialect: 'unix', bufferSize: 8 }), sink);
    expect(Buffer.concat(items).toString()).toBe(stringify(rows, { dialect: 'unix' }));
  });

  it('fails the pipeline on a row it cannot write', async () => {
    const { sink } = collect<Buffer>();
    const done = pipeline(Readable.from([['ok'], [{}]]), stringifyStream(), sink);
    await expect(done).rejects.toMatchObject({ code: 'CSV_INVALID_ROW' });
  });
});
