import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ROOT, MIGRATIONS_DIR } from '../src/config.js';
import { findMigration } from '../src/db/migrations.js';

const require = createRequire(import.meta.url);
const TSX = require.resolve('tsx/cli');
const DRIZZLE_KIT = path.join(path.dirname(require.resolve('drizzle-kit')), 'bin.cjs');

const dataDir = mkdtempSync(path.join(tmpdir(), 'riddles-cli-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Nx sets FORCE_COLOR; together with NO_COLOR, Node prints a warning on stderr.
  const { DATABASE_URL: _url, FORCE_COLOR: _force, ...rest } = process.env;
  return { ...rest, RIDDLES_DATA_DIR: dataDir, NO_COLOR: '1', ...extra };
}

/** Runs a script of the app to completion (killed after 90 s). */
function run(
  args: string[],
  options: { input?: string; extraEnv?: Record<string, string>; node?: string[] } = {},
) {
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.node ?? [TSX]), ...args], {
      cwd: APP_ROOT,
      env: env(options.extraEnv),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

describe('Django-style commands', () => {
  it('migrate applies the committed migrations once, then has nothing to do', async () => {
    const first = await run(['src/cli/migrate.ts']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Operations to perform on PGlite in ${path.join(dataDir, 'pglite')}`);
    expect(first.stdout).toContain('Applying 0000_initial... OK');
    const again = await run(['src/cli/migrate.ts']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No migrations to apply.');
  }, 120_000);

  it('createsuperuser prompts and validates every answer', async () => {
    const created = await run(['src/cli/createsuperuser.ts'], {
      input:
        'root\nnot-an-email\nroot@example.com\n12345678\n12345678\nsecret pass\nother\ngood secret 1\ngood secret 1\n',
    });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Enter a valid email address.');
    expect(created.stdout).toContain('This password is entirely numeric.');
    expect(created.stdout).toContain("Error: Your passwords didn't match.");
    expect(created.stdout).toContain('Superuser created successfully.');
  }, 120_000);

  it('runserver serves the site, keeps a second process off the embedded database, and stops on SIGTERM', async () => {
    // tsx's CLI runs the script in a second process and SIGKILLs it when the relayed SIGTERM is not
    // acknowledged within 30 ms, which a busy machine misses; the loader keeps one process to signal.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: APP_ROOT,
      env: env({ PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`runserver printed no URL: ${stdout}`)), 90_000);
      child.stdout.on('data', () => {
        const match = /Starting development server at (http:\/\/\S+)/.exec(stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('close', () => reject(new Error(`runserver exited: ${stdout}`)));
    });
    try {
      expect(stdout).toMatch(
        /Admin: http:\/\/127\.0\.0\.1:\d+\/admin\/ \(1 admin login\(s\); add one: stop the server/,
      );
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/riddles\/$/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('No riddles are available right now.');
      const busy = await run(['src/cli/createsuperuser.ts', '--username', 'late', '--noinput'], {
        extraEnv: { RIDDLES_SUPERUSER_PASSWORD: 'late but long' },
      });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(
        `RIDDLES_DATABASE_IN_USE: The embedded database in ${path.join(dataDir, 'pglite')} is in use by process`,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'secret.key'))).toBe(true);
  }, 180_000);

  it('sqlmigrate prints a migration as one transaction and names the known ones for a bad id', async () => {
    const ok = await run(['src/cli/sqlmigrate.ts', '0']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.startsWith('BEGIN;\nCREATE TABLE "login_attempts"')).toBe(true);
    expect(ok.stdout).toContain('ON DELETE cascade');
    expect(ok.stdout.endsWith('COMMIT;\n')).toBe(true);
    expect(() => findMigration('42')).toThrow(
      expect.objectContaining({
        code: 'RIDDLES_MIGRATION_NOT_FOUND',
        message: 'No migration "42"; known: 0000_initial',
      }),
    );
    expect(findMigration('0000_initial').id).toBe('0000');
  }, 120_000);

  it('makemigrations finds no difference between the TypeScript schema and the committed migrations', async () => {
    // drizzle-kit only takes a path relative to the working folder (it prefixes './').
    mkdirSync(path.join(APP_ROOT, 'test-output'), { recursive: true });
    const out = mkdtempSync(path.join(APP_ROOT, 'test-output', 'migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, out, { recursive: true });
      const before = readdirSync(out).sort();
      const result = await run(
        [
          'generate',
          '--dialect',
          'postgresql',
          '--schema',
          'src/db/schema.ts',
          '--out',
          path.relative(APP_ROOT, out),
        ],
        { node: [DRIZZLE_KIT] },
      );
      // drizzle-kit exits 0 even when it fails, so stderr is checked too.
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('No schema changes');
      expect(readdirSync(out).sort()).toEqual(before);
      expect(readFileSync(path.join(out, 'meta', '_journal.json'), 'utf8')).toBe(
        readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
