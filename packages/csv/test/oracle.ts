import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DialectOptions } from '../src/index.js';

const SCRIPT = fileURLToPath(new URL('./python/oracle.py', import.meta.url));

/** A dialect as Python's keyword arguments: the formatting options, without a dialect to start from. */
export type PyDialect = Omit<DialectOptions, 'dialect'>;

export type PyField = string | { n: string };
export type PyCase =
  | { op: 'read'; text: string; dialect: PyDialect }
  | { op: 'write'; rows: (string | number | null)[][]; dialect: PyDialect; corrected?: boolean }
  | { op: 'sniff'; sample: string; delimiters?: string }
  | { op: 'has_header'; sample: string }
  | {
      op: 'dict_read';
      text: string;
      dialect: PyDialect;
      fieldnames?: string[];
      restkey?: string;
      restval?: string;
    }
  | {
      op: 'dict_write';
      fieldnames: string[];
      rows: Record<string, string>[];
      options?: Record<string, unknown>;
    };

export interface PyReadResult {
  rows: [PyField[], number][];
  lineNum: number;
  error?: string;
}

/** Runs every case through python3's csv module in one process and returns its answers in order. */
export function python<T = unknown>(cases: PyCase[]): T[] {
  const out = execFileSync('python3', [SCRIPT], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return JSON.parse(out) as T[];
}

/** Python's float repr back to a JS number. */
export function pyNumber(field: PyField): string | number {
  if (typeof field === 'string') return field;
  const r = field.n;
  if (r === 'inf') return Number.POSITIVE_INFINITY;
  if (r === '-inf') return Number.NEGATIVE_INFINITY;
  if (r === 'nan') return Number.NaN;
  return Number(r);
}

/** A small seeded PRNG (mulberry32) so that a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
