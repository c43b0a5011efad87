import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CalledProcessError, checkOutput, quote, run } from '../src/index.js';

// The cookbook's warning: a "directory name" typed by a user that is really a second command.
const dir = mkdtempSync(joinPath(tmpdir(), 'cb-proc-injection-'));
writeFileSync(joinPath(dir, 'proof-that-ls-ran.txt'), '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hostile = `/dev/null; ls -l ${dir}`;

describe('shell injection', () => {
  it('the unsafe shell form runs the smuggled ls', async () => {
    const out = await checkOutput(`du -sh ${hostile}`, { shell: true, text: true });
    expect(out).toContain('proof-that-ls-ran.txt');
  });

  it('the safe argument form passes the odd name to du, which fails on it', async () => {
    const err = (await checkOutput(['du', '-sh', hostile], { stderr: 'pipe', text: true }).catch(
      (e: unknown) => e,
    )) as CalledProcessError;
    expect(err).toBeInstanceOf(CalledProcessError);
    expect(err.returncode).not.toBe(0);
    expect(err.stdout).not.toContain('proof-that-ls-ran.txt');
    expect(err.stderr).toContain(hostile);
  });

  it('quote() makes the shell form safe too', async () => {
    const r = await run(`du -sh ${quote(hostile)}`, { shell: true, capture: true, text: true });
    expect(r.returncode).not.toBe(0);
    expect(r.stdout).not.toContain('proof-that-ls-ran.txt');
  });
});
