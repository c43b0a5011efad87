import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runSuite } from '@cb-tools/bench';
import { format as fastFormat, parse as fastParse } from 'fast-csv';
import Papa from 'papaparse';
import { initParser, inferSchema } from 'udsv';
import { DictReader, fileChunks, parse, reader, writer } from '../src/index.js';
import { ensureFile, type Kind } from './data.js';

const PY = fileURLToPath(new URL('./python_bench.py', import.meta.url));

function python(
  mode: string,
  path: string,
  extra: string[] = [],
): { seconds: number; rows: number; bytes?: number } {
  return JSON.parse(
    execFileSync('python3', [PY, mode, path, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 }),
  );
}

const files: Partial<Record<Kind, { path: string; bytes: number }>> = {};
const sizes = (quick: boolean): Record<Kind, number> =>
  quick ? { typical: 4, quoted: 2 } : { typical: 52, quoted: 26 };

function file(kind: Kind) {
  const f = files[kind];
  if (!f) throw new Error(`${kind} file not generated`);
  return f;
}

async function cbReader(kind: Kind): Promise<number> {
  const { path, bytes } = file(kind);
  let n = 0;
  for await (const _row of reader(createReadStream(path))) n++;
  if (n < 2) throw new Error('no rows');
  return bytes / 1e6;
}

// Python's csv.reader iterates an open file synchronously; this is the same thing in Node: 64 KiB
// chunks read with fs.readSync (fileChunks' default), rows taken one by one with for ... of.
function cbReaderSync(kind: Kind): number {
  const { path, bytes } = file(kind);
  let n = 0;
  for (const _row of reader(fileChunks(path))) n++;
  if (n < 2) throw new Error('no rows');
  return bytes / 1e6;
}

async function cbBatches(kind: Kind): Promise<number> {
  const { path, bytes } = file(kind);
  let n = 0;
  for await (const rows of reader(createReadStream(path)).batches()) n += rows.length;
  if (n < 2) throw new Error('no rows');
  return bytes / 1e6;
}

function udsvStream(kind: Kind): Promise<number> {
  const { path, bytes } = file(kind);
  return new Promise((resolve, reject) => {
    let n = 0;
    let parser: ReturnType<typeof initParser> | null = null;
    const count = () => {
      n++;
    };
    const stream = createReadStream(path, { encoding: 'utf8' });
    stream.on('data', (chunk) => {
      const text = chunk as string;
      parser ??= initParser(inferSchema(text));
      parser.chunk<string[]>(text, parser.stringArrs, count);
    });
    stream.on('end', () => {
      parser?.end();
      resolve(n > 1 ? bytes / 1e6 : Number.NaN);
    });
    stream.on('error', reject);
  });
}

function papaStream(kind: Kind): Promise<number> {
  const { path, bytes } = file(kind);
  return new Promise((resolve, reject) => {
    let n = 0;
    Papa.parse(createReadStream(path, { encoding: 'utf8' }) as unknown as File, {
      chunk: (results: Papa.ParseResult<unknown>) => {
        n += results.data.length;
      },
      complete: () => resolve(n > 1 ? bytes / 1e6 : Number.NaN),
      error: (err: Error) => reject(err),
    });
  });
}

function fastCsv(kind: Kind): Promise<number> {
  const { path, bytes } = file(kind);
  return new Promise((resolve, reject) => {
    let n = 0;
    createReadStream(path)
      .pipe(fastParse())
      .on('data', () => {
        n++;
      })
      .on('end', () => resolve(n > 1 ? bytes / 1e6 : Number.NaN))
      .on('error', reject);
  });
}

function pyReader(kind: Kind, mode = 'read') {
  const { path, bytes } = file(kind);
  const r = python(mode, path);
  return { work: bytes / 1e6, seconds: r.seconds };
}

function readScenario(kind: Kind, title: string) {
  return {
    name: title,
    unit: 'MB/s',
    baseline: 'udsv stream',
    compare: ['python csv.reader', 'fast-csv parse'],
    // The reader and udsv land within a few percent of each other; on a shared machine 5 rounds
    // let one noisy round move the median, so these two scenarios take 9.
    rounds: 9,
    setup: async ({ quick }: { quick: boolean }) => {
      files[kind] = await ensureFile(kind, sizes(quick)[kind]);
    },
    peers: {
      '@cb/csv reader (sync file chunks, for...of per row)': () => cbReaderSync(kind),
      '@cb/csv reader (stream, for await per row)': () => cbReader(kind),
      '@cb/csv reader.batches() (stream)': () => cbBatches(kind),
      'udsv stream': () => udsvStream(kind),
      'papaparse stream': () => papaStream(kind),
      'fast-csv parse': () => fastCsv(kind),
      'python csv.reader': () => pyReader(kind),
    },
  };
}

let rows: string[][] = [];
const writeRows = (quick: boolean) => (quick ? 20_000 : 200_000);

await runSuite({
  title: '@cb/csv',
  scenarios: [
    readScenario('typical', 'read the typical file (10 columns, some quoted fields)'),
    readScenario('quoted', 'read the quote-heavy file (every field quoted, doubled quotes, line breaks)'),
    {
      name: 'DictReader on the header/records file (typical file, first row is the header)',
      unit: 'MB/s',
      baseline: 'python csv.DictReader',
      rounds: 5,
      setup: async ({ quick }) => {
        files.typical = await ensureFile('typical', sizes(quick).typical);
      },
      peers: {
        '@cb/csv DictReader (stream)': async () => {
          const { path, bytes } = file('typical');
          let n = 0;
          for await (const _rec of new DictReader(createReadStream(path))) n++;
          return n > 1 ? bytes / 1e6 : Number.NaN;
        },
        'python csv.DictReader': () => pyReader('typical', 'dictread'),
      },
    },
    {
      name: 'write rows of the typical file to text',
      unit: 'MB/s',
      baseline: 'fast-csv format',
      compare: ['python csv.writer'],
      rounds: 5,
      setup: async ({ quick }) => {
        files.typical = await ensureFile('typical', sizes(quick).typical);
        const all = parse(readFileSync(files.typical.path));
        rows = all.slice(0, writeRows(quick));
      },
      teardown: () => {
        rows = [];
      },
      peers: {
        '@cb/csv writer': async () => {
          let bytes = 0;
          const w = writer((chunk) => {
            bytes += Buffer.byteLength(chunk);
          });
          w.writeRows(rows);
          await w.close();
          return bytes / 1e6;
        },
        'fast-csv format': () =>
          new Promise<number>((resolve, reject) => {
            let bytes = 0;
            const stream = fastFormat();
            stream.on('data', (chunk: Buffer | string) => {
              bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
            });
            stream.on('end', () => resolve(bytes / 1e6));
            stream.on('error', reject);
            for (const row of rows) stream.write(row);
            stream.end();
          }),
        'papaparse unparse': () => Buffer.byteLength(Papa.unparse(rows)) / 1e6,
        'python csv.writer': () => {
          const r = python('write', file('typical').path, [String(rows.length)]);
          return { work: (r.bytes ?? 0) / 1e6, seconds: r.seconds };
        },
      },
    },
  ],
});
