// The cookbook's CSV chapter, one function a program. Each writes its files under `dir` and returns
// what it would print, so the demo, the interactive CLI and the tests share the same code.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CellValue,
  DictReader,
  DictWriter,
  parse,
  QUOTE_ALL,
  QUOTE_MINIMAL,
  QUOTE_NONE,
  QUOTE_NONNUMERIC,
  QUOTE_NOTNULL,
  QUOTE_STRINGS,
  type Quoting,
  reader,
  Sniffer,
  stringify,
  writer,
} from '@cb/csv';

/** Shows control characters so that the exact bytes of a CSV text are visible in a terminal. */
export function visible(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n\n').replace(/\t/g, '\\t');
}

/** Writes rows with the default (excel) dialect, then reads them back. */
export async function writeThenRead(dir: string, rows: CellValue[][]): Promise<string[]> {
  const path = join(dir, 'rows.csv');
  const w = writer(path);
  w.writeRows(rows);
  await w.close();
  const out = [`wrote ${rows.length} rows to rows.csv:`, visible(await readFile(path, 'utf8'))];
  out.push('read back:');
  const r = reader(await readFile(path));
  for (const row of r) out.push(`  line ${r.lineNum}: ${JSON.stringify(row)}`);
  return out;
}

/** The classic example: space as delimiter, `|` as quote character. */
export async function spamExample(dir: string): Promise<string[]> {
  const path = join(dir, 'eggs.csv');
  const options = { delimiter: ' ', quotechar: '|', quoting: QUOTE_MINIMAL } as const;
  const w = writer(path, options);
  w.writeRow([...Array(5).fill('Spam'), 'Baked Beans']);
  w.writeRow(['Spam', 'Lovely Spam', 'Wonderful Spam']);
  await w.close();
  const text = await readFile(path, 'utf8');
  const out = ['eggs.csv:', visible(text), 'joined back with ", ":'];
  for (const row of parse(text, options)) out.push(`  ${row.join(', ')}`);
  return out;
}

const MODES: [string, Quoting][] = [
  ['QUOTE_MINIMAL', QUOTE_MINIMAL],
  ['QUOTE_ALL', QUOTE_ALL],
  ['QUOTE_NONNUMERIC', QUOTE_NONNUMERIC],
  ['QUOTE_NONE', QUOTE_NONE],
  ['QUOTE_STRINGS', QUOTE_STRINGS],
  ['QUOTE_NOTNULL', QUOTE_NOTNULL],
];

/** One row written with every quoting mode, side by side. */
export function quotingModes(): string[] {
  const row: CellValue[] = ['plain', 'with, comma', 'say "hi"', 42, 3.5, null];
  const width = Math.max(...MODES.map(([name]) => name.length));
  const out = [`row: ${JSON.stringify(row)}`];
  for (const [name, quoting] of MODES) {
    const text = stringify([row], { quoting, escapechar: '\\', lineterminator: '\n' }).trimEnd();
    out.push(`  ${name.padEnd(width)}  ${text}`);
  }
  return out;
}

/** Records written with sorted columns, then read back as records. */
export async function dictRoundTrip(dir: string): Promise<string[]> {
  const people = [
    { name: 'Ana', city: 'Lyon', born: 1990 },
    { name: 'Ben', city: 'New York, NY', born: 1985 },
    { name: 'Chloé', city: 'Zürich', born: 2001 },
  ];
  const fieldnames = Object.keys(people[0]!).sort();
  const path = join(dir, 'people.csv');
  const w = new DictWriter(path, fieldnames);
  w.writeHeader();
  w.writeRows(people);
  await w.close();
  const out = [
    `people.csv (columns sorted: ${fieldnames.join(', ')}):`,
    visible(await readFile(path, 'utf8')),
  ];
  const r = new DictReader(await readFile(path, 'utf8'));
  out.push(`fieldnames: ${JSON.stringify(r.fieldnames)}`);
  for (const rec of r) out.push(`  ${rec.name} was born in ${rec.born} and lives in ${rec.city}`);
  return out;
}

/** A file in an unknown dialect: sniff it, check for a header, read it. */
export async function sniffedFile(dir: string): Promise<string[]> {
  const path = join(dir, 'unknown.csv');
  await writeFile(path, "id;name;score\n1;'Smith; Jr.';12.5\n2;Ana;9\n3;'O''Neil';7.25\n");
  const sample = await readFile(path, 'utf8');
  const sniffer = new Sniffer();
  const dialect = sniffer.sniff(sample);
  const out = [
    `sniffed: delimiter ${JSON.stringify(dialect.delimiter)}, quotechar ${JSON.stringify(dialect.quotechar)}, doublequote ${dialect.doublequote}`,
    `has a header: ${sniffer.hasHeader(sample)}`,
  ];
  for (const row of parse(sample, { dialect })) out.push(`  ${JSON.stringify(row)}`);
  return out;
}

/** Every program of the chapter, in order, with a title each. */
export async function runTour(dir: string): Promise<string[]> {
  const sections: [string, () => Promise<string[]> | string[]][] = [
    [
      'Write rows, then read them back',
      () =>
        writeThenRead(dir, [
          ['name', 'note', 'amount'],
          ['Ana', 'says "hi", twice', 3.5],
          ['Ben', 'two\nlines', null],
        ]),
    ],
    ['Space delimiter, | quote character', () => spamExample(dir)],
    ['Every quoting mode side by side', () => quotingModes()],
    ['Dict writing and reading with sorted columns', () => dictRoundTrip(dir)],
    ['A sniffed file', () => sniffedFile(dir)],
  ];
  const out: string[] = [];
  for (const [title, run] of sections) {
    out.push('', `== ${title} ==`, ...(await run()));
  }
  return out;
}

/** Asks a question and returns the answer, or null once the input is closed (Ctrl+D). */
export type Ask = (question: string) => Promise<string | null>;

/**
 * The chapter's interactive program: asks for the number of columns and their names, then rows
 * until the user declines to continue (or closes the input), writes them as CSV and reads them back.
 */
export async function interactive(dir: string, ask: Ask): Promise<string[]> {
  let columns = 0;
  while (!(columns >= 1 && columns <= 20)) {
    const answer = await ask('How many columns would you like? (1-20) ');
    if (answer === null) return ['no columns given, nothing written'];
    columns = Number.parseInt(answer.trim(), 10);
  }
  const header: string[] = [];
  for (let k = 1; k <= columns; k++)
    header.push((await ask(`Name of column ${k}: `))?.trim() || `column${k}`);
  const rows: string[][] = [header];
  for (;;) {
    const row: string[] = [];
    for (const name of header) {
      const value = await ask(`${name}: `);
      if (value === null) return writeThenRead(dir, rows);
      row.push(value);
    }
    rows.push(row);
    const more = (await ask('continue? (y/N) '))?.trim().toLowerCase();
    if (more !== 'y' && more !== 'yes') break;
  }
  return writeThenRead(dir, rows);
}
