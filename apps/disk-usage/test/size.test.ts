import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOutput, run } from '@cb/proc';
import { afterAll, describe, expect, it } from 'vitest';
import { compareInjection } from '../src/injection.js';
import { size } from '../src/size.js';
import { askSize, sizeCommand } from '../src/size-of-tmp.js';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = mkdtempSync(join(tmpdir(), 'disk-usage-test-'));
writeFileSync(join(folder, 'data.bin'), Buffer.alloc(300 * 1024, 7));
writeFileSync(join(folder, 'proof-that-ls-ran.txt'), '');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('size', () => {
  it('reports what du -sh reports for the folder', async () => {
    const expected = await checkOutput(['du', '-sh', folder], { text: true });
    const report = await size(folder);
    expect(report).toMatchObject({ ok: true, returncode: 0, stdout: expected, stderr: '' });
  });

  it('treats a hostile name as one odd directory name', async () => {
    const report = await size(`${folder}; echo injected`);
    expect(report.ok).toBe(false);
    expect(report.stdout).not.toContain('injected');
    expect(report.stderr).toContain('No such file or directory');
  });
});

describe('the size CLI driven through stdin with communicate()', () => {
  it('answers with du -sh of the typed directory on stdout', async () => {
    const expected = await checkOutput(['du', '-sh', folder], { text: true });
    expect(await askSize(folder)).toEqual({ stdout: expected, stderr: '', returncode: 0 });
  });

  it('puts du failures on stderr with a non-zero exit', async () => {
    const a = await askSize(join(folder, 'missing'));
    expect(a.returncode).toBe(1);
    expect(a.stdout).toBe('');
    expect(a.stderr).toMatch(/du: cannot access .*missing.*No such file or directory/);
  });

  it('complains when stdin ends without a directory', async () => {
    const r = await run(sizeCommand(), { input: '', capture: true, text: true, cwd: APP_DIR });
    expect(r.returncode).toBe(2);
    expect(r.stderr).toBe('size: no directory given\n');
  });
});

describe('injection', () => {
  it('the unsafe form runs the smuggled ls; the safe form fails on the odd name', async () => {
    const { unsafe, safe } = await compareInjection(`/dev/null; ls -l ${folder}`);
    expect(unsafe.returncode).toBe(0);
    expect(unsafe.stdout).toContain('proof-that-ls-ran.txt');
    expect(safe.returncode).not.toBe(0);
    expect(safe.stdout).toBe('');
    expect(safe.stderr).toContain(`/dev/null; ls -l ${folder}`);
  });
});

describe('demo', () => {
  it('runs non-interactively through every section and cleans up its folder', async () => {
    const r = await run([process.execPath, '--import', 'tsx', 'src/demo.ts'], {
      capture: true,
      text: true,
      cwd: APP_DIR,
      input: '',
      timeoutMs: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.returncode).toBe(0);
    for (const n of [1, 2, 3, 4]) expect(r.stdout).toContain(`== ${n}.`);
    expect(r.stdout).toMatch(
      /UNSAFE[\s\S]*0\t\/dev\/null[\s\S]*SAFE[\s\S]*cannot access '\/dev\/null; ls -l \/tmp'/,
    );
    const made = (r.stdout ?? '').match(/^\$ du -sh (\S+)$/m)?.[1];
    expect(made).toContain('disk-usage-demo-');
    expect(existsSync(made!)).toBe(false);
  });
});
