// fast-csv as a second opinion: on plain RFC 4180 input, where it is known to be right, it must agree.
import { parseString } from 'fast-csv';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from '../src/index.js';
import { rng } from './oracle.js';

function fastParse(text: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(text)
      .on('data', (row: string[]) => rows.push(row))
      .on('end', () => resolve(rows))
      .on('error', reject);
  });
}

describe('fast-csv second opinion', () => {
  it('reads 300 random RFC 4180 tables (2+ fields a row) the same way', async () => {
    const alphabet = ['a', 'b', 'é', '😀', ',', '"', '\n', '\r\n', '1', '-', 'x y'];
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const rows: string[][] = [];
      const n = 1 + Math.floor(r() * 5);
      for (let i = 0; i < n; i++) {
        const row: string[] = [];
        const width = 2 + Math.floor(r() * 4);
        for (let j = 0; j < width; j++) {
          let field = '';
          const len = Math.floor(r() * 6);
          for (let k = 0; k < len; k++) field += alphabet[Math.floor(r() * alphabet.length)];
          row.push(field);
        }
        rows.push(row);
      }
      const text = stringify(rows);
      const ours = parse(text);
      expect(ours).toEqual(rows);
      expect(await fastParse(text), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(ours);
    }
  });
});
