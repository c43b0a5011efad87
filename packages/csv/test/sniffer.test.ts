import { describe, expect, it } from 'vitest';
import {
  CsvError,
  QUOTE_ALL,
  QUOTE_MINIMAL,
  QUOTE_NONNUMERIC,
  type Quoting,
  Sniffer,
  stringify,
} from '../src/index.js';
import { python, rng } from './oracle.js';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function sample(r: Rand): string {
  const delimiter = pick(r, [',', ';', '\t', '|', ' ', ':']);
  const quoting: Quoting = pick<Quoting>(r, [QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC]);
  const quotechar = pick(r, ['"', "'"]);
  const cols = 1 + Math.floor(r() * 5);
  const rows: (string | number)[][] = [];
  if (r() < 0.6) rows.push(Array.from({ length: cols }, (_, k) => `col${k}${pick(r, ['', ' name', '_x'])}`));
  const n = 1 + Math.floor(r() * 25);
  const kinds = Array.from({ length: cols }, () => pick(r, ['int', 'word', 'text', 'fixed']));
  for (let i = 0; i < n; i++) {
    rows.push(
      kinds.map((kind) => {
        if (kind === 'int') return Math.floor(r() * 1000);
        if (kind === 'fixed') return 'abcd';
        if (kind === 'word') return pick(r, ['alpha', 'be', 'gamma ray', 'd, e', 'say "x"']);
        return pick(r, ['x', 'hello world', '1.5', 'ünï', '']);
      }),
    );
  }
  const text = stringify(rows, {
    delimiter,
    quotechar,
    quoting,
    lineterminator: pick(r, ['\r\n', '\n']),
    escapechar: '\\',
    skipinitialspace: false,
  });
  // Python's sniffer is usually given a prefix of a file, cut anywhere.
  return r() < 0.3 ? text.slice(0, Math.floor(r() * text.length) + 1) : text;
}

interface PyDialectOut {
  dialect?: Record<string, unknown>;
  error?: string;
}

describe('Sniffer', () => {
  it('sniffs 400 random samples exactly as Python csv.Sniffer does', () => {
    const samples = Array.from({ length: 400 }, (_, k) => sample(rng(k + 1)));
    const want = python<PyDialectOut>(samples.map((s) => ({ op: 'sniff' as const, sample: s })));
    let ok = 0;
    for (const [k, s] of samples.entries()) {
      let got: PyDialectOut;
      try {
        const d = new Sniffer().sniff(s);
        got = {
          dialect: {
            delimiter: d.delimiter,
            quotechar: d.quotechar,
            escapechar: d.escapechar,
            doublequote: d.doublequote,
            skipinitialspace: d.skipinitialspace,
            lineterminator: d.lineterminator,
            quoting: d.quoting,
          },
        };
        ok++;
      } catch (err) {
        if (!(err instanceof CsvError) || err.code !== 'CSV_SNIFF_FAILED') throw err;
        got = { error: 'Could not determine delimiter' };
      }
      expect(got, JSON.stringify(s)).toEqual(want[k]);
    }
    expect(ok).toBeGreaterThan(200);
  });

  it('answers hasHeader exactly as Python does on 400 random samples', () => {
    const samples = Array.from({ length: 400 }, (_, k) => sample(rng(10_000 + k)));
    const want = python<{ value?: boolean; error?: string }>(
      samples.map((s) => ({ op: 'has_header' as const, sample: s })),
    );
    let compared = 0;
    let trues = 0;
    for (const [k, s] of samples.entries()) {
      const w = want[k]!;
      if (w.error !== undefined) {
        expect(() => new Sniffer().hasHeader(s)).toThrow(CsvError);
        continue;
      }
      const got = new Sniffer().hasHeader(s);
      expect(got, JSON.stringify(s)).toBe(w.value);
      compared++;
      if (got) trues++;
    }
    expect(compared).toBeGreaterThan(200);
    expect(trues).toBeGreaterThan(30);
    expect(compared - trues).toBeGreaterThan(30);
  });

  it('limits the candidates to the given delimiters', () => {
    expect(new Sniffer().sniff('a;b,c\n1;2,3\n', ',').delimiter).toBe(',');
    expect(new Sniffer().sniff('a;b,c\n1;2,3\n', ';').delimiter).toBe(';');
  });

  it('throws CSV_SNIFF_FAILED when there is no delimiter to find', () => {
    expect(() => new Sniffer().sniff('')).toThrowError(expect.objectContaining({ code: 'CSV_SNIFF_FAILED' }));
  });
});
