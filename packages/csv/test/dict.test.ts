import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvError, DictReader, DictWriter, dictReader, stringify } from '../src/index.js';
import { python, rng } from './oracle.js';

function collect(): { sink: (s: string) => void; text: () => string } {
  let out = '';
  return {
    sink: (s) => {
      out += s;
    },
    text: () => out,
  };
}

describe('DictReader', () => {
  it('reads records exactly as Python DictReader does, header, blank lines, restkey and restval included', () => {
    const cases = [
      { text: 'a,b,c\r\n1,2,3\r\n\r\n4,5\r\n6,7,8,9,10\r\n', restkey: 'rest', restval: 'none' },
      { text: '\r\nname,age\r\nAna,31\r\n', restkey: 'rest', restval: '?' },
      { text: 'x;y\n"1;2";3\n', dialect: { delimiter: ';' }, restkey: 'more', restval: '' },
      { text: '1,2,3\n4\n', fieldnames: ['p', 'q'], restkey: 'r', restval: 'v' },
      { text: 'k,k,j\n1,2,3\n4\n', restkey: 'r', restval: 'v' },
    ];
    const expected = python<{ rows: [string, unknown][][]; fieldnames: string[] }>(
      cases.map((c) => ({
        op: 'dict_read' as const,
        text: c.text,
        dialect: c.dialect ?? {},
        ...(c.fieldnames ? { fieldnames: c.fieldnames } : {}),
        restkey: c.restkey,
        restval: c.restval,
      })),
    );
    for (const [k, c] of cases.entries()) {
      const r = new DictReader(c.text, {
        ...(c.dialect ?? {}),
        ...(c.fieldnames ? { fieldnames: c.fieldnames } : {}),
        restkey: c.restkey,
        restval: c.restval,
      });
      const got = [...r].map((rec) => Object.entries(rec));
      expect(got, c.text).toEqual(expected[k]!.rows);
      expect(r.fieldnames).toEqual(expected[k]!.fieldnames);
    }
  });

  it('reads 500 random inputs with random restkey/restval exactly as Python DictReader does', () => {
    const alphabet = ['a', 'b', 'k', ',', ',', '\n', '\r\n', '"', ' ', '1', 'é'];
    const cases = Array.from({ length: 500 }, (_, seed) => {
      const r = rng(seed + 1);
      let text = '';
      const len = Math.floor(r() * 40);
      for (let k = 0; k < len; k++) text += alphabet[Math.floor(r() * alphabet.length)];
      const fieldnames = r() < 0.3 ? ['x', 'y'] : undefined;
      return { text, fieldnames, restkey: 'rest', restval: r() < 0.5 ? '' : 'missing' };
    });
    const expected = python<{ rows: [string, unknown][][]; fieldnames: string[] | null }>(
      cases.map((c) => ({
        op: 'dict_read' as const,
        text: c.text,
        dialect: {},
        ...(c.fieldnames ? { fieldnames: c.fieldnames } : {}),
        restkey: c.restkey,
        restval: c.restval,
      })),
    );
    for (const [k, c] of cases.entries()) {
      const r = new DictReader(c.text, {
        ...(c.fieldnames ? { fieldnames: c.fieldnames } : {}),
        restkey: c.restkey,
        restval: c.restval,
      });
      // Compared as objects: JS lists integer-like keys first, whatever order they were set in.
      const want = expected[k]!.rows.map((entries) => Object.fromEntries(entries));
      expect([...r], JSON.stringify(c)).toEqual(want);
      expect(r.fieldnames ?? null).toEqual(expected[k]!.fieldnames);
    }
  });

  it('exposes fieldnames of a sync source before iteration, like Python', () => {
    const r = new DictReader('name,age\r\nAna,31\r\n');
    expect(r.fieldnames).toEqual(['name', 'age']);
    expect([...r]).toEqual([{ name: 'Ana', age: '31' }]);
    expect(r.lineNum).toBe(2);
  });

  it('has no fieldnames and no records for an empty input, like Python', async () => {
    const r = new DictReader('');
    expect(r.fieldnames).toBeUndefined();
    expect([...r]).toEqual([]);
    const a = new DictReader(Readable.from([]));
    expect(await a.readFieldnames()).toBeUndefined();
    expect(await a[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true });
  });

  it('gives missing fields null by default (Python None)', () => {
    expect([...new DictReader('a,b\n1\n')]).toEqual([{ a: '1', b: null }]);
  });

  it('throws CSV_EXTRA_FIELDS for a long row without restkey instead of dropping fields', () => {
    const r = new DictReader('a,b\n1,2\n1,2,3\n');
    const it = r[Symbol.iterator]();
    expect(it.next().value).toEqual({ a: '1', b: '2' });
    try {
      it.next();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CsvError);
      expect((err as CsvError).code).toBe('CSV_EXTRA_FIELDS');
      expect((err as CsvError).line).toBe(3);
      expect((err as CsvError).value).toEqual(['3']);
    }
  });

  it('reads a Readable stream asynchronously and resolves fieldnames on demand', async () => {
    const r = dictReader(Readable.from(['id,na', 'me\n1,Ana\n2,Ben\n']), { restval: '' });
    expect(await r.readFieldnames()).toEqual(['id', 'name']);
    const out = [];
    for await (const rec of r) out.push(rec);
    expect(out).toEqual([
      { id: '1', name: 'Ana' },
      { id: '2', name: 'Ben' },
    ]);
  });

  it('keeps a __proto__ column as data, never as the prototype', () => {
    const [rec] = [...new DictReader('__proto__,b\nx,y\n')];
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(Object.keys(rec!)).toEqual(['__proto__', 'b']);
  });
});

describe('DictWriter', () => {
  it('writes the same bytes as Python DictWriter, restval and extrasaction ignore included', () => {
    const rows: Record<string, string>[] = [
      { b: '2', a: '1' },
      { a: 'x,y' },
      { a: '"q"', b: '', c: 'dropped' },
    ];
    const [want] = python<{ text: string }>([
      { op: 'dict_write', fieldnames: ['a', 'b'], rows, options: { restval: 'R', extrasaction: 'ignore' } },
    ]);
    const out = collect();
    const w = new DictWriter(out.sink, ['a', 'b'], { restval: 'R', extrasaction: 'ignore' });
    w.writeHeader();
    w.writeRows(rows);
    return w.close().then(() => expect(out.text()).toBe(want!.text));
  });

  it('rejects records with unknown keys by default and writes none of the batch', async () => {
    const out = collect();
    const w = new DictWriter(out.sink, ['a']);
    expect(() => w.writeRows([{ a: '1' }, { a: '2', z: '3' } as { a: string }])).toThrowError(
      expect.objectContaining({ code: 'CSV_EXTRA_FIELDS', value: ['z'] }),
    );
    await w.close();
    expect(out.text()).toBe('');
  });

  it('rejects a bad extrasaction and unknown options', () => {
    expect(() => new DictWriter(() => {}, ['a'], { extrasaction: 'drop' as 'raise' })).toThrowError(
      expect.objectContaining({ code: 'CSV_INVALID_OPTION' }),
    );
    expect(() => new DictWriter(() => {}, ['a'], { colour: 1 } as object)).toThrow(TypeError);
  });

  it('round-trips records with sorted columns through DictReader', async () => {
    const records = [
      { name: 'Ana', city: 'Lyon, FR', note: 'says "hi"\nthen leaves' },
      { name: 'Ben', city: '', note: ' ' },
    ];
    const names = Object.keys(records[0]!).sort();
    const out = collect();
    const w = new DictWriter(out.sink, names);
    w.writeHeader();
    w.writeRows(records);
    await w.close();
    expect([...new DictReader(out.text())]).toEqual(records);
    expect(out.text()).toBe(
      stringify([names, ...records.map((r) => names.map((n) => r[n as keyof typeof r]))]),
    );
  });
});
