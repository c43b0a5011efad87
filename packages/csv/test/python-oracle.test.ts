import { describe, expect, it } from 'vitest';
import { CsvError, type Field, reader, stringify } from '../src/index.js';
import { type PyDialect, type PyReadResult, pyNumber, python, rng } from './oracle.js';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomDialect(r: Rand): PyDialect {
  const delimiter = pick(r, [',', ',', ';', '\t', '|', ' ', ':']);
  const quotechar = pick(
    r,
    ['"', '"', "'", '|', '~', ' '].filter((c) => c !== delimiter),
  );
  const escapechar = pick(
    r,
    [null, null, '\\', '!', '/'].filter((c) => c !== delimiter && c !== quotechar),
  );
  const quoting = pick(r, [0, 0, 1, 2, 3, 3] as const);
  return {
    delimiter,
    // Python accepts no quotechar at all when nothing is quoted.
    quotechar: quoting === 3 && r() < 0.3 ? null : quotechar,
    escapechar,
    doublequote: r() < 0.7,
    skipinitialspace: r() < 0.3,
    lineterminator: pick(r, ['\r\n', '\n', '\r', '\r\n', '!!\n']),
    quoting,
    strict: r() < 0.3,
  };
}

function randomText(r: Rand, d: PyDialect, max: number): string {
  const alphabet = [
    d.delimiter!,
    d.delimiter!,
    d.quotechar ?? 'q',
    d.quotechar ?? 'q',
    d.escapechar ?? 'e',
    ' ',
    '\r',
    '\n',
    '\r\n',
    'a',
    'b',
    '1',
    '2.5',
    '-',
    '\0',
    'é',
    '😀',
    '"',
    ',',
  ];
  let out = '';
  const len = Math.floor(r() * max);
  for (let k = 0; k < len; k++) out += pick(r, alphabet);
  return out;
}

/** Splits `text` into random chunks, as strings or as UTF-8 bytes cut anywhere (even inside a character). */
function chunks(r: Rand, text: string): (string | Uint8Array)[] {
  const asBytes = r() < 0.4;
  const data = asBytes ? new TextEncoder().encode(text) : text;
  const out: (string | Uint8Array)[] = [];
  let k = 0;
  while (k < data.length) {
    const size = 1 + Math.floor(r() * 6);
    out.push(data.slice(k, k + size));
    k += size;
  }
  return out;
}

function readOurs(source: Iterable<string | Uint8Array>, d: PyDialect) {
  const rows: [Field[], number][] = [];
  const r = reader(source, d);
  try {
    for (const row of r) rows.push([row, r.lineNum]);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    return { rows, error: err.code, line: err.line };
  }
  return { rows, lineNum: r.lineNum };
}

function normalize(res: PyReadResult) {
  const rows = res.rows.map(([row, line]) => [row.map(pyNumber), line] as [Field[], number]);
  if (res.error === undefined) return { rows, lineNum: res.lineNum };
  return { rows, error: res.error, line: res.lineNum };
}

function sameCode(ours: string | undefined, theirs: string | undefined): string | undefined {
  if (theirs === 'END' && (ours === 'CSV_UNTERMINATED_QUOTE' || ours === 'CSV_UNEXPECTED_END')) return 'END';
  return ours;
}

describe('differential tests against python3 csv', () => {
  it('reads 5000 random inputs with random dialects and chunkings exactly as csv.reader does', () => {
    const cases: { seed: number; dialect: PyDialect; text: string; r: Rand }[] = [];
    for (let seed = 1; seed <= 5000; seed++) {
      const r = rng(seed);
      const dialect = randomDialect(r);
      cases.push({ seed, dialect, text: randomText(r, dialect, 30), r });
    }
    const expected = python<PyReadResult>(
      cases.map((c) => ({ op: 'read', text: c.text, dialect: c.dialect })),
    );
    let errors = 0;
    for (const [k, c] of cases.entries()) {
      const want = normalize(expected[k]!);
      const got = readOurs(chunks(c.r, c.text), c.dialect);
      if (want.error) errors++;
      const label = `seed ${c.seed}: ${JSON.stringify(c.text)} ${JSON.stringify(c.dialect)}`;
      expect({ ...got, error: sameCode(got.error, want.error) }, label).toEqual(want);
    }
    // The generator must exercise the error paths too, or the comparison proves little about strict mode.
    expect(errors).toBeGreaterThan(100);
  });

  it('reads 2000 longer inputs in big chunks (the dialects of the fast path) exactly as csv.reader does', () => {
    const cases: { seed: number; dialect: PyDialect; text: string; r: Rand }[] = [];
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed * 104729);
      // The dialects whose records the parser reads with indexOf: no escapechar, no skipinitialspace,
      // doubled quotes, nothing converted.
      const dialect = {
        ...randomDialect(r),
        escapechar: null,
        skipinitialspace: false,
        doublequote: true,
        quoting: pick(r, [0, 0, 1, 3] as const),
      };
      if (dialect.quoting !== 3 && dialect.quotechar === null) dialect.quotechar = '"';
      cases.push({ seed, dialect, text: randomText(r, dialect, 200), r });
    }
    const expected = python<PyReadResult>(
      cases.map((c) => ({ op: 'read', text: c.text, dialect: c.dialect })),
    );
    for (const [k, c] of cases.entries()) {
      const want = normalize(expected[k]!);
      const label = `seed ${c.seed}: ${JSON.stringify(c.text)} ${JSON.stringify(c.dialect)}`;
      const whole = readOurs([c.text], c.dialect);
      expect({ ...whole, error: sameCode(whole.error, want.error) }, label).toEqual(want);
      const size = 20 + Math.floor(c.r() * 60);
      const pieces: string[] = [];
      for (let i = 0; i < c.text.length; i += size) pieces.push(c.text.slice(i, i + size));
      const chunked = readOurs(pieces, c.dialect);
      expect({ ...chunked, error: sameCode(chunked.error, want.error) }, label).toEqual(want);
    }
  });

  it('writes 3000 random tables with random dialects byte for byte as csv.writer does, and reads them back', () => {
    const cases: { seed: number; dialect: PyDialect; rows: (string | number | null)[][] }[] = [];
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed * 7919);
      const dialect = randomDialect(r);
      const rows: (string | number | null)[][] = [];
      const nrows = Math.floor(r() * 5);
      for (let i = 0; i < nrows; i++) {
        const row: (string | number | null)[] = [];
        const nf = Math.floor(r() * 5);
        for (let j = 0; j < nf; j++) {
          const roll = r();
          if (roll < 0.1) row.push(Math.floor(r() * 2000) - 1000);
          else if (roll < 0.15) row.push(null);
          else row.push(randomText(r, dialect, 8));
        }
        rows.push(row);
      }
      cases.push({ seed, dialect, rows });
    }
    const expected = python<{ text?: string; error?: string }>(
      cases.map((c) => ({ op: 'write', rows: c.rows, dialect: c.dialect })),
    );
    const readBack: { k: number; text: string }[] = [];
    for (const [k, c] of cases.entries()) {
      const want = expected[k]!;
      let got: { text?: string; error?: string };
      try {
        got = { text: stringify(c.rows, c.dialect) };
      } catch (err) {
        if (!(err instanceof CsvError)) throw err;
        got = { error: err.code };
      }
      expect(got, `seed ${c.seed}: ${JSON.stringify(c.rows)} ${JSON.stringify(c.dialect)}`).toEqual(want);
      if (want.text !== undefined) readBack.push({ k, text: want.text });
    }
    expect(readBack.length).toBeGreaterThan(1000);
    // Python's own output, read by both readers: the rows must agree.
    const reads = python<PyReadResult>(
      readBack.map(({ k, text }) => ({ op: 'read', text, dialect: cases[k]!.dialect })),
    );
    for (const [m, { k, text }] of readBack.entries()) {
      const c = cases[k]!;
      expect(readOurs([text], c.dialect), `seed ${c.seed}`).toEqual(normalize(reads[m]!));
    }
  });
});
