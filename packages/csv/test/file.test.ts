import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvError, CsvParseError, fileChunks, parse, reader, stringify } from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cb-csv-file-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Open file descriptors of this process (Linux), to check that none is left open. */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
const hasProcFds = existsSync('/proc/self/fd');

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('fileChunks', () => {
  it('yields the file in chunks of chunkSize bytes that add up to the whole file', () => {
    const text = 'id,name\r\n1,Chloé\r\n2,"São Paulo, BR"\r\n3,😀\r\n';
    const path = write('chunks.csv', text);
    const chunks = [...fileChunks(path, { chunkSize: 7 })];
    expect(chunks.length).toBe(Math.ceil(Buffer.byteLength(text) / 7));
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBe(7);
    expect(Buffer.concat(chunks)).toEqual(readFileSync(path));
  });

  it('reads 64 KiB at a time by default', () => {
    const path = write('default.csv', Buffer.alloc(70_000, 'a'));
    expect([...fileChunks(path)].map((c) => c.length)).toEqual([65_536, 70_000 - 65_536]);
  });

  it('gives a new buffer for every chunk, so kept chunks stay intact', () => {
    const path = write('keep.csv', 'abcdefghij');
    const chunks = [...fileChunks(path, { chunkSize: 3 })];
    expect(chunks.map((c) => c.toString())).toEqual(['abc', 'def', 'ghi', 'j']);
  });

  it('reads an empty file as no chunks, and accepts a file URL', () => {
    const path = write('empty.csv', '');
    expect([...fileChunks(path)]).toEqual([]);
    expect([...reader(fileChunks(pathToFileURL(path)))]).toEqual([]);
  });

  it('opens the file anew for every iteration', () => {
    const path = write('twice.csv', 'a,b\n');
    const source = fileChunks(path);
    expect([...reader(source)]).toEqual([['a', 'b']]);
    expect([...reader(source)]).toEqual([['a', 'b']]);
  });

  it('feeds reader() rows equal to parse() of the whole file, for every chunk size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (rows, chunkSize, unix) => {
          const text = stringify(rows, unix ? { dialect: 'unix' } : {});
          const path = write('property.csv', text);
          const r = reader(fileChunks(path, { chunkSize }));
          const whole = reader(text);
          expect([...r]).toEqual([...whole]);
          expect(r.lineNum).toBe(whole.lineNum);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const text = 'é,😀,ü\r\n"€, ""ß""",漢字\r\n';
    const path = write('utf8.csv', text);
    for (let size = 1; size <= 8; size++) {
      expect([...reader(fileChunks(path, { chunkSize: size }))]).toEqual(parse(text));
    }
  });

  it('reports a missing file when iteration starts, not when called', () => {
    const source = fileChunks(join(dir, 'missing.csv'));
    expect(() => [...source]).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('rejects an unknown option with a TypeError and a bad chunkSize with CSV_INVALID_OPTION', () => {
    const path = write('opts.csv', 'a\n');
    expect(() => fileChunks(path, { size: 4 } as never)).toThrow(TypeError);
    for (const chunkSize of [0, -1, 1.5, Number.NaN, '4' as never]) {
      const err = (() => {
        try {
          fileChunks(path, { chunkSize });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(CsvError);
      expect((err as CsvError).code).toBe('CSV_INVALID_OPTION');
    }
  });
});

describe.runIf(hasProcFds)('fileChunks closes its file', () => {
  it('at the end of the file', () => {
    const path = write('end.csv', 'a,b\n1,2\n');
    const before = openFds();
    expect([...reader(fileChunks(path, { chunkSize: 2 }))]).toHaveLength(2);
    expect(openFds()).toBe(before);
  });

  it('when the loop breaks early', () => {
    const path = write('break.csv', 'a\nb\nc\nd\n'.repeat(100));
    const before = openFds();
    let n = 0;
    for (const _row of reader(fileChunks(path, { chunkSize: 4 }))) {
      expect(openFds()).toBe(before + 1);
      if (++n === 3) break;
    }
    expect(n).toBe(3);
    expect(openFds()).toBe(before);
  });

  it('when the loop body throws', () => {
    const path = write('throw.csv', 'a\nb\n');
    const before = openFds();
    expect(() => {
      for (const _row of reader(fileChunks(path, { chunkSize: 1 }))) throw new Error('stop');
    }).toThrow('stop');
    expect(openFds()).toBe(before);
  });

  it('when the reader throws a parse error', () => {
    const path = write('bad.csv', `a,b\n${'x,y\n'.repeat(50)}"open`);
    const before = openFds();
    const rows: string[][] = [];
    expect(() => {
      for (const row of reader(fileChunks(path, { chunkSize: 8 }), { strict: true })) rows.push(row);
    }).toThrow(CsvParseError);
    expect(rows).toHaveLength(51);
    expect(openFds()).toBe(before);
  });

  it('when reading fails after the file was opened', () => {
    const before = openFds();
    expect(() => [...fileChunks(dir)]).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(openFds()).toBe(before);
  });
});
