import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { stringify } from '../src/index.js';
import { rng } from '../test/oracle.js';

/** Where generated benchmark inputs live (gitignored). */
export const DATA_DIR = fileURLToPath(new URL('../.bench-data/', import.meta.url));

const FIRST = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Eve',
  'Farid',
  'Grace',
  'Hiro',
  'Inès',
  'José',
  'Kai',
  'Lena',
];
const LAST = ['Smith', "O'Neil", 'García', 'Müller', 'Nguyen', 'Kowalski', 'Rossi', 'Dubois', 'Tanaka'];
const CITIES = ['Paris', 'Lyon, FR', 'New York, NY', 'São Paulo', 'Zürich', 'Berlin', 'Austin, TX', 'Oslo'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'ok', 'pending', 'paid', 'refund', 'note', 'urgent'];

export type Kind = 'typical' | 'quoted';

/** A row of the "typical" file: ids, names, a city that sometimes needs quotes, numbers, dates, a note. */
function typicalRow(r: () => number, id: number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const noteRoll = r();
  let note = `${pick(WORDS)} ${pick(WORDS)}`;
  if (noteRoll < 0.05) note = `said "${pick(WORDS)}", then ${pick(WORDS)}`;
  else if (noteRoll < 0.07) note = `${pick(WORDS)}\n${pick(WORDS)}`;
  return [
    String(id),
    pick(FIRST),
    pick(LAST),
    `${pick(FIRST).toLowerCase()}${id}@example.com`,
    pick(CITIES),
    (r() * 10000).toFixed(2),
    String(Math.floor(r() * 100)),
    new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 1e11)).toISOString().slice(0, 10),
    r() < 0.5 ? 'true' : 'false',
    note,
  ];
}

/** A row of the quote-heavy file: every field needs quotes (commas, doubled quotes, line breaks). */
function quotedRow(r: () => number, id: number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return [
    `id, ${id}`,
    `"${pick(WORDS)}" ${pick(WORDS)}`,
    `${pick(CITIES)}, ${pick(WORDS)}`,
    `line one\r\nline "two", ${pick(WORDS)}`,
    `${pick(LAST)}, ${pick(FIRST)} "${pick(WORDS)}"`,
    `${(r() * 1000).toFixed(3)}, ${pick(WORDS)}`,
  ];
}

const HEADERS: Record<Kind, string[]> = {
  typical: ['id', 'first', 'last', 'email', 'city', 'amount', 'age', 'date', 'active', 'note'],
  quoted: ['a', 'b', 'c', 'd', 'e', 'f'],
};

/** Writes (once) a generated CSV file of about `megabytes` MB and returns its path and exact size. */
export async function ensureFile(kind: Kind, megabytes: number): Promise<{ path: string; bytes: number }> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = `${DATA_DIR}${kind}-${megabytes}mb.csv`;
  if (!existsSync(path)) {
    const tmp = `${path}.tmp`;
    const out = createWriteStream(tmp);
    const r = rng(kind === 'typical' ? 1 : 2);
    let bytes = 0;
    let id = 0;
    const target = megabytes * 1e6;
    let text = stringify([HEADERS[kind]]);
    while (bytes < target) {
      const rows: string[][] = [];
      for (let k = 0; k < 2000; k++) rows.push(kind === 'typical' ? typicalRow(r, ++id) : quotedRow(r, ++id));
      text += stringify(rows);
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
    out.end();
    await once(out, 'close');
    const { rename } = await import('node:fs/promises');
    await rename(tmp, path);
  }
  return { path, bytes: statSync(path).size };
}
