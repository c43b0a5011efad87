import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DialectOptions, makeDialect, QUOTE_ALL, QUOTE_MINIMAL, QUOTE_NONE } from '../src/dialect.js';
import { CsvError } from '../src/errors.js';
import { type Field, Parser } from '../src/parser.js';
import { Formatter } from '../src/writer.js';

// The parser reads whole records with indexOf where the dialect allows it, and the writer quotes
// QUOTE_MINIMAL fields with two native calls. Both must give exactly what the general state machine
// and the general field formatter give: the same rows, line numbers, errors and bytes.

interface Outcome {
  rows: [Field[], number][];
  line: number;
  cutShort: boolean;
  error?: { code: string; line: number | undefined; column: number | undefined; record: number | undefined };
}

function run(text: string, cuts: number[], options: DialectOptions, limit: number, fast: boolean): Outcome {
  const parser = new Parser(makeDialect(options), limit, fast);
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let prev = 0;
  for (const p of points) {
    pieces.push(text.slice(prev, p));
    prev = p;
  }
  pieces.push(text.slice(prev));
  const rows: [Field[], number][] = [];
  const drain = () => {
    const [got, lines] = parser.take();
    for (const [k, row] of got.entries()) rows.push([row, lines[k]!]);
  };
  try {
    for (const [k, piece] of pieces.entries()) {
      parser.feed(piece, k === pieces.length - 1);
      drain();
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    drain();
    return {
      rows,
      line: parser.line,
      cutShort: parser.cutShort,
      error: { code: err.code, line: err.line, column: err.column, record: err.record },
    };
  }
  return { rows, line: parser.line, cutShort: parser.cutShort };
}

const unit = fc.constantFrom(
  'a',
  'bc',
  'hello world',
  ' ',
  ',',
  ';',
  '"',
  "'",
  '""',
  '\r',
  '\n',
  '\r\n',
  '\\',
  'é',
  '😀',
  '\0',
  '12.5',
);

const dialect = fc.record(
  {
    delimiter: fc.constantFrom(',', ';', '\t', ' '),
    quotechar: fc.constantFrom('"', "'"),
    escapechar: fc.constantFrom(null, null, null, '\\'),
    doublequote: fc.constantFrom(true, true, true, false),
    skipinitialspace: fc.constantFrom(false, false, false, true),
    quoting: fc.constantFrom(QUOTE_MINIMAL, QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONE),
    strict: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('parser fast path', () => {
  it('reads random texts exactly as the state machine does, for any chunking, limit and dialect (property)', () => {
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 80 }).map((parts) => parts.join('')),
        dialect,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.constantFrom(131072, 131072, 2, 5, 12),
        (text, options, cuts, limit) => {
          expect(run(text, cuts, options, limit, true)).toEqual(run(text, cuts, options, limit, false));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads long generated tables (many records per chunk) exactly as the state machine does', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.array(unit, { maxLength: 6 }).map((p) => p.join('')),
            { maxLength: 6 },
          ),
          {
            minLength: 20,
            maxLength: 60,
          },
        ),
        fc.array(fc.nat(), { maxLength: 3 }),
        (table, cuts) => {
          // A mostly well-formed table: quoted fields where needed, quotes doubled, CRLF line ends.
          const text = table
            .map((row) => row.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(','))
            .join('\r\n');
          expect(run(text, cuts, {}, 131072, true)).toEqual(run(text, cuts, {}, 131072, false));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stops at a field over the limit so the error points at the same line, column and record', () => {
    const text = 'a,b\r\n"x\ny",cccccc\r\nd\r\n';
    const fast = run(text, [], {}, 5, true);
    expect(fast.error).toEqual({ code: 'CSV_FIELD_TOO_LARGE', line: 3, column: 10, record: 2 });
    expect(fast).toEqual(run(text, [], {}, 5, false));
    expect(fast.rows).toEqual([[['a', 'b'], 1]]);
  });
});

describe('writer fast quoting', () => {
  it('formats random rows as the general formatter does under QUOTE_MINIMAL (property)', () => {
    const value = fc.oneof(
      fc.array(unit, { maxLength: 6 }).map((p) => p.join('')),
      fc.double(),
      fc.integer(),
      fc.constantFrom(null, undefined, true, false),
    );
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 6 }),
        fc.constantFrom(',', ';', '.', '1', 'e', ' '),
        fc.constantFrom('"', "'", 'a'),
        fc.constantFrom('\r\n', '\n', '!!\n'),
        (row, delimiter, quotechar, lineterminator) => {
          const d = makeDialect({ delimiter, quotechar, lineterminator });
          expect(new Formatter(d, true).row(row)).toBe(new Formatter(d, false).row(row));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
