import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DialectOptions, makeDialect, QUOTE_ALL, QUOTE_MINIMAL, QUOTE_NONE } from '../src/dialect.js';
import { CsvError } from '../src/errors.js';
import { type Field, Parser } from '../src/parser.js';
import { ChunkDecoder, reader, readSettings } from '../src/reader.js';
import { Formatter } from '../src/writer.js';
import { pieceBounds } from './cuts.js';

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
  const pieces = pieceBounds(text.length, cuts).map(([a, b]) => text.slice(a, b));
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

  it('reads a string many slices long as one parser feed of it does', () => {
    const row = 'id,"note, with ""quotes""\r\nand a break",é,😀\r\n';
    let text = '';
    for (let k = 0; text.length < 300_000; k++) text += k % 7 === 0 ? `${k}\r` : `${k},${row}`;
    const r = reader(text);
    const got: [Field[], number][] = [];
    for (const fields of r) got.push([fields, r.lineNum]);
    expect(got.length).toBeGreaterThan(3000);
    const want = run(text, [], {}, 131072, false);
    expect({ rows: got, line: r.lineNum }).toEqual({ rows: want.rows, line: want.line });
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

describe('decoder ASCII fast path', () => {
  const decodeAll = (chunks: Uint8Array[], encoding: string, keepBom: boolean): string => {
    const decoder = new ChunkDecoder(readSettings({ encoding, keepBom }));
    let out = '';
    for (const chunk of chunks) out += decoder.text(chunk);
    return out + decoder.end();
  };
  const reference = (bytes: Uint8Array, encoding: string, keepBom: boolean): string => {
    // Streaming mode, as the reader always decoded (Node 20 maps windows-1252 differently without it).
    const decoder = new TextDecoder(encoding, { ignoreBOM: true });
    const text = decoder.decode(bytes, { stream: true }) + decoder.decode();
    return !keepBom && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };

  it('decodes random bytes cut anywhere as one streaming TextDecoder does (property)', () => {
    const piece = fc.constantFrom(
      [0x61, 0x2c, 0x62, 0x0d, 0x0a],
      [0x22, 0x78, 0x22],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xef, 0xbb, 0xbf],
      [0xe2, 0x82],
      [0x80],
      [0xff],
      [0x00],
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom('utf-8', 'latin1', 'utf-16le'),
        fc.boolean(),
        (pieces, cuts, encoding, keepBom) => {
          const bytes = Uint8Array.from(pieces.flat());
          // Plain Uint8Arrays at an offset, and Buffers: both kinds of byte chunk.
          const chunks = pieceBounds(bytes.length, cuts).map(([a, b]) =>
            b % 2 === 0 ? bytes.subarray(a, b) : Buffer.from(bytes.subarray(a, b)),
          );
          expect(decodeAll(chunks, encoding, keepBom)).toBe(reference(bytes, encoding, keepBom));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('finishes a character split before an ASCII chunk, and reads ASCII after it', () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    expect(decodeAll([bytes(0xe2, 0x82), bytes(0xac, 0x61)], 'utf-8', false)).toBe('\u20aca');
    expect(decodeAll([bytes(0xe2, 0x82), bytes(0x61, 0x62)], 'utf-8', false)).toBe('\ufffdab');
    expect(decodeAll([bytes(0x61), bytes(0xc3), bytes(0xa9), bytes(0x62)], 'utf-8', false)).toBe('a\u00e9b');
    expect(decodeAll([bytes(0x78, 0x80), bytes(0x79)], 'latin1', false)).toBe('x\u20acy');
  });
});
