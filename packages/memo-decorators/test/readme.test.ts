import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of the README runs as written (importing this package's source), and its
// output comments hold: `console.log(...); // x` must print exactly `x`, and a `// spent N ...`
// comment must match the timing line printed there (any number of microseconds).
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'memo-readme-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectations(code: string): (string | RegExp)[] {
  const out: (string | RegExp)[] = [];
  for (const line of code.split('\n')) {
    const m = /^(.*\S)\s*\/\/ (.*)$/.exec(line);
    if (m === null || m[1]!.trimStart().startsWith('//')) continue;
    const [, codePart, comment] = m as unknown as [string, string, string];
    if (comment.startsWith('spent ')) {
      const esc = comment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/^spent \d+/, 'spent \\d+');
      out.push(new RegExp(`^${esc}$`));
    } else if (codePart.includes('console.log(')) out.push(comment);
  }
  return out;
}

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(6);
  });

  it.each(blocks.map((code, i) => [i, code] as const))('block %i runs and prints what it says', (i, code) => {
    const file = join(dir, `block-${i}.mts`);
    const source = code.replaceAll("'@cb/memo-decorators'", JSON.stringify(join(pkgDir, 'src', 'index.ts')));
    writeFileSync(file, source);
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      cwd: pkgDir,
      // Runners such as Nx force colours on; the comments show plain output.
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const lines = stdout === '' ? [] : stdout.trimEnd().split('\n');
    const want = expectations(code);
    expect(lines).toHaveLength(want.length);
    want.forEach((w, j) => {
      if (typeof w === 'string') expect(lines[j]).toBe(w);
      else expect(lines[j]).toMatch(w);
    });
  });
});
