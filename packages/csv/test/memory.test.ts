import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/stream-big.ts', import.meta.url));

describe('memory', () => {
  it('streams 500 MB through the reader with peak RSS under 150 MB', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '500'], {
      encoding: 'utf8',
    });
    const result = JSON.parse(stdout) as { rows: number; expected: number; bytes: number; maxRssMB: number };
    expect(result.bytes).toBeGreaterThanOrEqual(500e6);
    expect(result.rows).toBe(result.expected);
    expect(result.maxRssMB).toBeLessThan(150);
  }, 180_000);
});
