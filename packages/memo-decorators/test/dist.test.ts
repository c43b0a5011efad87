import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds the package the way it ships (tsup -> ESM + CJS + .d.ts) into a temp consumer project,
// then compiles a consumer that applies every decorator with TypeScript's own TC39 decorator
// lowering (no experimentalDecorators), type-checked against the shipped .d.ts, and runs it
// through both `import` and `require`.
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const root = join(pkgDir, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const tsup = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');

const CONSUMER = `
import { cachedProperty, cacheOf, memoize, type TimingReport, timed, validate } from '@cb/memo-decorators';

const reports: TimingReport[] = [];

class Calc {
  runs = 0;

  @memoize()
  square(n: number): number {
    this.runs++;
    return n * n;
  }

  @memoize({ ttl: 60_000 })
  get answer(): number {
    this.runs++;
    return 42;
  }

  @memoize()
  accessor twice = (n: number): number => n * 2;

  @cachedProperty
  get label(): string {
    return 'calc';
  }

  @memoize
  bare(n: number): number {
    this.runs++;
    return -n;
  }

  @timed({ sink: (r) => reports.push(r) })
  @validate((x: number) => x >= 0, { onInvalid: -1 })
  @memoize({ maxSize: 8 })
  static root(x: number): number {
    return Math.sqrt(x);
  }
}

const c = new Calc();
c.square(3);
const square: number = c.square(3);
const answers: number[] = [c.answer, c.answer];
const twice: number = c.twice(4);
const bare: number[] = [c.bare(1), c.bare(1)];
const inc = memoize((a: number) => a + 1, { maxSize: 2 });
inc(1);
console.log(JSON.stringify({
  square,
  answers,
  runs: c.runs,
  info: cacheOf(c, 'square')?.cacheInfo(),
  twice,
  bare,
  label: c.label,
  roots: [Calc.root(9), Calc.root(-1)],
  reports: reports.map((r) => r.name),
  inc: inc.cacheInfo(),
}));
`;

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'memo-dist-'));
  const installed = join(dir, 'node_modules', '@cb', 'memo-decorators');
  mkdirSync(installed, { recursive: true });
  cpSync(join(pkgDir, 'package.json'), join(installed, 'package.json'));
  execFileSync(process.execPath, [tsup, '--out-dir', join(installed, 'dist'), '--silent'], {
    cwd: pkgDir,
    stdio: 'pipe',
  });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  writeFileSync(join(dir, 'consumer.mts'), CONSUMER);
  writeFileSync(join(dir, 'consumer.cts'), CONSUMER);
  const base = {
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    strict: true,
    skipLibCheck: false,
    types: [],
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16', outDir: 'out' },
      files: ['consumer.mts', 'consumer.cts'],
    }),
  );
  writeFileSync(
    join(dir, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler', noEmit: true },
      files: ['consumer.mts'],
    }),
  );
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function compile(project: string): void {
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

const EXPECTED = {
  square: 9,
  answers: [42, 42],
  runs: 3,
  info: { hits: 1, misses: 1, maxSize: 128, currSize: 1 },
  twice: 8,
  bare: [-1, -1],
  label: 'calc',
  roots: [3, -1],
  reports: ['root', 'root'],
  inc: { hits: 0, misses: 1, maxSize: 2, currSize: 1 },
};

describe('the built package in a consumer project', { timeout: 180_000 }, () => {
  it('type-checks decorators on methods, getters and accessors with node16 and bundler resolution', () => {
    compile('tsconfig.json');
    compile('tsconfig.bundler.json');
  });

  it('runs the decorated classes through import (ESM) and require (CJS)', () => {
    if (!existsSync(join(dir, 'out'))) compile('tsconfig.json');
    for (const file of ['out/consumer.mjs', 'out/consumer.cjs']) {
      const out = execFileSync(process.execPath, [join(dir, file)], { encoding: 'utf8' });
      expect(JSON.parse(out), file).toEqual(EXPECTED);
    }
  });
});
