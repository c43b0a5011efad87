import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stringify } from '../src/index.js';

function pythonWriter(rows: string[][]): string {
  const script =
    'import csv,io,json,sys\nbuf=io.StringIO(newline="")\ncsv.writer(buf).writerows(json.load(sys.stdin))\nsys.stdout.write(buf.getvalue())';
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(rows), encoding: 'utf8' });
}

describe('stringify', () => {
  it('writes the same bytes as Python csv.writer for quotes, commas, newlines and empty rows', () => {
    const rows = [['a', 'b,c', 'say "hi"'], ['line\nbreak', '', ' '], [''], ['x\ry']];
    expect(stringify(rows)).toBe(pythonWriter(rows));
  });

  it('writes null and undefined as empty fields and dates as ISO 8601', () => {
    expect(stringify([[null, undefined, 1, true, new Date(Date.UTC(2020, 0, 2))]])).toBe(
      ',,1,true,2020-01-02T00:00:00.000Z\r\n',
    );
  });
});
