import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('per-instance caches and garbage collection', () => {
  it('lets instances (and their caches) be collected while live instances keep theirs', () => {
    // A child process, so --expose-gc applies to it alone and the vitest worker is untouched.
    const script = fileURLToPath(new URL('./fixtures/gc.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(out) as {
      count: number;
      collected: number;
      keptCollected: boolean;
      keptHits: number;
    };
    expect(result.collected).toBe(result.count);
    expect(result.keptCollected).toBe(false);
    expect(result.keptHits).toBe(1);
  });
});
